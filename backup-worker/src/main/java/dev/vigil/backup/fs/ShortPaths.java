package dev.vigil.backup.fs;

import dev.vigil.backup.snapshot.FileNames;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Paths that fit Linux's PATH_MAX for writing a tree nested past it. A tree deep enough (a target's path, then a
 * snapshot's) has paths longer than 4,096 bytes, which every call by path refuses ("File name too long"), though the
 * backup's walk read them through its open directories. So a directory whose entries' paths could pass it is opened
 * (its own path still fits) and its entries are reached through its descriptor, {@code /proc/self/fd/N/NAME}; deeper
 * down, again from there. Without procfs a directory stays its path and no such entry can be written: the restore
 * asks {@link #fits} of every path first, and refuses the whole restore rather than leave them out.
 *
 * <p>Each directory opened stays open until {@link #close}: a descriptor closed before every path through it is used
 * would let a later open take its number, and those paths lead elsewhere. One is held per directory where paths cross
 * the limit, not per directory below it.
 */
public final class ShortPaths implements AutoCloseable {
    /** Linux's longest path, its NUL included, and longest name. */
    private static final int PATH_MAX = 4096;
    private static final int NAME_MAX = 255;
    private final Map<Path, OpenDirectory> held = new ConcurrentHashMap<>();
    /** The path each {@code /proc/self/fd/N} of {@link #held} stands for. */
    private final Map<Path, Path> real = new ConcurrentHashMap<>();

    /**
     * @param dirBytes the length of a directory's path, in bytes
     * @param nameBytes the length of an entry's name in it
     * @return whether the entry's path fits PATH_MAX, so that it can be written by path, without procfs too
     */
    public static boolean fits(final int dirBytes, final int nameBytes) {
        return dirBytes + 1 + nameBytes < PATH_MAX;
    }

    /**
     * @param dir a directory, made or checked already (a link in its place is not followed), reached by its path or
     *     through one this returned
     * @return the path to resolve its entries against: itself, or its descriptor's when their paths could pass
     *     PATH_MAX
     * @throws IOException when it must be opened and cannot be
     */
    public Path within(final Path dir) throws IOException {
        if (FileNames.bytesOf(dir).length + 1 + NAME_MAX < PATH_MAX || !OpenDirectory.byDescriptor()) {
            return dir;
        }
        final OpenDirectory open = held.get(dir);
        if (open != null) {
            return open.path();
        }
        final OpenDirectory opened = OpenDirectory.open(dir);
        held.put(dir, opened);
        real.put(opened.path(), real(dir));
        return opened.path();
    }

    /**
     * @param p a path, maybe through a directory {@link #within} opened
     * @return the path it stands for, as messages name it (not procfs)
     */
    public Path real(final Path p) {
        for (Path at = p; at != null; at = at.getParent()) {
            final Path was = real.get(at);
            if (was != null) {
                return was.resolve(at.relativize(p));
            }
        }
        return p;
    }

    /** Closes the directories opened; no path {@link #within} returned may be used after. */
    @Override
    public void close() {
        held.values().forEach(OpenDirectory::close);
        held.clear();
    }
}
