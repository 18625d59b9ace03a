package dev.vigil.backup;

/** A failure that may go away when the same operation runs again (I/O errors, a held lock). */
public class RetriableBackupException extends BackupException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed
     * @param cause the underlying failure, may be null
     */
    public RetriableBackupException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
