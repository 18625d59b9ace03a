package dev.vigil.backup.archiver;

import dev.vigil.backup.fs.OpenDirectory;
import dev.vigil.backup.snapshot.NodeType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What lstat(2) says about a path, through one call to the JVM's "unix" attribute view.
 *
 * @param type what it is
 * @param mode permission bits with setuid, setgid and sticky
 * @param uid owner
 * @param gid group
 * @param mtimeNanos modification time, ns since the epoch
 * @param ctimeNanos status change time, ns since the epoch
 * @param inode inode number
 * @param device device number
 * @param links hard link count
 * @param size length in bytes (regular files), the device number st_rdev (devices), 0 otherwise
 */
public record FileStat(NodeType type, int mode, int uid, int gid, long mtimeNanos, long ctimeNanos, long inode,
                       long device, int links, long size) {
    private static final String ATTRIBUTES = "unix:mode,ino,dev,rdev,nlink,uid,gid,ctime,size,lastModifiedTime";
    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFLNK = 0120000;
    private static final int S_IFIFO = 0010000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFBLK = 0060000;

    /**
     * @param path a path; a symlink is described, not followed
     * @return its status
     * @throws IOException when it cannot be read (NoSuchFileException when it vanished)
     */
    public static FileStat of(final Path path) throws IOException {
        final Map<String, Object> a = Files.readAttributes(path, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        final int mode = (Integer) a.get("mode");
        final NodeType type = typeOf(mode);
        return new FileStat(type, mode & 07777, (Integer) a.get("uid"), (Integer) a.get("gid"),
                nanos((FileTime) a.get("lastModifiedTime")), nanos((FileTime) a.get("ctime")), (Long) a.get("ino"),
                (Long) a.get("dev"), (Integer) a.get("nlink"), switch (type) {
                    case FILE -> (Long) a.get("size");
                    case CHARDEV, BLOCKDEV -> (Long) a.get("rdev");
                    default -> 0L;
                });
    }

    /** The fields of struct statx read here: type, mode, nlink, uid, gid, mtime, ctime, ino, size. */
    private static final int STATX_NEEDED = 0x3df;

    /**
     * @param dir an open directory
     * @param name an entry's name, as listed
     * @return its status (a symlink is described, not followed), read through the directory's descriptor
     * @throws IOException when it cannot be read (NoSuchFileException when it vanished), naming the entry's path
     */
    public static FileStat of(final OpenDirectory dir, final String name) throws IOException {
        final byte[] buf = dir.statx(name);
        if (buf == null) {
            return of(dir.entry(name));
        }
        final ByteBuffer x = ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder());
        if ((x.getInt(OpenDirectory.STX_MASK) & STATX_NEEDED) != STATX_NEEDED) {
            return of(dir.entry(name)); // a file system that does not say them all: the JDK's stat says 0
        }
        final int mode = x.getShort(OpenDirectory.STX_MODE) & 0xffff;
        final NodeType type = typeOf(mode);
        return new FileStat(type, mode & 07777, x.getInt(OpenDirectory.STX_UID), x.getInt(OpenDirectory.STX_GID),
                nanos(x, OpenDirectory.STX_MTIME), nanos(x, OpenDirectory.STX_CTIME), x.getLong(OpenDirectory.STX_INO),
                OpenDirectory.device(x.getInt(OpenDirectory.STX_DEV_MAJOR), x.getInt(OpenDirectory.STX_DEV_MAJOR + 4)),
                x.getInt(OpenDirectory.STX_NLINK), switch (type) {
                    case FILE -> x.getLong(OpenDirectory.STX_SIZE);
                    case CHARDEV, BLOCKDEV -> OpenDirectory.device(x.getInt(OpenDirectory.STX_RDEV_MAJOR),
                            x.getInt(OpenDirectory.STX_RDEV_MAJOR + 4));
                    default -> 0L;
                });
    }

    /** @return a struct statx_timestamp in ns since the epoch, as the JDK's FileTime gives it (saturated) */
    private static long nanos(final ByteBuffer x, final int at) {
        return nanos(FileTime.from(Instant.ofEpochSecond(x.getLong(at), x.getInt(at + 8) & 0xffffffffL)));
    }

    private static NodeType typeOf(final int mode) {
        return switch (mode & S_IFMT) {
            case S_IFREG -> NodeType.FILE;
            case S_IFDIR -> NodeType.DIR;
            case S_IFLNK -> NodeType.SYMLINK;
            case S_IFIFO -> NodeType.FIFO;
            case S_IFCHR -> NodeType.CHARDEV;
            case S_IFBLK -> NodeType.BLOCKDEV;
            default -> NodeType.OTHER;
        };
    }

    private static long nanos(final FileTime t) {
        return t.to(TimeUnit.NANOSECONDS);
    }

    /**
     * @param other a later stat of the same path
     * @return whether the content may have changed in between
     */
    public boolean changedSince(final FileStat other) {
        return size != other.size || mtimeNanos != other.mtimeNanos || ctimeNanos != other.ctimeNanos;
    }
}
