package dev.vigil.backup;

/** Another process holds a conflicting lock (CLI exit code 11); trying later may succeed. */
public class RepositoryLockedException extends RetriableBackupException {
    private static final long serialVersionUID = 1L;

    /** @param message who holds it */
    public RepositoryLockedException(final String message) {
        super(message, null);
    }
}
