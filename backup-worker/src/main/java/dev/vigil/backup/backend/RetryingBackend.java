package dev.vigil.backup.backend;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries failed operations of another backend with exponential backoff (restic's {@code
 * backend/retry}, kopia's {@code blob/retrying}). A missing file is an answer, not a failure, and
 * is never retried; nor is a failure no retry changes ({@link #permanent}). Safe because every operation of
 * {@link Backend} is idempotent.
 */
public final class RetryingBackend implements Backend {
    private static final Logger LOG = LoggerFactory.getLogger(RetryingBackend.class);
    private final Backend inner;
    private final int attempts;
    private final long firstDelayMs;

    /**
     * @param inner the store to retry
     * @param attempts tries per operation, &gt;= 1
     * @param firstDelayMs wait before the second try, doubled after each failure
     */
    public RetryingBackend(final Backend inner, final int attempts, final long firstDelayMs) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be >= 1, was " + attempts);
        }
        this.inner = inner;
        this.attempts = attempts;
        this.firstDelayMs = firstDelayMs;
    }

    /**
     * @param inner the store to retry
     * @return it retried as every command of Vigil's retries its store: 3 tries, 200 ms then 400 ms apart (a
     *     network file system's or an object store's passing failure)
     */
    public static RetryingBackend around(final Backend inner) {
        return new RetryingBackend(inner, 3, 200);
    }

    /** @return the decorated store */
    public Backend inner() {
        return inner;
    }

    @FunctionalInterface
    private interface Op<T> {
        T run() throws IOException;
    }

    private <T> T retry(final String what, final Op<T> op) throws IOException {
        long delay = firstDelayMs;
        for (int i = 1; ; i++) {
            try {
                return op.run();
            } catch (NoSuchFileException | java.nio.file.FileAlreadyExistsException e) {
                throw e;
            } catch (IOException e) {
                if (i >= attempts || permanent(e) || Thread.currentThread().isInterrupted()) {
                    throw e;
                }
                LOG.warn("{} failed (try {} of {}), retrying in {} ms: {}", what, i, attempts, delay, e.toString());
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException(what + ": interrupted while waiting to retry", ie);
                }
                delay *= 2;
            }
        }
    }

    /**
     * @return true for failures no retry changes: a permission, a read-only filesystem, and an interrupted thread's
     *     closed channel (stopped on purpose, e.g. by a restore that failed elsewhere: a retry would only log a failure
     *     that is none)
     */
    private static boolean permanent(final IOException e) {
        return e instanceof ClosedByInterruptException || dev.vigil.schemas.IoErrors.isPermanent(e);
    }

    @Override
    public String location() {
        return inner.location();
    }

    @Override
    public java.nio.file.Path localRoot() {
        return inner.localRoot();
    }

    @Override
    public void save(final Handle handle, final byte[] data) throws IOException {
        retry("save " + handle, () -> {
            inner.save(handle, data);
            return null;
        });
    }

    @Override
    public void save(final Handle handle, final byte[] data, final int length) throws IOException {
        retry("save " + handle, () -> {
            inner.save(handle, data, length);
            return null;
        });
    }

    /**
     * A try that failed after the store took the file (the answer was lost) makes the next one find it: a file there
     * with exactly these bytes is this call's own (the file holds a random nonce), any other is another's.
     */
    @Override
    public void saveNew(final Handle handle, final byte[] data) throws IOException {
        final boolean[] tried = {false};
        retry("save " + handle, () -> {
            try {
                inner.saveNew(handle, data);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (!tried[0] || !java.util.Arrays.equals(inner.load(handle), data)) {
                    throw e;
                }
            } finally {
                tried[0] = true;
            }
            return null;
        });
    }

    @Override
    public byte[] load(final Handle handle, final long offset, final int length) throws IOException {
        return retry("load " + handle, () -> inner.load(handle, offset, length));
    }

    @Override
    public byte[] load(final Handle handle) throws IOException {
        return retry("load " + handle, () -> inner.load(handle));
    }

    @Override
    public List<FileInfo> list(final FileType type) throws IOException {
        return retry("list " + type, () -> inner.list(type));
    }

    @Override
    public Optional<FileInfo> stat(final Handle handle) throws IOException {
        return retry("stat " + handle, () -> inner.stat(handle));
    }

    @Override
    public void remove(final Handle handle) throws IOException {
        retry("remove " + handle, () -> {
            inner.remove(handle);
            return null;
        });
    }

    @Override
    public void sync() throws IOException {
        retry("sync", () -> {
            inner.sync();
            return null;
        });
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }
}
