package dev.vigil.backup.fs;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Temporary files being written (a pack before its rename, a restored file before it replaces the old one), kept so
 * that a process stopped in the middle (Ctrl-C, SIGTERM: its finally blocks do not run) leaves none behind. Each is
 * registered and created under the read side of a lock; {@link #refuseNew()} takes the write side, so none is created
 * after it, and every one created before it is registered.
 */
public final class TemporaryFiles {
    private final Set<Path> files = ConcurrentHashMap.newKeySet();
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile boolean refused;

    /** Creates a temporary file (or whatever holds it open). @param <T> what creating gives */
    public interface Creation<T> {
        /** @return what was created, e.g. an open channel @throws IOException when it cannot be */
        T create() throws IOException;
    }

    /**
     * @param tmp the temporary file
     * @param creation creates it
     * @param <T> what creating gives
     * @return what the creation gave; the file stays registered until {@link #done}, also when creating failed
     * @throws IOException when creating fails, or {@link InterruptedIOException} once new files are refused
     */
    public <T> T create(final Path tmp, final Creation<T> creation) throws IOException {
        lock.readLock().lock();
        try {
            if (refused) {
                throw new InterruptedIOException("stopping: " + tmp + " not created");
            }
            files.add(tmp);
            return creation.create();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** @param tmp a registered file that was renamed into place or removed */
    public void done(final Path tmp) {
        files.remove(tmp);
    }

    /** From now on no temporary file is created; those being created when it is called are registered. */
    public void refuseNew() {
        lock.writeLock().lock();
        try {
            refused = true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Removes the registered files: those whose writing failed or was stopped. */
    public void removeAll() {
        for (final Path tmp : files) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                // prune (a pack) or the next restore (a restored file's) removes it
            }
        }
    }

    /**
     * For a shutdown hook: refuses new files, gives the writes in progress up to {@code grace} to end (renamed into
     * place), and removes the files of those that did not.
     *
     * @param grace how long writes in progress may take
     */
    public void stop(final Duration grace) {
        refuseNew();
        final long deadline = System.nanoTime() + grace.toNanos();
        while (!files.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        removeAll();
    }
}
