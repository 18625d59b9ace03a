package dev.vigil.backup.fs;

import dev.vigil.backup.snapshot.FileNames;
import java.io.IOException;
import java.lang.ref.Cleaner;
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
 * is told by its device and inode. Its entries are reached through procfs' link to the descriptor,
 * {@code /proc/self/fd/N/NAME}: the kernel resolves that link to the directory opened, wherever its path leads since,
 * so the JDK lists and stats relative to the descriptor (one stat per entry, as by path; no JNA call per entry).
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
    private static final Cleaner CLEANER = Cleaner.create();
    private static final int ENOENT = 2;
    private static final int EACCES = 13;
    private static final int ENOTDIR = 20;
    private static final int ELOOP = 40;

    /** What entries are resolved against: {@code /proc/self/fd/N}, or the directory's path without procfs. */
    private final Path path;
    private final Path shown;
    private final AtomicInteger users = new AtomicInteger(1);
    private final Cleaner.Cleanable closer;

    private OpenDirectory(final int fd, final Path shown) {
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
            final int fd;
            try {
                fd = open(entry(name), shownChild);
            } catch (NotDirectoryException e) {
                throw new ReplacedException(shownChild, "now a symbolic link or a file");
            }
            child = new OpenDirectory(fd, shownChild);
        } else {
            if (Files.isSymbolicLink(shownChild)) {
                throw new ReplacedException(shownChild, "now a symbolic link");
            }
            child = new OpenDirectory(-1, shownChild);
        }
        try {
            // following the link of procfs: the descriptor's own device and inode (fstat)
            final Map<String, Object> a = Files.readAttributes(child.path, "unix:dev,ino");
            if ((Long) a.get("dev") != device || (Long) a.get("ino") != inode) {
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

    private static int open(final Path at, final Path shown) throws IOException {
        try {
            return NativeFs.open(at, FLAGS);
        } catch (NativeFs.ErrnoException e) {
            throw switch (e.errno()) {
                case ENOENT -> new NoSuchFileException(shown.toString());
                case EACCES -> new java.nio.file.AccessDeniedException(shown.toString());
                case ENOTDIR -> new NotDirectoryException(shown.toString());
                case ELOOP -> new ReplacedException(shown, "now a symbolic link");
                default -> new FileSystemException(shown.toString(), null, e.getMessage());
            };
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
