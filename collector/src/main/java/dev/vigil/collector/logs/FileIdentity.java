package dev.vigil.collector.logs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Which file a path names: device and inode. A renamed file keeps its identity; a new file at the
 * old path gets another one, which is how rotation by rename is told apart from growth.
 *
 * @param device device number
 * @param inode inode number
 */
public record FileIdentity(long device, long inode) {

    /**
     * @param path a regular file
     * @return its identity
     * @throws IOException when it cannot be read (gone, no permission)
     */
    public static FileIdentity of(final Path path) throws IOException {
        final Map<String, Object> attrs = Files.readAttributes(path, "unix:dev,ino");
        return new FileIdentity(((Number) attrs.get("dev")).longValue(), ((Number) attrs.get("ino")).longValue());
    }

    /**
     * @param text the form {@link #toString()} writes
     * @return the identity
     */
    public static FileIdentity parse(final String text) {
        final int colon = text.indexOf(':');
        return new FileIdentity(Long.parseLong(text.substring(0, colon)), Long.parseLong(text.substring(colon + 1)));
    }

    /** @return {@code device:inode} */
    @Override
    public String toString() {
        return device + ":" + inode;
    }
}
