package dev.vigil.backup.snapshot;

/** What a tree entry is. */
public enum NodeType {
    /** A regular file. */
    FILE,
    /** A directory, with a subtree. */
    DIR,
    /** A symbolic link, with its target. */
    SYMLINK,
    /**
     * A socket (or, in trees written before FIFO and the device types existed, a FIFO or a device): recorded, not
     * restored (a socket is made by the program that listens on it).
     */
    OTHER,
    /** A named pipe: restored empty, with {@code mkfifo}. */
    FIFO,
    /** A character device: its number in {@link Node#size()}, restored with {@code mknod} (root only). */
    CHARDEV,
    /** A block device: its number in {@link Node#size()}, restored with {@code mknod} (root only). */
    BLOCKDEV
}
