package dev.vigil.collector.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares a dataset's tree, or a part of it, with its {@link PathIndex}, recording the differences, and registers
 * every directory it walks with the {@link Watches} (watch mode). A walk lists one directory at a time and merges it
 * with its node of the index, so it holds one directory's names besides the index (no set of every path seen).
 *
 * <p>Called under the watcher's lock, except {@link #cancel()}.
 */
final class TreeScan {
    /** The watcher's logger: its messages keep one logger name, the one log configurations select. */
    private static final Logger LOG = LoggerFactory.getLogger(DatasetWatcher.class);

    private final String dataset;
    private final Path root;
    private final PathIndex index;
    private final Watches watches;
    private final UnreadableDirs unreadable;
    /** Set by {@link #cancel()} without the lock: a walk running under it stops at its next directory. */
    private volatile boolean cancelled;
    /** Called before each directory a walk lists; for tests that need a walk to be in progress. */
    private volatile Runnable beforeDirectory = () -> { };
    /** Directories listed and paths read so far, and the latest: whether, and where, a walk waits. */
    private volatile long progress;
    private volatile Path reading;
    /** Whether a path could not be read since {@link #takeTroubled()}: the interval may miss its change. */
    private boolean troubled;
    /** Directories walked in all, and in the latest walk of the whole tree: how many watches the dataset needs. */
    private long walkedDirs;
    private long datasetDirs;

    /**
     * @param dataset dataset id, for messages
     * @param root the dataset's root, to which indexed paths are relative
     * @param index the index compared with
     * @param watches where walked directories are registered
     * @param unreadable where directories that cannot be listed are kept
     */
    TreeScan(final String dataset, final Path root, final PathIndex index, final Watches watches,
             final UnreadableDirs unreadable) {
        this.dataset = dataset;
        this.root = root;
        this.index = index;
        this.watches = watches;
        this.unreadable = unreadable;
    }

    /** Thrown inside a walk when the watcher is cancelled. */
    static final class Cancelled extends RuntimeException {
        Cancelled() {
            super(null, null, false, false);
        }
    }

    /**
     * Compares a path and everything under it with the index, recording the differences, and registers its
     * directories in watch mode. A path whose directory is not indexed yet is compared from that directory.
     *
     * @throws Cancelled when the watcher was cancelled
     */
    void scan(final Path start, final Changes changes) {
        final String rel = rel(start);
        if (rel.isEmpty()) {
            final long before = walkedDirs;
            walk(start, rel, index.root(), changes);
            datasetDirs = walkedDirs - before;
            return;
        }
        if (index.dir(parent(rel)) == null) {
            scan(start.getParent(), changes);
            return;
        }
        final FileState before = index.get(rel);
        final FileState now;
        reading(start);
        try {
            now = FileState.of(start);
        } catch (NoSuchFileException e) {
            index.remove(rel, changes);
            return;
        } catch (IOException e) {
            cannotRead(start, e);
            return;
        }
        if (!index.put(rel, now, changes)) {
            return; // the index is full
        }
        if (before == null) {
            changes.created(rel, now);
        } else if (!before.equals(now) && !(now.directory() && before.directory())) {
            changes.modified(rel, before, now);
        }
        if (now.directory()) {
            walk(start, rel, index.dir(rel), changes);
        }
    }

    /** A directory still to walk. */
    private record Pending(Path path, String rel, PathIndex.Dir node) {
    }

    /**
     * A directory's entries as listed: their names, sorted as the index sorts them, and the paths of those whose name
     * does not lead back to them (not UTF-8). Not a path per entry: the index keeps the names anyway, and one
     * directory of 250,000 files held 40 MiB more as paths, beyond the agent's 64 MiB heap with its index.
     */
    private record Listing(Path dir, List<byte[]> names, Map<byte[], Path> lossy) {
        /** @param j an entry's place in {@link #names()} @return its path */
        Path path(final int j) {
            final Path p = lossy.get(names.get(j));
            return p != null ? p : dir.resolve(new String(names.get(j), StandardCharsets.UTF_8));
        }
    }

