package dev.vigil.backup.archiver;

/**
 * Backup levels. They only choose the parent snapshot whose unchanged files are reused; every
 * snapshot holds a complete tree.
 */
public enum Level {
    /** No parent: every file is read. */
    FULL,
    /** Parent: the dataset's latest snapshot. */
    INCREMENTAL,
    /** Parent: the dataset's latest FULL snapshot. */
    DIFFERENTIAL
}
