package dev.vigil.backup.fs;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.vigil.backup.snapshot.FileNames;
import dev.vigil.backup.snapshot.Xattr;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The few file system calls the JDK lacks or makes unsafe for a restore, straight from the C library through JNA:
 * {@code mkfifo} (Java cannot create a named pipe), {@code symlink} with the target's exact bytes (a Java path
 * would normalize it), and mode and time set without opening the file (the JDK's {@code unix:mode} and time
 * setters open it first, and opening a FIFO for reading waits for a writer; its symlink times lose the
 * nanoseconds), extended attributes (ACLs and capabilities among them, which the JDK cannot reach), and a file
 * opened for reading without waiting ({@code O_NONBLOCK}, which the JDK cannot ask for). Paths go as raw bytes, so
 * names that are not UTF-8 keep theirs.
 */
public final class NativeFs {
    private static final int ENOENT = 2;
    private static final int EACCES = 13;
    private static final int EEXIST = 17;
    private static final int ELOOP = 40;
    private static final int ERANGE = 34;
    private static final int ENODATA = 61;
    private static final int ENOTSUP = 95;
    /** Largest list of names or value read: the kernel's own limit is 64 KiB. */
    private static final int XATTR_MAX = 1 << 20;
    private static final int AT_FDCWD = -100;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    /**
     * {@code O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC} of Linux on x86 and ARM (O_NOFOLLOW differs between
     * them), 0 elsewhere: there files are opened by the JDK.
     */
    private static final int OPEN_NOFOLLOW_NONBLOCK = !Platform.isLinux() ? 0
            : Platform.isARM() ? 04000 | 0100000 | 02000000
            : Platform.isIntel() ? 04000 | 0400000 | 02000000 : 0;
    /** Linux on x86 or ARM: the open(2) flags of this class and {@link OpenDirectory} are known. */
    static final boolean LINUX = Platform.isLinux() && (Platform.isARM() || Platform.isIntel());
    /** ARM, whose O_DIRECTORY and O_NOFOLLOW differ from x86's. */
    static final boolean ARM = Platform.isARM();
    /** The open descriptors of this process as links to what they opened (procfs); absent in some sandboxes. */
    private static final Path PROC_FD = Path.of("/proc/self/fd");
    /** tv_nsec value that leaves a time as it is. */
    private static final long UTIME_OMIT = (1L << 30) - 2;

    private interface LibC extends Library {
        int open(byte[] path, int flags) throws LastErrorException;

        int close(int fd) throws LastErrorException;

        int mkfifo(byte[] path, int mode) throws LastErrorException;

        int chmod(byte[] path, int mode) throws LastErrorException;

        /** Exported by glibc since 2.33 (before, only as __xmknod). */
        int mknod(byte[] path, int mode, long dev) throws LastErrorException;

        int symlink(byte[] target, byte[] link) throws LastErrorException;

        /** @param times two struct timespec (seconds, nanoseconds): access, then modification */
        int utimensat(int dirfd, byte[] path, long[] times, int flags) throws LastErrorException;

        long llistxattr(byte[] path, byte[] list, long size) throws LastErrorException;

        long lgetxattr(byte[] path, byte[] name, byte[] value, long size) throws LastErrorException;

        int lsetxattr(byte[] path, byte[] name, byte[] value, long size, int flags) throws LastErrorException;

        int lremovexattr(byte[] path, byte[] name) throws LastErrorException;
    }

    private NativeFs() {
    }

    /**
     * @param path where the FIFO goes; must not exist
     * @param mode permission bits (the umask applies: set them again with {@link #chmod})
     * @throws IOException when it cannot be created ({@link FileAlreadyExistsException} when something is there)
     */
    public static void mkfifo(final Path path, final int mode) throws IOException {
        call(path, "create FIFO", c -> c.mkfifo(cString(path), mode));
    }

    /**
     * @param path where the device goes; must not exist
     * @param character a character device, else a block device
     * @param mode permission bits (the umask applies: set them again with {@link #chmod})
     * @param device its number, st_rdev
     * @throws IOException when it cannot be created (not root: operation not permitted; a C library without
     *     {@code mknod}; {@link FileAlreadyExistsException} when something is there)
     */
    public static void mknod(final Path path, final boolean character, final int mode, final long device)
            throws IOException {
        try {
            call(path, "create device", c -> c.mknod(cString(path), (character ? 0020000 : 0060000) | mode & 07777,
                    device));
        } catch (UnsatisfiedLinkError e) {
            throw new IOException(path + ": cannot create device: the C library has no mknod (glibc before 2.33)", e);
        }
    }

