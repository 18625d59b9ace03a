package dev.vigil.backup;

/** There is no repository where one was expected (CLI exit code 10). */
public class NoRepositoryException extends BackupException {
    private static final long serialVersionUID = 1L;

    /** @param message where none was found */
    public NoRepositoryException(final String message) {
        super(message);
    }
}
