package dev.vigil.backup.archiver;

import java.util.concurrent.atomic.AtomicLong;

/** Live counters of a running backup, read by progress reporters from other threads. */
public final class BackupProgress {
    final AtomicLong filesDone = new AtomicLong();
    final AtomicLong bytesDone = new AtomicLong();
    final AtomicLong bytesRead = new AtomicLong();
    final AtomicLong bytesMatched = new AtomicLong();
    private final long bytesExpected;

    /** @param bytesExpected a guess of the total bytes (the parent's), 0 when unknown */
    public BackupProgress(final long bytesExpected) {
        this.bytesExpected = bytesExpected;
    }

    /** @return files visited so far */
    public long filesDone() {
        return filesDone.get();
    }

    /** @return bytes of files visited so far (read or reused) */
    public long bytesDone() {
        return bytesDone.get();
    }

    /** @return bytes read from the source so far */
    public long bytesRead() {
        return bytesRead.get();
    }

    /** @return bytes of changed files found equal to their parent version's chunks (by id) without chunking */
    public long bytesMatched() {
        return bytesMatched.get();
    }

    /** @return the expected total in bytes, 0 when unknown */
    public long bytesExpected() {
        return bytesExpected;
    }
}
