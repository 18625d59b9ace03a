package dev.vigil.collector.files;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * The watcher's index of one tree: per directory, its entries' names (UTF-8 bytes, sorted) and states in parallel
 * arrays. It holds a 200,000-file dataset in the agent's 64 MiB heap: about 90 bytes per path (a name of ~20 bytes,
 * four longs, two references), where a map of relative path strings to state objects took 170-270. A directory's
 * subtree is its node, so a deleted directory takes exactly its own entries.
 *
 * <p>At most {@code maxPaths} entries are held; a new entry beyond it is refused (not indexed, not reported) and
 * {@link #takeRefused()} tells the watcher, which marks its intervals incomplete. Not thread-safe.
 */
final class PathIndex {
    /** Heap an indexed path takes with a name of ~20 bytes (longer names: their length more), by IndexHeapProbe. */
    static final int BYTES_PER_PATH = 90;
    /** What a walk passes for an entry it listed but could not read: the entry stays as indexed. */
    static final FileState UNREADABLE = new FileState(-1, -1, -1, -1, false);
    private static final byte[][] NO_NAMES = new byte[0][];
    private static final long[] NO_LONGS = new long[0];
    private static final Dir[] NO_DIRS = new Dir[0];

    /** One directory's entries; {@code dirs[k]} is the node of entry k when it is a directory, else null. */
    static final class Dir {
        private byte[][] names = NO_NAMES;
        private long[] inodes = NO_LONGS;
        private long[] sizes = NO_LONGS;
        private long[] mtimes = NO_LONGS;
        private long[] ctimes = NO_LONGS;
        private Dir[] dirs = NO_DIRS;
        private int count;

        private int find(final byte[] name) {
            int lo = 0;
            int hi = count - 1;
            while (lo <= hi) {
                final int mid = (lo + hi) >>> 1;
                final int c = Arrays.compareUnsigned(names[mid], name);
                if (c < 0) {
                    lo = mid + 1;
                } else if (c > 0) {
                    hi = mid - 1;
                } else {
                    return mid;
                }
            }
            return -(lo + 1);
        }

        private FileState state(final int k) {
            return new FileState(inodes[k], sizes[k], mtimes[k], ctimes[k], dirs[k] != null);
        }

        private void set(final int k, final byte[] name, final FileState s, final Dir dir) {
            names[k] = name;
            inodes[k] = s.inode();
            sizes[k] = s.size();
            mtimes[k] = s.mtimeNanos();
            ctimes[k] = s.ctimeNanos();
            dirs[k] = dir;
        }

        private void allocate(final int capacity) {
            names = new byte[capacity][];
            inodes = new long[capacity];
            sizes = new long[capacity];
            mtimes = new long[capacity];
            ctimes = new long[capacity];
            dirs = new Dir[capacity];
        }

        /** Opens slot k, growing by half when full (entries added one at a time, by notifications). */
        private void insertAt(final int k) {
            if (count == names.length) {
                final int capacity = Math.max(4, count + (count >> 1));
                names = Arrays.copyOf(names, capacity);
                inodes = Arrays.copyOf(inodes, capacity);
                sizes = Arrays.copyOf(sizes, capacity);
                mtimes = Arrays.copyOf(mtimes, capacity);
                ctimes = Arrays.copyOf(ctimes, capacity);
                dirs = Arrays.copyOf(dirs, capacity);
            }
            final int tail = count - k;
            System.arraycopy(names, k, names, k + 1, tail);
            System.arraycopy(inodes, k, inodes, k + 1, tail);
            System.arraycopy(sizes, k, sizes, k + 1, tail);
            System.arraycopy(mtimes, k, mtimes, k + 1, tail);
            System.arraycopy(ctimes, k, ctimes, k + 1, tail);
            System.arraycopy(dirs, k, dirs, k + 1, tail);
            count++;
        }

        private void removeAt(final int k) {
            final int tail = count - k - 1;
            System.arraycopy(names, k + 1, names, k, tail);
            System.arraycopy(inodes, k + 1, inodes, k, tail);
            System.arraycopy(sizes, k + 1, sizes, k, tail);
            System.arraycopy(mtimes, k + 1, mtimes, k, tail);
            System.arraycopy(ctimes, k + 1, ctimes, k, tail);
            System.arraycopy(dirs, k + 1, dirs, k, tail);
            count--;
            names[count] = null;
            dirs[count] = null;
        }
    }

    /** Receives the directories a {@link #merge} listed, to walk next. */
    interface Subdirs {
        /**
         * @param listed its place in the listing: the walk goes on from the path it listed, whose name may not be
         *     UTF-8 (its relative path then holds U+FFFD and names no file)
         * @param rel its relative path
         * @param node its node
         */
        void accept(int listed, String rel, Dir node);
    }

    private final Dir root = new Dir();
    private final int maxPaths;
    private int size;
    private boolean refused;

    /** @param maxPaths most entries held (every path under the root, directories included) */
    PathIndex(final int maxPaths) {
        this.maxPaths = maxPaths;
    }

    /** @return the root directory's node */
    Dir root() {
        return root;
    }

    /** @return how many paths are indexed (the root not counted) */
    int size() {
        return size;
    }

    /** @return whether an entry was refused since the last call, because the index was full */
    boolean takeRefused() {
        final boolean r = refused;
        refused = false;
        return r;
    }

    /** @param rel a relative path ("" the root) @return its directory node, or null when it is not an indexed directory */
    Dir dir(final String rel) {
        Dir d = root;
        if (rel.isEmpty()) {
            return d;
        }
        int from = 0;
        while (d != null) {
            final int slash = rel.indexOf('/', from);
            final int k = d.find(bytes(rel.substring(from, slash < 0 ? rel.length() : slash)));
            d = k < 0 ? null : d.dirs[k];
            if (slash < 0) {
                return d;
            }
            from = slash + 1;
        }
        return null;
    }

    /** @param rel a relative path, not the root @return its state, or null when not indexed */
    FileState get(final String rel) {
        final Dir parent = dir(parentOf(rel));
        if (parent == null) {
            return null;
        }
        final int k = parent.find(bytes(nameOf(rel)));
        return k < 0 ? null : parent.state(k);
    }

    /**
     * Sets one path's state. A directory that became something else loses its subtree, reported deleted to
     * {@code changes}; the path itself is the caller's to report.
     *
     * @param rel a relative path, not the root, whose parent is an indexed directory
     * @return false when its parent is not indexed, or it is new and the index is full
     */
    boolean put(final String rel, final FileState now, final Changes changes) {
        final Dir parent = dir(parentOf(rel));
        if (parent == null) {
            return false;
        }
        final byte[] name = bytes(nameOf(rel));
        int k = parent.find(name);
        if (k < 0) {
            if (size >= maxPaths) {
                refused = true;
                return false;
            }
            k = -k - 1;
            parent.insertAt(k);
            size++;
            parent.set(k, name, now, now.directory() ? new Dir() : null);
            return true;
        }
        Dir dir = parent.dirs[k];
        if (dir != null && !now.directory()) {
            removeChildren(dir, rel, changes);
            dir = null;
        } else if (dir == null && now.directory()) {
            dir = new Dir();
        }
        parent.set(k, parent.names[k], now, dir);
        return true;
    }

    /** Removes a path and everything under it, reporting each to {@code changes}; nothing when not indexed. */
    void remove(final String rel, final Changes changes) {
        final Dir parent = dir(parentOf(rel));
        final int k = parent == null ? -1 : parent.find(bytes(nameOf(rel)));
        if (k >= 0) {
            removeEntry(parent, k, rel, changes);
            parent.removeAt(k);
        }
    }

    /**
     * Brings a directory's entries in line with a listing of it, in one pass over both (sorted): entries no longer
     * listed are deleted with their subtree, listed ones are created or compared, and {@code subdirs} gets every
     * listed directory, to walk next. The arrays are rebuilt to the listing's size.
     *
     * @param dir the directory's node
     * @param dirRel its relative path ("" the root)
     * @param listed the names it holds now, sorted by {@link Arrays#compareUnsigned(byte[], byte[])}
     * @param stat reads the state of {@code listed.get(j)}: null when gone since, {@link #UNREADABLE} when unreadable
     * @param changes receives what differs
     * @param subdirs receives each listed directory, with its place in {@code listed}
     */
    void merge(final Dir dir, final String dirRel, final List<byte[]> listed, final IntFunction<FileState> stat,
               final Changes changes, final Subdirs subdirs) {
        final Dir old = new Dir();
        copyInto(dir, old);
        dir.allocate(listed.size());
        dir.count = 0;
        int i = 0;
        int j = 0;
        while (i < old.count || j < listed.size()) {
            final int c = i == old.count ? 1 : j == listed.size() ? -1
                    : Arrays.compareUnsigned(old.names[i], listed.get(j));
            if (c < 0) {
                removeEntry(old, i, child(dirRel, old.names[i]), changes);
                i++;
                continue;
            }
            final byte[] name = c == 0 ? old.names[i] : listed.get(j);
            final String rel = child(dirRel, name);
            final FileState now = stat.apply(j);
            if (c == 0) {
                final FileState before = old.state(i);
                if (now == null) {
                    removeEntry(old, i, rel, changes);
                } else if (now == UNREADABLE) {
                    keep(dir, name, before, old.dirs[i], subdirs, j, rel);
                } else {
                    Dir node = old.dirs[i];
                    if (node != null && !now.directory()) {
                        removeChildren(node, rel, changes);
                        node = null;
                    } else if (node == null && now.directory()) {
                        node = new Dir();
                    }
                    if (!before.equals(now) && !(now.directory() && before.directory())) {
                        changes.modified(rel, before, now);
                    }
                    keep(dir, name, now, node, subdirs, j, rel);
                }
                i++;
            } else if (now != null && now != UNREADABLE) {
                if (size >= maxPaths) {
                    refused = true;
                } else {
                    size++;
                    changes.created(rel, now);
                    keep(dir, name, now, now.directory() ? new Dir() : null, subdirs, j, rel);
                }
            }
            j++;
        }
        trim(dir);
    }

    /**
     * Finds every indexed file with one of some inodes, in one pass over the index: the other names of hard-linked
     * files.
     *
     * @param inodes inode numbers
     * @param found receives the relative path of each such file
     */
    void pathsOf(final Set<Long> inodes, final Consumer<String> found) {
        final Deque<Dir> dirs = new ArrayDeque<>();
        final Deque<String> rels = new ArrayDeque<>();
        dirs.push(root);
        rels.push("");
        while (!dirs.isEmpty()) {
            final Dir d = dirs.pop();
            final String rel = rels.pop();
            for (int k = 0; k < d.count; k++) {
                if (d.dirs[k] != null) {
                    dirs.push(d.dirs[k]);
                    rels.push(child(rel, d.names[k]));
                } else if (inodes.contains(d.inodes[k])) {
                    found.accept(child(rel, d.names[k]));
                }
            }
        }
    }

    /** Gives back the room of entries that were gone or refused while a directory was rebuilt. */
    private static void trim(final Dir dir) {
        if (dir.count < dir.names.length / 2) {
            final Dir exact = new Dir();
            exact.allocate(dir.count);
            for (int k = 0; k < dir.count; k++) {
                exact.set(k, dir.names[k], dir.state(k), dir.dirs[k]);
            }
            exact.count = dir.count;
            copyInto(exact, dir);
        }
    }

    /**
     * Applies the notified states of some of a directory's entries in one pass, so that a burst of notifications in
     * a large directory (rm -rf, a copy) costs one rebuild of its arrays instead of one shift per path; in place
     * when no entry comes or goes. A notification counts as a write even when the state looks the same: an entry
     * that stays is reported modified unless it was created in this interval.
     *
     * @param dir the directory's node
     * @param dirRel its relative path ("" the root)
     * @param names notified entry names, distinct, sorted by {@link Arrays#compareUnsigned(byte[], byte[])}
     * @param states their states now, null when gone; no directories (the caller walks those)
     * @param changes receives what differs
     */
    void apply(final Dir dir, final String dirRel, final List<byte[]> names, final List<FileState> states,
               final Changes changes) {
        boolean structural = false;
        for (int u = 0; u < names.size() && !structural; u++) {
            structural = dir.find(names.get(u)) < 0 == (states.get(u) != null);
        }
        if (!structural) {
            for (int u = 0; u < names.size(); u++) {
                final int k = dir.find(names.get(u));
                if (k >= 0) {
                    notified(dir, k, child(dirRel, dir.names[k]), states.get(u), changes);
                }
            }
            return;
        }
        final Dir old = new Dir();
        copyInto(dir, old);
        dir.allocate(old.count + names.size());
        dir.count = 0;
        int i = 0;
        int u = 0;
        while (i < old.count || u < names.size()) {
            final int c = i == old.count ? 1 : u == names.size() ? -1
                    : Arrays.compareUnsigned(old.names[i], names.get(u));
            if (c < 0) {
                dir.set(dir.count++, old.names[i], old.state(i), old.dirs[i]);
                i++;
                continue;
            }
            final FileState now = states.get(u);
            if (c > 0 && now != null) {
                if (size >= maxPaths) {
                    refused = true;
                } else {
                    size++;
                    final String rel = child(dirRel, names.get(u));
                    changes.created(rel, now);
                    dir.set(dir.count++, names.get(u), now, null);
                }
            } else if (c == 0) {
                final String rel = child(dirRel, old.names[i]);
                if (now == null) {
                    removeEntry(old, i, rel, changes);
                } else {
                    dir.set(dir.count, old.names[i], old.state(i), old.dirs[i]);
                    notified(dir, dir.count++, rel, now, changes);
                }
                i++;
            }
            u++;
        }
        trim(dir);
    }

    /** Entry k is notified and is now {@code now}, not a directory. */
    private void notified(final Dir dir, final int k, final String rel, final FileState now, final Changes changes) {
        final FileState before = dir.state(k);
        if (before.directory()) {
            removeChildren(dir.dirs[k], rel, changes);
            changes.deleted(rel, before);
            changes.created(rel, now);
        } else if (!changes.created.containsKey(rel)) {
            changes.modified(rel, before, now);
        }
        dir.set(k, dir.names[k], now, null);
    }

    private static void keep(final Dir dir, final byte[] name, final FileState s, final Dir node,
                             final Subdirs subdirs, final int listed, final String rel) {
        dir.set(dir.count++, name, s, node);
        if (node != null) {
            subdirs.accept(listed, rel, node);
        }
    }

    private static void copyInto(final Dir from, final Dir to) {
        to.names = from.names;
        to.inodes = from.inodes;
        to.sizes = from.sizes;
        to.mtimes = from.mtimes;
        to.ctimes = from.ctimes;
        to.dirs = from.dirs;
        to.count = from.count;
    }

    /** Reports entry k of {@code parent} and its subtree deleted and uncounts them; the slot is the caller's. */
    private void removeEntry(final Dir parent, final int k, final String rel, final Changes changes) {
        final Dir node = parent.dirs[k];
        if (node != null) {
            removeChildren(node, rel, changes);
        }
        changes.deleted(rel, parent.state(k));
        size--;
    }

    private void removeChildren(final Dir dir, final String rel, final Changes changes) {
        for (int k = 0; k < dir.count; k++) {
            removeEntry(dir, k, child(rel, dir.names[k]), changes);
        }
        copyInto(new Dir(), dir);
    }

    private static String child(final String dirRel, final byte[] name) {
        final String n = new String(name, StandardCharsets.UTF_8);
        return dirRel.isEmpty() ? n : dirRel + "/" + n;
    }

    private static String parentOf(final String rel) {
        final int slash = rel.lastIndexOf('/');
        return slash < 0 ? "" : rel.substring(0, slash);
    }

    private static String nameOf(final String rel) {
        return rel.substring(rel.lastIndexOf('/') + 1);
    }

    /** @return a file name as the index holds it */
    static byte[] bytes(final String name) {
        return name.getBytes(StandardCharsets.UTF_8);
    }
}
