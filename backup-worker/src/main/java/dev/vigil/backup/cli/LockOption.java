package dev.vigil.backup.cli;

import dev.vigil.backup.lock.RepoLock;
import dev.vigil.backup.repository.Repository;
import java.time.Clock;
import picocli.CommandLine.Option;

/** {@code --no-lock} of the commands that only read a repository: restore, check, and copy's source. */
final class LockOption {
    @Option(names = "--no-lock", description = "Do not lock the repository, so that a read-only one (a read-only "
            + "mount, a copy on a medium you cannot write) can be read. A prune that runs meanwhile may remove what "
            + "this command reads.")
    boolean noLock;

    /** @return a shared lock of the repository, or null with --no-lock (try-with-resources skips a null) */
    RepoLock shared(final Repository repo, final Clock clock) {
        return noLock ? null : RepoLock.acquire(repo, false, clock);
    }
}
