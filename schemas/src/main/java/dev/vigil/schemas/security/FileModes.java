package dev.vigil.schemas.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/** Whether a file of secrets or of trust (a key, a password) is open to every user of the host, as ssh checks. */
public final class FileModes {
    private FileModes() {
    }

    /**
     * @param file a file
     * @param permissions the permissions of others that are too much, e.g. {@link PosixFilePermission#OTHERS_READ}
     * @return the file's mode ({@code rw-r--r--}) when it grants others any of them; empty when it does not, when
     *     it cannot be read (reading the file says why), or on a file system without POSIX modes (its own access
     *     control is all there is)
     */
    public static Optional<String> grantsOthers(final Path file, final PosixFilePermission... permissions) {
        final Set<PosixFilePermission> mode;
        try {
            mode = Files.getPosixFilePermissions(file);
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
        for (final PosixFilePermission p : permissions) {
            if (mode.contains(p)) {
                return Optional.of(PosixFilePermissions.toString(mode));
            }
        }
        return Optional.empty();
    }
}
