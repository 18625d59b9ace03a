package dev.vigil.backup.restorer;

import dev.vigil.backup.BackupException;

/**
 * A file's data cannot be had from the repository (a blob that does not authenticate, is not indexed, or whose pack
 * cannot be read): that file is not restored, the others are.
 */
final class UnrestorableDataException extends BackupException {
    private static final long serialVersionUID = 1L;

    UnrestorableDataException(final BackupException cause) {
        super(cause.getMessage(), cause);
    }
}
