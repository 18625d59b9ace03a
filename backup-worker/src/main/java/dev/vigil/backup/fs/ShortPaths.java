package dev.vigil.backup.fs;

import dev.vigil.backup.snapshot.FileNames;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Paths that fit Linux's PATH_MAX for writing a tree nested past it. A tree deep enough (a target's path, then a
 * snapshot's) has paths longer than 4,096 bytes, which every call by path refuses ("File name too long"), though the
 * backup's walk read them through its open directories. So a directory whose entries' paths could pass it is opened
 * (its own path still fits) and its entries are reached through its descriptor, {@code /proc/self/fd/N/NAME}; deeper
 * down, again from there. Without procfs a directory stays its path and no such entry can be written: the restore
 * asks {@link #fits} of every path first, and refuses the whole restore rather than leave them out.
 *
 * <p>A descriptor is held while a path through it may be used: each {@link #within} and {@link #retain} counts a user
 * until its {@link #release}, and the last one closes it (closed sooner, a later open could take its number, and the
 * paths through it would lead elsewhere). So a restore holds the directories of the paths it is working on, not one
 * per directory it passed: thousands of sibling directories past the limit held thousands of descriptors, and the
 * restore failed with "Too many open files". What is used after its directory's users are gone (a directory's
 * metadata, set at the end) is kept as its {@link #real} path and reached again with {@link #reach}.
 */
public final class ShortPaths implements AutoCloseable {
    /** Linux's longest path, its NUL included, and longest name. */
    private static final int PATH_MAX = 4096;
    private static final int NAME_MAX = 255;
    /** The directories open, by the path they stand for. */
    private final Map<Path, Held> held = new HashMap<>();
    /** The same, by {@code /proc/self/fd/N}. */
    private final Map<Path, Held> byDescriptor = new HashMap<>();

    /** An open directory, the path it stands for, and how many users it has. */
    private static final class Held {
        final OpenDirectory dir;
        final Path real;
        int users = 1;

        Held(final OpenDirectory dir, final Path real) {
            this.dir = dir;
            this.real = real;
        }
    }

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
     *     PATH_MAX; {@link #release} it once no path through it is used
     * @throws IOException when it must be opened and cannot be
     */
    public synchronized Path within(final Path dir) throws IOException {
        if (FileNames.bytesOf(dir).length + 1 + NAME_MAX < PATH_MAX || !OpenDirectory.byDescriptor()) {
            retain(dir);
            return dir;
        }
        final Path real = real(dir);
        final Held open = held.get(real);
        if (open != null) {
            open.users++;
            return open.dir.path();
        }
        return hold(OpenDirectory.open(dir), real);
    }

    private Path hold(final OpenDirectory opened, final Path real) {
        final Held h = new Held(opened, real);
        held.put(real, h);
        byDescriptor.put(opened.path(), h);
        return opened.path();
    }

    /**
     * @param p a path, maybe through a directory {@link #within} opened, which stays open until {@link #release}
     */
    public synchronized void retain(final Path p) {
        final Held h = through(p);
        if (h != null) {
            h.users++;
        }
    }

    /** @param p a path {@link #within} returned, or one given to {@link #retain}: one user less */
    public synchronized void release(final Path p) {
        final Held h = through(p);
        if (h != null && --h.users == 0) {
            held.remove(h.real);
            byDescriptor.remove(h.dir.path());
            h.dir.close();
        }
    }

    private Held through(final Path p) {
        if (byDescriptor.isEmpty()) {
            return null; // the common case, no path past PATH_MAX: not a lookup per ancestor of every file
        }
        for (Path at = p; at != null; at = at.getParent()) {
            final Held h = byDescriptor.get(at);
            if (h != null) {
                return h;
            }
        }
        return null;
    }

    /**
     * @param p a path, maybe through a directory {@link #within} opened (held still)
     * @return the path it stands for, as messages name it (not procfs); it may pass PATH_MAX
     */
    public synchronized Path real(final Path p) {
        final Held h = through(p);
        return h == null ? p : h.real.resolve(h.dir.path().relativize(p));
    }

    /**
     * @param real a path as {@link #real} gives it
     * @return a path that reaches it, through its directory opened again (from the longest of its ancestors that
     *     fits PATH_MAX, each one below opened from the one before, no link followed) when it is too long; close it
     *     once used
     * @throws IOException when a directory on the way cannot be opened
     */
    public synchronized Reached reach(final Path real) throws IOException {
        final Path parent = real.getParent();
        if (FileNames.bytesOf(real).length < PATH_MAX || parent == null || !OpenDirectory.byDescriptor()) {
            return new Reached(real, null);
        }
        final Held open = held.get(parent);
        if (open != null) {
            open.users++;
            return new Reached(open.dir.path().resolve(real.getFileName()), open.dir.path());
        }
        Path top = parent;
        while (FileNames.bytesOf(top).length >= PATH_MAX) {
            top = top.getParent();
        }
        OpenDirectory at = OpenDirectory.open(top);
        try {
            for (int i = top.getNameCount(); i < parent.getNameCount(); i++) {
                final OpenDirectory next = OpenDirectory.open(at.path().resolve(parent.getName(i)));
                at.close();
                at = next;
            }
        } catch (IOException | RuntimeException e) {
            at.close();
            throw e;
        }
        final Path via = hold(at, parent);
        return new Reached(via.resolve(real.getFileName()), via);
    }

    /** A path {@link #reach} gave, usable until closed. */
    public final class Reached implements AutoCloseable {
        private final Path path;
        private final Path via;

        private Reached(final Path path, final Path via) {
            this.path = path;
            this.via = via;
        }

        /** @return the path to use */
        public Path path() {
            return path;
        }

        @Override
        public void close() {
            if (via != null) {
                release(via);
            }
        }
    }

    /** Closes the directories still open; no path {@link #within} returned may be used after. */
    @Override
    public synchronized void close() {
        held.values().forEach(h -> h.dir.close());
        held.clear();
        byDescriptor.clear();
    }
}
