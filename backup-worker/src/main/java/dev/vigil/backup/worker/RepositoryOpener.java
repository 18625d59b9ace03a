package dev.vigil.backup.worker;

import dev.vigil.backup.BackupException;
import dev.vigil.backup.RepositoryExistsException;
import dev.vigil.backup.RetriableBackupException;
import dev.vigil.backup.backend.Backend;
import dev.vigil.backup.backend.Handle;
import dev.vigil.backup.crypto.KeyFile;
import dev.vigil.backup.repository.RepoConfig;
import dev.vigil.backup.repository.Repository;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;

/**
 * Opens a repository the worker backs up into, creating it on first use. Another process (a second worker on
 * the same repository, {@code vigil repo init} by hand) may create it at the same moment: {@link Repository#init}
 * lets exactly one of them do so, and the other then opens that one once it is complete.
 */
final class RepositoryOpener {
    /** How long an init that lost the race waits for the winner's marker: it is written milliseconds after config. */
    private static final Duration WAIT_FOR_OTHER = Duration.ofSeconds(10);
    private static final long POLL_MS = 50;

    private RepositoryOpener() {
    }

    /**
     * @param backend the repository's store
     * @param password its password
     * @param clock for a new key's creation time
     * @return the repository, created when there was none
     */
    static Repository openOrCreate(final Backend backend, final char[] password, final Clock clock) {
        if (!hasMarker(backend)) {
            try {
                return Repository.init(backend, password, RepoConfig.create(1 << 20, 3, 16 << 20), KeyFile.DEFAULT_N,
                        clock);
            } catch (RepositoryExistsException e) {
                awaitMarker(backend);
            }
        }
        return Repository.open(backend, password);
    }

    private static void awaitMarker(final Backend backend) {
        final long deadline = System.nanoTime() + WAIT_FOR_OTHER.toNanos();
        while (!hasMarker(backend)) {
            if (System.nanoTime() > deadline) {
                throw new BackupException(backend.location() + ": holds a repository's config but not its marker "
                        + "file " + Handle.MARKER.name() + " after " + WAIT_FOR_OTHER.toSeconds() + " s: an init that "
                        + "was stopped; if nothing was ever backed up into it, remove it and back up again");
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BackupException(backend.location() + ": interrupted waiting for another process's init", e);
            }
        }
    }

    private static boolean hasMarker(final Backend backend) {
        try {
            return backend.stat(Handle.MARKER).isPresent();
        } catch (IOException e) {
            throw new RetriableBackupException(backend.location() + ": cannot read: " + e, e);
        }
    }
}
