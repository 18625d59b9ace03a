package dev.vigil.schemas.config;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One service per state directory: a second collector or worker of the same host would send or run everything twice.
 * The operating system's file lock is released when its process ends, even by kill -9.
 */
public final class StateDirectory {
    private StateDirectory() {
    }

    /**
     * @param dir a service's state directory, created when missing
     * @return the locked channel of {@code dir/lock}; closing it releases the lock. Null when another process (or
     *     another service in this JVM) holds it
     * @throws IOException when the directory or its lock file cannot be made
     */
    public static FileChannel lock(final Path dir) throws IOException {
        Files.createDirectories(dir);
        final FileChannel ch = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held in this JVM
        }
        if (lock == null) {
            ch.close();
            return null;
        }
        return ch;
    }
}
