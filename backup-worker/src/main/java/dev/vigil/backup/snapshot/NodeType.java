package dev.vigil.backup.snapshot;

/** What a tree entry is. */
public enum NodeType {
    /** A regular file. */
    FILE,
    /** A directory, with a subtree. */
    DIR,
    /** A symbolic link, with its target. */
    SYMLINK,
    /** A socket or device (or, in trees written before FIFO existed, a FIFO): recorded, not restored. */
    OTHER,
    /** A named pipe: restored empty, with {@code mkfifo}. */
    FIFO
}
