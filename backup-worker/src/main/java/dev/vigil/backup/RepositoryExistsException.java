package dev.vigil.backup;

/**
 * {@code init} found a repository where it was to create one: there before it, or created by another process at the
 * same time (the one whose {@code config} was saved first wins). Opening it is the way on.
 */
public class RepositoryExistsException extends BackupException {
    private static final long serialVersionUID = 1L;

    /** @param message where, and how it came to exist */
    public RepositoryExistsException(final String message) {
        super(message);
    }
}