    /**
     * @param path a file that is not a symlink
     * @param mode permission bits
     * @throws IOException when they cannot be set
     */
    public static void chmod(final Path path, final int mode) throws IOException {
        call(path, "set mode", c -> c.chmod(cString(path), mode));
    }

    /**
     * @param link   where the link goes; must not exist
     * @param target the target's exact bytes
     * @throws IOException when it cannot be created ({@link FileAlreadyExistsException} when something is there)
     */
    public static void symlink(final Path link, final byte[] target) throws IOException {
        call(link, "create symlink", c -> c.symlink(Arrays.copyOf(target, target.length + 1), cString(link)));
    }

    /**
     * @param path       a path; a symlink itself is changed, not its target
     * @param mtimeNanos modification time in nanoseconds since the epoch; the access time is left as it is
     * @throws IOException when it cannot be set
     */
    public static void setMtime(final Path path, final long mtimeNanos) throws IOException {
        call(path, "set time", c -> c.utimensat(AT_FDCWD, cString(path), new long[] {0, UTIME_OMIT,
                Math.floorDiv(mtimeNanos, 1_000_000_000L), Math.floorMod(mtimeNanos, 1_000_000_000L)},
                AT_SYMLINK_NOFOLLOW));
    }

    /**
     * Opens a regular file for reading as a backup must: a link put in its place is not followed (it may lead out of
     * the dataset) and a FIFO put in its place is not waited on (opening one waits for a writer, forever).
     *
     * @param path a path the walk found a regular file
     * @param within a real path (no link in it) the file must be in, or null: a directory on the file's path replaced
     *     by a link after the walk listed it would lead elsewhere (checked where procfs names what was opened)
     * @return a channel reading it
     * @throws IOException when it cannot be opened ({@link NoSuchFileException} when it is gone), is no longer a
     *     regular file, or is not within (a {@link FileSystemException} naming it)
     */
    public static FileChannel openRegularFile(final Path path, final Path within) throws IOException {
        return openRegularFile(-1, null, path, path, within);
    }

