package dev.vigil.backup.backend;

/** The kinds of file a repository holds, each in its own directory. */
public enum FileType {
    /** The plaintext format marker, {@code vigil-repository}. */
    MARKER(""),
    /** The encrypted repository configuration, {@code config}. */
    CONFIG(""),
    /** Password-wrapped copies of the master key. */
    KEY("keys"),
    /** Repository locks. */
    LOCK("locks"),
    /** Snapshot records. */
    SNAPSHOT("snapshots"),
    /** Index files. */
    INDEX("index"),
    /** Pack files, under two-hex-digit subdirectories. */
    PACK("data");

    private final String dir;

    FileType(final String dir) {
        this.dir = dir;
    }

    /** @return the directory name, empty for the two fixed files */
    public String dir() {
        return dir;
    }
}
