package dev.vigil.backup;

/**
 * The root of every failure of the backup engine and worker. Messages name the object they
 * concern, e.g. {@code pack 3f2a91c0: truncated header}.
 */
public class BackupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed, naming the object */
    public BackupException(final String message) {
        super(message);
    }

    /**
     * @param message what failed, naming the object
     * @param cause the underlying failure
     */
    public BackupException(final String message, final Throwable cause) {
        super(message, cause);
    }

    /**
     * A failed write to the store, retriable unless it is a permission or a read-only filesystem, which a retry by
     * the worker (or by the decision engine, much later) would only repeat.
     *
     * @param what what was being written, e.g. {@code "index 3f2a91c0"}
     * @param e the I/O error
     * @return the exception to throw
     */
    public static BackupException ofWrite(final String what, final java.io.IOException e) {
        final String message = what + ": cannot write: " + dev.vigil.schemas.IoErrors.describe(e);
        return dev.vigil.schemas.IoErrors.isPermanent(e) ? new BackupException(message, e)
                : new RetriableBackupException(message, e);
    }

    /**
     * The one place that decides whether trying again may help: walks the cause chain for a
     * {@link RetriableBackupException} or an I/O error that is neither about a missing file nor one no retry changes
     * (a permission, a read-only filesystem).
     *
     * @param t any failure
     * @return whether retrying the same operation later may succeed
     */
    public static boolean isRetriable(final Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof RetriableBackupException) {
                return true;
            }
            if (c instanceof BackupException && !(c instanceof RetriableBackupException) && c != t) {
                return false;
            }
            if (c instanceof java.nio.file.NoSuchFileException
                    || c instanceof java.io.IOException io && dev.vigil.schemas.IoErrors.isPermanent(io)) {
                return false;
            }
            if (c instanceof java.io.IOException) {
                return true;
            }
        }
        return false;
    }
}
