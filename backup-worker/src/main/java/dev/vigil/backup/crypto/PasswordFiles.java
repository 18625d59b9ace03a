package dev.vigil.backup.crypto;

import dev.vigil.schemas.security.FileModes;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Optional;

/**
 * The rule for a repository's password file, the one {@code vigil} applies to the decision engine's signing key (and
 * ssh to a private key): no user but its owner and group may read or write it. Whoever reads it can open the
 * repository; whoever writes it can make the next backups go to a repository of their password.
 */
public final class PasswordFiles {
    private PasswordFiles() {
    }

    /**
     * @param file a password file
     * @return why every user of this host may read or write it, with what to do; empty when they may not, when it does
     *     not exist (reading it says so), or where the file system has no POSIX modes (its own access control is all
     *     there is)
     */
    public static Optional<String> openToOthers(final Path file) {
        return FileModes.grantsOthers(file, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE)
                .map(mode -> file + ": readable or writable by every user of this host (mode " + mode + "): any of "
                        + "them could open the repository with it; 'chmod 600 " + file + "', and if others may have "
                        + "read it, add a new password ('vigil repo key add') and remove this one ('vigil repo key "
                        + "remove')");
    }
}
