package dev.vigil.backup.cli;

import dev.vigil.backup.BackupException;
import dev.vigil.backup.NoRepositoryException;
import dev.vigil.backup.WrongPasswordException;
import dev.vigil.backup.backend.Backend;
import dev.vigil.backup.backend.LocalBackend;
import dev.vigil.backup.backend.RetryingBackend;
import dev.vigil.backup.repository.Repository;
import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the repository is and how to get its password; shared by every {@code vigil repo} command. */
public final class RepoOptions {
    // Not picocli-required: its "Missing required option" would not say that the variable serves too
    @Option(names = {"--repo", "-r"}, defaultValue = "${env:VIGIL_REPOSITORY}", paramLabel = "DIR",
            description = "Repository directory (default: $VIGIL_REPOSITORY).")
    Path repo;

    @Option(names = "--password-file", paramLabel = "FILE", defaultValue = "${env:VIGIL_PASSWORD_FILE}",
            description = "Read the password from the first line of this file (default: $VIGIL_PASSWORD_FILE; "
                    + "else $VIGIL_PASSWORD; else a prompt). A file every user may read or write is warned of: "
                    + "chmod 600 it.")
    Path passwordFile;

    @Option(names = "--no-fsync", description = "Do not force written files to disk (faster; a power loss may "
            + "lose the last writes, a crash does not).")
    boolean noFsync;

    /** @return the store */
    public Backend backend() {
        return backend(dir(), noFsync);
    }

    /**
     * @return the repository directory
     * @throws IllegalArgumentException (bad usage) when neither --repo nor $VIGIL_REPOSITORY names one
     */
    public Path dir() {
        if (repo == null || repo.toString().isEmpty()) {
            throw new IllegalArgumentException("no repository: give --repo DIR or set VIGIL_REPOSITORY");
        }
        return repo;
    }

    /**
     * @param dir a repository directory
     * @param noFsync whether written files are left unsynced
     * @return its store
     * @throws NoRepositoryException when {@code dir} is a file
     */
    static Backend backend(final Path dir, final boolean noFsync) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new NoRepositoryException(dir + ": a file, not a repository directory");
        }
        return RetryingBackend.around(new LocalBackend(dir, !noFsync));
    }

    /**
     * @param prompt what to ask on a terminal
     * @param confirm whether to ask twice
     * @return the password
     */
    public char[] password(final String prompt, final boolean confirm) {
        // set but empty (VIGIL_PASSWORD_FILE= in a unit file) counts as unset, as restic has it
        if (passwordFile != null && !passwordFile.toString().isEmpty()) {
            return passwordFile(passwordFile);
        }
        final String env = System.getenv("VIGIL_PASSWORD");
        if (env != null && !env.isEmpty()) {
            return env.toCharArray();
        }
        final Console console = System.console();
        if (console == null) {
            throw new BackupException("no password: give --password-file FILE or set VIGIL_PASSWORD (no terminal to "
                    + "prompt on)");
        }
        final char[] first = console.readPassword("%s", prompt);
        if (first == null) {
            throw new BackupException("no password entered");
        }
        if (confirm) {
            final char[] again = console.readPassword("enter the password again: ");
            if (!java.util.Arrays.equals(first, again)) {
                throw new BackupException("the passwords do not match");
            }
        }
        return first;
    }

    /**
     * @param file a password file
     * @return its first line, exactly (spaces are part of a password; a line ending, CR included, is not)
     * @throws BackupException when it cannot be read
     * @throws IllegalArgumentException (bad usage) when its first line is empty
     */
    static char[] passwordFile(final Path file) {
        // warned, not refused as the worker does: scripts and cron jobs run with such files, and a refusal would stop
        // their backups after an upgrade (with exit code 3, which here says a backup is incomplete)
        dev.vigil.backup.crypto.PasswordFiles.openToOthers(file).ifPresent(why -> System.err.println("warning: "
                + "password file " + why));
        final String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BackupException("password file " + file + ": " + dev.vigil.schemas.IoErrors.reason(e), e);
        }
        final int nl = text.indexOf('\n');
        final String line = (nl < 0 ? text : text.substring(0, nl)).replace("\r", "");
        if (line.isEmpty()) {
            throw new IllegalArgumentException("password file " + file + ": its first line is empty (the password "
                    + "is the first line)");
        }
        return line.toCharArray();
    }

    /** @return the repository, opened with the password */
    public Repository open() {
        final char[] password = password("enter password for repository " + dir() + ": ", false);
        try {
            return Repository.open(backend(), password);
        } catch (WrongPasswordException e) {
            final String text = new String(password);
            if (!text.equals(text.strip())) {
                // restic trims its password files; Vigil takes the line as it is, so say what may differ
                throw new WrongPasswordException(e.getMessage() + "; note that this password begins or ends with "
                        + "white space, which is part of it");
            }
            throw e;
        }
    }
}