    /** Walks a directory's subtree, one directory at a time: each is listed and merged with its node of the index. */
    private void walk(final Path start, final String startRel, final PathIndex.Dir startNode, final Changes changes) {
        final Deque<Pending> todo = new ArrayDeque<>();
        todo.push(new Pending(start, startRel, startNode));
        while (!todo.isEmpty()) {
            final Pending d = todo.pop();
            beforeDirectory.run();
            if (cancelled) {
                throw new Cancelled();
            }
            walkedDirs++;
            reading(d.path());
            watches.register(d.path());
            final Listing listed;
            try {
                listed = list(d.path());
            } catch (IOException e) {
                unreadable.failed(d.path(), e);
                continue;
            }
            unreadable.listed(d.path());
            index.merge(d.node(), d.rel(), listed.names(), j -> stat(listed.path(j)), changes,
                    (j, rel, node) -> todo.push(new Pending(listed.path(j), rel, node)));
        }
    }

    /** @return a directory's entries sorted as the index sorts them; none when it is gone */
    private static Listing list(final Path dir) throws IOException {
        final List<byte[]> names = new ArrayList<>();
        final Map<byte[], Path> lossy = new IdentityHashMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (final Path p : entries) {
                final String name = p.getFileName().toString();
                final byte[] bytes = PathIndex.bytes(name);
                names.add(bytes);
                if (name.indexOf('\uFFFD') >= 0) {
                    lossy.put(bytes, p); // bytes that are not UTF-8 were replaced: only the listed path leads to it
                }
            }
        } catch (NoSuchFileException e) {
            return new Listing(dir, List.of(), Map.of()); // gone while walking: everything under it is deleted
        } catch (DirectoryIteratorException e) {
            if (e.getCause() instanceof NoSuchFileException) {
                return new Listing(dir, List.of(), Map.of());
            }
            throw e.getCause();
        }
        names.sort(Arrays::compareUnsigned);
        return new Listing(dir, names, lossy);
    }

    private FileState stat(final Path p) {
        reading(p);
        try {
            return FileState.of(p);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            cannotRead(p, e);
            return PathIndex.UNREADABLE;
        }
    }

    /** A path's state could not be read: it stays as indexed, and the interval is incomplete. */
    void cannotRead(final Path p, final IOException e) {
        LOG.warn("dataset {}: cannot read {}: {}", dataset, p, e.getMessage());
        troubled = true;
    }

    /** @return whether a path could not be read since the last call; clears it */
    boolean takeTroubled() {
        final boolean t = troubled;
        troubled = false;
        return t;
    }

    /** A path is about to be read: one step more, and where the walk is when it waits. */
    void reading(final Path p) {
        reading = p;
        progress++; // one thread writes it, the watchdog reads it
    }

    /** @return directories listed and paths read so far */
    long progress() {
        return progress;
    }

    /** @return the path read now or last; null before the first */
    Path reading() {
        return reading;
    }

    /** @return the directories of the latest walk of the whole tree: how many watches the dataset needs */
    long datasetDirs() {
        return datasetDirs;
    }

    /** Makes a walk in progress stop at its next directory, and every later one at once; takes no lock. */
    void cancel() {
        cancelled = true;
    }

    /** @param hook run before each directory a walk lists; for tests */
    void beforeDirectory(final Runnable hook) {
        beforeDirectory = hook;
    }

    /** @return a path relative to the dataset's root, as the index names it ("" the root) */
    String rel(final Path p) {
        return root.relativize(p).toString();
    }

    /** @return the relative path of a relative path's directory ("" the root) */
    static String parent(final String rel) {
        final int slash = rel.lastIndexOf('/');
        return slash < 0 ? "" : rel.substring(0, slash);
    }
}
