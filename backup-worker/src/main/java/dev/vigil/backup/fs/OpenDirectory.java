package dev.vigil.backup.fs;

import dev.vigil.backup.snapshot.FileNames;
import java.io.IOException;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A directory held open by a descriptor ({@code O_DIRECTORY | O_NOFOLLOW}), each one opened from its parent's
 * descriptor rather than by path, as {@code find} and {@code rsync} walk: a directory replaced by a symbolic link (to
 * {@code /etc}, say) after its parent was listed is refused when it is opened, and one replaced by another directory
 * is told by its device and inode. Its entries are stat'ed with statx(2), its files and subdirectories opened with
 * openat(2) on the descriptor (JNA, direct-mapped); it is listed, and links and extended attributes are read, through
 * procfs' link to the descriptor, {@code /proc/self/fd/N/NAME}, which the kernel resolves to the directory opened
 * wherever its path leads since. Where statx is missing (glibc before 2.28, Linux before 4.11, a sandbox that refuses it) entries are stat'ed
 * through procfs too, which costs the kernel about twice the time of the stat itself.
 *
 * <p>Needs Linux and procfs ({@link #byDescriptor()}); elsewhere a directory is reached by its path and only checked
 * to be the directory listed, which leaves a window between the check and its use.
 *
 * <p>Shared by the tasks that use it (its listing, its files' reads, its subdirectories' opens): {@link #retain} adds
 * a user, {@link #close} removes one, and the last closes the descriptor. A walk thus holds open the directories of
 * the paths it is working on, a number bounded by the depth of the tree and the pool's queue, not by its width. A
 * descriptor whose users were dropped without closing (a task never run by a pool shut down on failure) is closed
 * when the object is collected.
 */
public final class OpenDirectory implements AutoCloseable {
    /** {@code O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC} of Linux on x86 and ARM, 0 elsewhere. */
    private static final int FLAGS = !NativeFs.LINUX ? 0
            : NativeFs.ARM ? 040000 | 0100000 | 02000000 : 0200000 | 0400000 | 02000000;
    private static final Path PROC_FD = Path.of("/proc/self/fd");
    private static final boolean BY_DESCRIPTOR = FLAGS != 0 && Files.isDirectory(PROC_FD) && NativeFs.available();
    /**
     * Whether entries are opened and stat'ed with openat(2) and statx(2) on the descriptor (glibc 2.28, Linux 4.11,
     * allowed by the sandbox if any): each path through procfs costs the kernel a lookup of the process and of the
     * descriptor, twice the time of the stat itself, and is left to what the JDK must do by path.
     */
    private static final boolean AT_CALLS = BY_DESCRIPTOR && NativeFs.atCalls() && statxWorks();
    private static final int AT_FDCWD = -100;
    private static final Cleaner CLEANER = Cleaner.create();
    private static final int ENOENT = 2;
    private static final int EACCES = 13;
    private static final int ENOTDIR = 20;
    private static final int ELOOP = 40;

    private static boolean statxWorks() {
        try {
            NativeFs.statx(AT_FDCWD, new byte[] {'/', 0}, new byte[NativeFs.STATX_SIZE]);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The descriptor, -1 without procfs. */
    private final int fd;
    /** What entries are resolved against: {@code /proc/self/fd/N}, or the directory's path without procfs. */
    private final Path path;
    private final Path shown;
    private final AtomicInteger users = new AtomicInteger(1);
    private final Cleaner.Cleanable closer;

    private OpenDirectory(final int fd, final Path shown) {
        this.fd = fd;
        this.shown = shown;
        this.path = fd < 0 ? shown : PROC_FD.resolve(Integer.toString(fd));
        // the action holds the number, not this object: it runs once, at the last close or when this is collected
        this.closer = fd < 0 ? () -> { } : CLEANER.register(this, () -> NativeFs.close(fd));
    }

    /**
     * @return whether directories are held by descriptor (Linux with procfs); else they are reached by path, and a
     *     directory replaced by a link between the check and the listing is followed
     */
    public static boolean byDescriptor() {
        return BY_DESCRIPTOR;
    }

    /**
     * @param dir a directory, the root of a walk; a link in its place is not followed
     * @return it, open
     * @throws IOException when it cannot be opened ({@link NoSuchFileException} when gone, {@link
     *     java.nio.file.AccessDeniedException} when not permitted, {@link NotDirectoryException} when not a directory)
     */
    public static OpenDirectory open(final Path dir) throws IOException {
        if (!BY_DESCRIPTOR) {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw Files.exists(dir, LinkOption.NOFOLLOW_LINKS) ? new NotDirectoryException(dir.toString())
                        : new NoSuchFileException(dir.toString());
            }
            return new OpenDirectory(-1, dir);
        }
        return new OpenDirectory(open(dir, dir), dir);
    }

    /**
     * Opens an entry of this directory that its listing found a directory with this device and inode.
     *
     * @param name the entry's name, as listed
     * @param device its device number when listed
     * @param inode its inode number when listed
     * @return it, open
     * @throws IOException when it cannot be opened ({@link NoSuchFileException} when gone); a {@link
     *     ReplacedException} when it is no longer that directory (a link, a file or another directory in its place)
     */
    public OpenDirectory openChild(final String name, final long device, final long inode) throws IOException {
        final Path shownChild = FileNames.resolve(shown, name);
        final OpenDirectory child;
        if (BY_DESCRIPTOR) {
            final int childFd;
            try {
                childFd = AT_CALLS ? errno(() -> NativeFs.openat(fd, cString(name), FLAGS), shownChild)
                        : open(entry(name), shownChild);
            } catch (NotDirectoryException e) {
                throw new ReplacedException(shownChild, "now a symbolic link or a file");
            }
            child = new OpenDirectory(childFd, shownChild);
        } else {
            if (Files.isSymbolicLink(shownChild)) {
                throw new ReplacedException(shownChild, "now a symbolic link");
            }
            child = new OpenDirectory(-1, shownChild);
        }
        try {
            final long[] id = child.deviceAndInode();
            if (id[0] != device || id[1] != inode) {
                throw new ReplacedException(shownChild, "another directory now");
            }
            return child;
        } catch (IOException | RuntimeException e) {
            child.close();
            throw e;
        }
    }

    /**
     * @param relative a path below this directory, of names separated by '/' (no "." nor "..")
     * @return the directory there, each one on the way opened from the one before, no link followed
     * @throws IOException when one cannot be opened (a {@link ReplacedException} for a link)
     */
    public OpenDirectory descend(final String relative) throws IOException {
        OpenDirectory at = retain();
        for (final String name : relative.split("/")) {
            try (OpenDirectory parent = at) {
                final Path shownChild = FileNames.resolve(parent.shown, name);
                if (BY_DESCRIPTOR) {
                    at = new OpenDirectory(open(parent.entry(name), shownChild), shownChild);
                } else if (Files.isDirectory(shownChild, LinkOption.NOFOLLOW_LINKS)) {
                    at = new OpenDirectory(-1, shownChild);
                } else {
                    throw new NotDirectoryException(shownChild.toString());
                }
            }
        }
        return at;
    }

    /** @return this directory's own device and inode (fstat) */
    private long[] deviceAndInode() throws IOException {
        if (AT_CALLS) {
            final byte[] buf = new byte[NativeFs.STATX_SIZE];
            errno(() -> {
                NativeFs.statx(fd, new byte[1], buf);
                return 0;
            }, shown);
            final ByteBuffer x = ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder());
            return new long[] {device(x.getInt(STX_DEV_MAJOR), x.getInt(STX_DEV_MAJOR + 4)), x.getLong(STX_INO)};
        }
        // following the link of procfs (or the path): the descriptor's own
        final Map<String, Object> a = Files.readAttributes(path, "unix:dev,ino");
        return new long[] {(Long) a.get("dev"), (Long) a.get("ino")};
    }

    /** Offsets in struct statx. */
    public static final int STX_MASK = 0;
    public static final int STX_NLINK = 16;
    public static final int STX_UID = 20;
    public static final int STX_GID = 24;
    public static final int STX_MODE = 28;
    public static final int STX_INO = 32;
    public static final int STX_SIZE = 40;
    public static final int STX_CTIME = 96;
    public static final int STX_MTIME = 112;
    public static final int STX_RDEV_MAJOR = 128;
    public static final int STX_DEV_MAJOR = 136;

    /**
     * @param major a device's major number
     * @param minor its minor number
     * @return dev_t as glibc (and thus the JDK's {@code unix:dev}) encodes them
     */
    public static long device(final int major, final int minor) {
        final long ma = major & 0xffffffffL;
        final long mi = minor & 0xffffffffL;
        return (ma & 0xfffff000L) << 32 | (ma & 0xfffL) << 8 | (mi & 0xffffff00L) << 12 | mi & 0xffL;
    }

    /**
     * statx(2) of an entry through this directory's descriptor: no path, no link followed.
     *
     * @param name an entry's name, as listed
     * @return its struct statx ({@link NativeFs#STATX_SIZE} bytes, native byte order, offsets {@code STX_*}), or null
     *     where that call is missing: then stat {@link #entry}
     * @throws IOException when it cannot be stat'ed ({@link NoSuchFileException} when gone), naming the entry's path
     */
    public byte[] statx(final String name) throws IOException {
        if (!AT_CALLS) {
            return null;
        }
        final byte[] buf = new byte[NativeFs.STATX_SIZE];
        errno(() -> {
            NativeFs.statx(fd, cString(name), buf);
            return 0;
        }, FileNames.resolve(shown, name));
        return buf;
    }

    private static byte[] cString(final String name) {
        final byte[] b = FileNames.encode(name);
        return java.util.Arrays.copyOf(b, b.length + 1);
    }

    /**
     * {@link NativeFs#openRegularFile(Path, Path)} of an entry, opened on this directory's descriptor: neither a link
     * in its place nor one in place of a directory on its path is followed.
     *
     * @param name an entry's name, as listed
     * @param within a real path (no link in it) the file must be in, or null
     * @return a channel reading it
     * @throws IOException as {@link NativeFs#openRegularFile(Path, Path)}, naming the entry's path
     */
    public java.nio.channels.FileChannel openRegularFile(final String name, final Path within) throws IOException {
        return NativeFs.openRegularFile(AT_CALLS ? fd : -1, cString(name), entry(name), FileNames.resolve(shown, name),
                within);
    }

    @FunctionalInterface
    private interface Errno {
        int call() throws NativeFs.ErrnoException;
    }

    /** @return the call's result; its errno turned into the exception the JDK would throw for {@code shown} */
    private static int errno(final Errno call, final Path shown) throws IOException {
        try {
            return call.call();
        } catch (NativeFs.ErrnoException e) {
            throw exception(e, shown);
        }
    }

    private static IOException exception(final NativeFs.ErrnoException e, final Path shown) {
        return switch (e.errno()) {
            case ENOENT -> new NoSuchFileException(shown.toString());
            case EACCES -> new java.nio.file.AccessDeniedException(shown.toString());
            case ENOTDIR -> new NotDirectoryException(shown.toString());
            case ELOOP -> new ReplacedException(shown, "now a symbolic link");
            default -> new FileSystemException(shown.toString(), null, e.getMessage());
        };
    }

    private static int open(final Path at, final Path shown) throws IOException {
        try {
            return NativeFs.open(at, FLAGS);
        } catch (NativeFs.ErrnoException e) {
            throw exception(e, shown);
        }
    }

    /**
     * @param name an entry's name, as listed
     * @return the path that reaches it through this directory's descriptor (valid while this is open; never shown)
     */
    public Path entry(final String name) {
        return FileNames.resolve(path, name);
    }

    /** @return the path that reaches this directory's descriptor (valid while this is open; never shown) */
    public Path path() {
        return path;
    }

    /** @return one more user; each must {@link #close} */
    public OpenDirectory retain() {
        if (users.getAndUpdate(n -> n == 0 ? 0 : n + 1) == 0) {
            throw new IllegalStateException(shown + ": descriptor used after it was closed");
        }
        return this;
    }

    /** One user less; the last one closes the descriptor. */
    @Override
    public void close() {
        if (users.decrementAndGet() == 0) {
            closer.clean();
        }
    }

    @Override
    public String toString() {
        return shown.toString();
    }

    /** A directory listed by the walk and replaced before it was entered: the walk does not enter what is there. */
    public static final class ReplacedException extends FileSystemException {
        private static final long serialVersionUID = 1L;

        ReplacedException(final Path dir, final String what) {
            super(dir.toString(), null, "replaced during the backup (" + what + "); not entered");
        }
    }
}
