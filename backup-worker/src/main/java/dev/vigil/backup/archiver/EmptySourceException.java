package dev.vigil.backup.archiver;

import dev.vigil.backup.BackupException;

/**
 * A backup refused because the dataset directory is empty while its last snapshot had files: a file system not
 * mounted (the mount point is an empty directory), or a dataset emptied by mistake. Not retriable: the next try finds
 * the same directory until a person mounts it, restores it, or backs it up anyway ({@code --allow-empty}).
 */
public final class EmptySourceException extends BackupException {
    private static final long serialVersionUID = 1L;

    /** @param message what is empty and what the last snapshot held */
    public EmptySourceException(final String message) {
        super(message);
    }
}
