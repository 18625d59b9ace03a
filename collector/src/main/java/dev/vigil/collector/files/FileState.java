package dev.vigil.collector.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;

/**
 * What the watcher remembers of one path: enough to tell a change (restic's test: inode, size,
 * modification and change time; ctime cannot be set back by a program).
 *
 * @param inode inode number
 * @param size size in bytes
 * @param mtimeNanos modification time
 * @param ctimeNanos status change time
 * @param directory whether it is a directory
 */
record FileState(long inode, long size, long mtimeNanos, long ctimeNanos, boolean directory) {

    /** @param path a path, not followed if a link @return its state @throws IOException when gone */
    static FileState of(final Path path) throws IOException {
        final Map<String, Object> a = Files.readAttributes(path, "unix:ino,size,lastModifiedTime,ctime,isDirectory",
                LinkOption.NOFOLLOW_LINKS);
        return new FileState(((Number) a.get("ino")).longValue(), ((Number) a.get("size")).longValue(),
                nanos((FileTime) a.get("lastModifiedTime")), nanos((FileTime) a.get("ctime")),
                (Boolean) a.get("isDirectory"));
    }

    private static long nanos(final FileTime t) {
        return t.to(java.util.concurrent.TimeUnit.NANOSECONDS);
    }
}