    /**
     * {@link #openRegularFile(Path, Path)} of an entry of an {@link OpenDirectory}: with openat(2) on its descriptor
     * where {@link #atCalls()}, else through {@code at}.
     *
     * @param dirfd the directory's descriptor, or -1 to open {@code at}
     * @param name the entry's name, NUL-terminated
     * @param at a path that reaches the entry through the directory's descriptor
     * @param path the path named in exceptions
     * @param within a real path (no link in it) the file must be in, or null
     * @return a channel reading it
     * @throws IOException as {@link #openRegularFile(Path, Path)}
     */
    static FileChannel openRegularFile(final int dirfd, final byte[] name, final Path at, final Path path,
                                       final Path within) throws IOException {
        final LibC c;
        try {
            c = OPEN_NOFOLLOW_NONBLOCK == 0 || !Files.isDirectory(PROC_FD) ? null : libc();
        } catch (IOException e) {
            return FileChannel.open(at, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        }
        if (c == null) {
            // without the C library or procfs, the JDK's open: no link is followed, but a FIFO is waited on
            return FileChannel.open(at, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        }
        final int fd;
        try {
            fd = dirfd >= 0 ? Direct.openat(dirfd, name, OPEN_NOFOLLOW_NONBLOCK)
                    : c.open(cString(at), OPEN_NOFOLLOW_NONBLOCK);
        } catch (LastErrorException e) {
            throw switch (e.getErrorCode()) {
                case ENOENT -> new NoSuchFileException(path.toString());
                case EACCES -> new AccessDeniedException(path.toString());
                case ELOOP -> new FileSystemException(path.toString(), null,
                        "replaced by a symbolic link during the backup; not followed");
                default -> new FileSystemException(path.toString(), null, e.getMessage());
            };
        }
        try {
            // The descriptor's link in procfs leads to what was opened: checked, then opened again without
            // O_NONBLOCK (the JDK's reads expect a blocking descriptor), which for a regular file waits for nothing.
            final Path opened = PROC_FD.resolve(Integer.toString(fd));
            if (!Files.isRegularFile(opened)) {
                throw new FileSystemException(path.toString(), null,
                        "no longer a regular file (replaced during the backup); not read");
            }
            final Path where = within == null ? null : whereOpened(opened, path, dirfd >= 0 || !at.equals(path));
            if (where != null && !where.startsWith(within)) {
                throw new FileSystemException(path.toString(), null, "leads out of the dataset, to " + where
                        + " (a directory on its path was replaced by a link during the backup); not read");
            }
            return FileChannel.open(opened, StandardOpenOption.READ);
        } finally {
            c.close(fd);
        }
    }

    /**
     * @param opened a descriptor's link in procfs
     * @param path the path named in exceptions
     * @param inDirectory whether it was opened on the descriptor of a directory the walk holds
     * @return the path procfs names for what was opened; null when it cannot name it but need not: the kernel names
     *     no path longer than PATH_MAX (4,096 bytes; ENAMETOOLONG), and a file opened on a held directory, which the
     *     walk entered from the dataset's root by descriptors without following a link, is in the dataset
     * @throws IOException naming {@code path} when it cannot be named, for a file opened by its path
     */
    private static Path whereOpened(final Path opened, final Path path, final boolean inDirectory)
            throws IOException {
        try {
            return Files.readSymbolicLink(opened);
        } catch (IOException e) {
            if (inDirectory) {
                return null;
            }
            throw new FileSystemException(path.toString(), null, "cannot tell where it was opened: "
                    + dev.vigil.schemas.IoErrors.reason(e) + "; not read");
        }
    }

    /** An errno of open(2), for callers that turn it into their own exception. */
    static final class ErrnoException extends IOException {
        private static final long serialVersionUID = 1L;
        private final int errno;

        ErrnoException(final Path path, final LastErrorException e) {
            super(path + ": " + e.getMessage(), e);
            this.errno = e.getErrorCode();
        }

        ErrnoException(final LastErrorException e) {
            super(e.getMessage(), e);
            this.errno = e.getErrorCode();
        }

        int errno() {
            return errno;
        }
    }

    /**
     * The calls made once per directory entry of a walk, direct-mapped (JNA's fast path: a native method, no proxy nor
     * reflection per call). Loaded on first use; null where the C library lacks them (statx: glibc 2.28).
     */
    private static final class Direct {
        static final boolean LOADED = load();

        static native int openat(int dirfd, byte[] path, int flags) throws LastErrorException;

        /** @param buf a struct statx, 256 bytes */
        static native int statx(int dirfd, byte[] path, int flags, int mask, byte[] buf) throws LastErrorException;

        private static boolean load() {
            try {
                Native.register(Direct.class, "c");
                return true;
            } catch (LinkageError e) {
                return false;
            }
        }
    }

    /** Size of struct statx, the same on every architecture. */
    public static final int STATX_SIZE = 256;
    private static final int AT_EMPTY_PATH = 0x1000;
    /** STATX_BASIC_STATS. */
    private static final int STATX_BASIC = 0x7ff;

    /** @return whether {@link #openat} and {@link #statx} are there */
    static boolean atCalls() {
        try {
            return LINUX && Direct.LOADED;
        } catch (LinkageError e) {
            return false;
        }
    }

    /**
     * @param dirfd an open directory
     * @param name an entry's name, NUL-terminated
     * @param flags open(2)'s flags
     * @return the descriptor
     * @throws ErrnoException when openat(2) fails
     */
    static int openat(final int dirfd, final byte[] name, final int flags) throws ErrnoException {
        try {
            return Direct.openat(dirfd, name, flags);
        } catch (LastErrorException e) {
            throw new ErrnoException(e);
        }
    }

    /**
     * statx(2) of an entry (a link itself, not followed), or of the descriptor itself when the name is empty.
     *
     * @param dirfd an open directory (or any descriptor, with an empty name)
     * @param name an entry's name, NUL-terminated, or just a NUL
     * @param buf where struct statx goes, {@link #STATX_SIZE} bytes
     * @throws ErrnoException when statx(2) fails (ENOSYS on a kernel before 4.11)
     */
    static void statx(final int dirfd, final byte[] name, final byte[] buf) throws ErrnoException {
        try {
            Direct.statx(dirfd, name, name.length == 1 ? AT_EMPTY_PATH : AT_SYMLINK_NOFOLLOW, STATX_BASIC, buf);
        } catch (LastErrorException e) {
            throw new ErrnoException(e);
        }
    }

    /** @return whether the C library loads */
    static boolean available() {
        try {
            libc();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * @param path a path
     * @param flags open(2)'s flags
     * @return the descriptor
     * @throws IOException an {@link ErrnoException} when open(2) fails
     */
    static int open(final Path path, final int flags) throws IOException {
        final LibC c = libc();
        try {
            return c.open(cString(path), flags);
        } catch (LastErrorException e) {
            throw new ErrnoException(path, e);
        }
    }

    /** @param fd a descriptor this process opened, closed now (errors ignored: Linux frees it whatever close says) */
    static void close(final int fd) {
        try {
            libc().close(fd);
        } catch (IOException | LastErrorException e) {
            // nothing left to do
        }
    }

    /**
     * @param path a path; a symlink's own attributes are read, not its target's
     * @return its extended attributes in the order the file system lists them; none where it has none
     * @throws IOException when they cannot be read (or the C library cannot be loaded)
     */
    public static List<Xattr> xattrs(final Path path) throws IOException {
        return xattrs(path, path);
    }

    /**
     * @param at a path, e.g. an entry of an {@link OpenDirectory}; a symlink's own attributes are read
     * @param path the path named in exceptions
     * @return its extended attributes in the order the file system lists them; none where it has none
     * @throws IOException when they cannot be read (or the C library cannot be loaded)
     */
    public static List<Xattr> xattrs(final Path at, final Path path) throws IOException {
        final LibC c = libc();
        final byte[] p = cString(at);
        final byte[] list;
        try {
            list = sized(() -> c.llistxattr(p, null, 0), b -> c.llistxattr(p, b, b.length));
        } catch (LastErrorException e) {
            if (e.getErrorCode() == ENOTSUP) {
                return List.of();
            }
            throw new IOException(path + ": cannot list extended attributes: " + e.getMessage(), e);
        }
        final List<Xattr> out = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < list.length; i++) {
            if (list[i] != 0) {
                continue;
            }
            final byte[] name = Arrays.copyOfRange(list, from, i + 1); // with its NUL
            from = i + 1;
            try {
                final byte[] value = sized(() -> c.lgetxattr(p, name, null, 0), b -> c.lgetxattr(p, name, b, b.length));
                out.add(new Xattr(new String(name, 0, name.length - 1, StandardCharsets.ISO_8859_1), value));
            } catch (LastErrorException e) {
                if (e.getErrorCode() != ENODATA) { // removed since it was listed
                    throw new IOException(path + ": cannot read extended attribute "
                            + new String(name, 0, name.length - 1, StandardCharsets.ISO_8859_1) + ": " + e.getMessage(), e);
                }
            }
        }
        return List.copyOf(out);
    }

    /**
     * @param path a path; a symlink's own attributes are set
     * @param xattr an extended attribute to set
     * @throws IOException when it cannot be set (not permitted, not supported here)
     */
    public static void setXattr(final Path path, final Xattr xattr) throws IOException {
        final byte[] name = Arrays.copyOf(xattr.name().getBytes(StandardCharsets.ISO_8859_1), xattr.name().length() + 1);
        call(path, "set extended attribute " + xattr.name(), c -> c.lsetxattr(cString(path), name, xattr.value(),
                xattr.value().length, 0));
    }

    /**
     * @param path a path; a symlink's own attribute is removed
     * @param name the attribute's name, each char one byte (ISO-8859-1)
     * @throws IOException when it cannot be removed (not permitted, not supported here); one that is gone is no error
     */
    public static void removeXattr(final Path path, final String name) throws IOException {
        final byte[] n = Arrays.copyOf(name.getBytes(StandardCharsets.ISO_8859_1), name.length() + 1);
        try {
            libc().lremovexattr(cString(path), n);
        } catch (LastErrorException e) {
            if (e.getErrorCode() != ENODATA) {
                throw new IOException(path + ": cannot remove extended attribute " + name + ": " + e.getMessage(), e);
            }
        }
    }

    /** Asks for the size, then reads into a buffer of it; again if it grew in between (ERANGE). */
    private static byte[] sized(final java.util.function.LongSupplier size,
                                final java.util.function.ToLongFunction<byte[]> read) {
        for (int attempt = 0; ; attempt++) {
            final long n = size.getAsLong();
            if (n <= 0) {
                return new byte[0];
            }
            final byte[] buf = new byte[(int) Math.min(n, XATTR_MAX)];
            try {
                final long got = read.applyAsLong(buf);
                return got == buf.length ? buf : Arrays.copyOf(buf, (int) got);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != ERANGE || attempt > 3 || n >= XATTR_MAX) {
                    throw e;
                }
            }
        }
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
