package dev.vigil.backup.snapshot;

/** What a tree entry is. */
public enum NodeType {
    /** A regular file. */
    FILE,
    /** A directory, with a subtree. */
    DIR,
    /** A symbolic link, with its target. */
    SYMLINK,
    /** A FIFO, socket or device: recorded, not restored. */
    OTHER
}
