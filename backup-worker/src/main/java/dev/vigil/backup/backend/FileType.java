package dev.vigil.backup.backend;

/**
 * The kinds of file a repository holds, each in its own directory, and the largest file of each kind that is read
 * whole (FORMAT.md, Limits): anyone who can write to the store can plant a file of gigabytes there, which read whole
 * ended every command, and the worker's loop, with an OutOfMemoryError.
 */
public enum FileType {
    /** The plaintext format marker, {@code vigil-repository}. */
    MARKER("", 64 << 10),
    /** The encrypted repository configuration, {@code config}: a few hundred bytes. */
    CONFIG("", 64 << 10),
    /** Password-wrapped copies of the master key: under 1 KiB each. */
    KEY("keys", 64 << 10),
    /** Repository locks: a few hundred bytes each. */
    LOCK("locks", 64 << 10),
    /** Snapshot records: about 1 KiB, more with many warnings or exclude patterns. */
    SNAPSHOT("snapshots", 64 << 20),
    /** Index files: 46 bytes per blob, at most 50,000 blobs in prune's, 4 packs' in a backup's. */
    INDEX("index", 256 << 20),
    /**
     * Pack files, under two-hex-digit subdirectories: read by ranges, and whole only by a data check or repair, up to
     * this (packs close at 16 MiB by default, 128 MiB at most, plus their last blob and header).
     */
    PACK("data", 512 << 20);

    private final String dir;
    private final int maxSize;

    FileType(final String dir, final int maxSize) {
        this.dir = dir;
        this.maxSize = maxSize;
    }

    /** @return the size in bytes above which a file of this kind is refused as damaged instead of read whole */
    public int maxSize() {
        return maxSize;
    }

    /** @return the directory name, empty for the two fixed files */
    public String dir() {
        return dir;
    }
}
