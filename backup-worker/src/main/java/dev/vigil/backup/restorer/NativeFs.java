package dev.vigil.backup.restorer;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.vigil.backup.snapshot.FileNames;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The few file system calls the JDK lacks or makes unsafe for a restore, straight from the C library through JNA:
 * {@code mkfifo} (Java cannot create a named pipe), {@code symlink} with the target's exact bytes (a Java path
 * would normalize it), and mode and time set without opening the file (the JDK's {@code unix:mode} and time
 * setters open it first, and opening a FIFO for reading waits for a writer; its symlink times lose the
 * nanoseconds). Paths go as raw bytes, so names that are not UTF-8 keep
 * theirs.
 */
final class NativeFs {
    private static final int EEXIST = 17;
    private static final int AT_FDCWD = -100;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    /** tv_nsec value that leaves a time as it is. */
    private static final long UTIME_OMIT = (1L << 30) - 2;

    private interface LibC extends Library {
        int mkfifo(byte[] path, int mode) throws LastErrorException;

        int chmod(byte[] path, int mode) throws LastErrorException;

        int symlink(byte[] target, byte[] link) throws LastErrorException;

        /** @param times two struct timespec (seconds, nanoseconds): access, then modification */
        int utimensat(int dirfd, byte[] path, long[] times, int flags) throws LastErrorException;
    }

    private NativeFs() {
    }

    /**
     * @param path where the FIFO goes; must not exist
     * @param mode permission bits (the umask applies: set them again with {@link #chmod})
     * @throws IOException when it cannot be created ({@link FileAlreadyExistsException} when something is there)
     */
    static void mkfifo(final Path path, final int mode) throws IOException {
        call(path, "create FIFO", c -> c.mkfifo(cString(path), mode));
    }

    /**
     * @param path a file that is not a symlink
     * @param mode permission bits
     * @throws IOException when they cannot be set
     */
    static void chmod(final Path path, final int mode) throws IOException {
        call(path, "set mode", c -> c.chmod(cString(path), mode));
    }

    /**
     * @param link   where the link goes; must not exist
     * @param target the target's exact bytes
     * @throws IOException when it cannot be created ({@link FileAlreadyExistsException} when something is there)
     */
    static void symlink(final Path link, final byte[] target) throws IOException {
        call(link, "create symlink", c -> c.symlink(Arrays.copyOf(target, target.length + 1), cString(link)));
    }

    /**
     * @param path       a path; a symlink itself is changed, not its target
     * @param mtimeNanos modification time in nanoseconds since the epoch; the access time is left as it is
     * @throws IOException when it cannot be set
     */
    static void setMtime(final Path path, final long mtimeNanos) throws IOException {
        call(path, "set time", c -> c.utimensat(AT_FDCWD, cString(path), new long[] {0, UTIME_OMIT,
                Math.floorDiv(mtimeNanos, 1_000_000_000L), Math.floorMod(mtimeNanos, 1_000_000_000L)},
                AT_SYMLINK_NOFOLLOW));
    }

    /** One libc call on a path, its errno turned into the exception the JDK would throw. */
    private static void call(final Path path, final String what, final Call call) throws IOException {
        final LibC c = libc();
        try {
            call.run(c);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == EEXIST) {
                throw new FileAlreadyExistsException(path.toString());
            }
            throw new IOException(path + ": cannot " + what + ": " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface Call {
        void run(LibC c);
    }

    private static LibC libc() throws IOException {
        try {
            return Holder.C;
        } catch (LinkageError e) {
            throw new IOException("cannot load the C library: " + e, e);
        }
    }

    private static byte[] cString(final Path path) {
        final byte[] name = FileNames.bytesOf(path);
        return Arrays.copyOf(name, name.length + 1);
    }

    /** Loads libc on first use only. */
    private static final class Holder {
        static final LibC C = Native.load("c", LibC.class);
    }
}
