package dev.vigil.collector.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Brings the index in line with the paths notifications named during an interval (watch mode). A notification only
 * says where to look: each named path is compared with the index at the end of the interval, directory by directory,
 * one pass over a directory's entries for all of its notified paths. Directories that appeared, and files whose
 * directory is not indexed yet, are walked; so are the other names of a notified file with hard links.
 *
 * <p>Called under the watcher's lock.
 */
final class NotificationReconciler {
    private final Path root;
    private final PathIndex index;
    private final Watches watches;
    private final TreeScan tree;

    /**
     * @param root the dataset's root
     * @param index the index compared with
     * @param watches whose notified paths are taken
     * @param tree walks what a notification cannot settle alone
     */
    NotificationReconciler(final Path root, final PathIndex index, final Watches watches, final TreeScan tree) {
        this.root = root;
        this.index = index;
        this.watches = watches;
        this.tree = tree;
    }

    /** Takes the paths notified so far and records how they differ from the index. */
    void reconcile(final Changes changes) {
        final List<Path> paths = new ArrayList<>(watches.notified());
        watches.notified().removeAll(paths);
        final Map<String, List<Path>> byDir = new TreeMap<>(); // a directory before what is under it
        final Set<Long> linked = new HashSet<>();
        for (final Path p : paths) {
            final String rel = tree.rel(p);
            if (rel.isEmpty()) {
                tree.scan(root, changes);
            } else {
                byDir.computeIfAbsent(TreeScan.parent(rel), k -> new ArrayList<>()).add(p);
            }
        }
        for (final Map.Entry<String, List<Path>> e : byDir.entrySet()) {
            final PathIndex.Dir dir = index.dir(e.getKey());
            if (dir == null) {
                // Walked from its nearest indexed directory; the notified path's parent is the directory itself,
                // where e.getKey() would not be when its name is not UTF-8.
                tree.scan(e.getValue().get(0).getParent(), changes);
                continue;
            }
            final List<Path> inDir = e.getValue();
            inDir.sort(Comparator.comparing(p -> PathIndex.bytes(p.getFileName().toString()), Arrays::compareUnsigned));
            final List<byte[]> names = new ArrayList<>();
            final List<FileState> states = new ArrayList<>();
            final List<Path> dirs = new ArrayList<>();
            for (final Path p : inDir) {
                final FileState now;
                try {
                    tree.reading(p);
                    now = FileState.of(p);
                } catch (NoSuchFileException x) {
                    names.add(PathIndex.bytes(p.getFileName().toString()));
                    states.add(null);
                    continue;
                } catch (IOException x) {
                    tree.cannotRead(p, x);
                    continue;
                }
                if (now.directory()) {
                    dirs.add(p);
                } else {
                    names.add(PathIndex.bytes(p.getFileName().toString()));
                    states.add(now);
                    if (hardLinked(p)) {
                        linked.add(now.inode());
                    }
                }
            }
            index.apply(dir, e.getKey(), names, states, changes);
            dirs.forEach(d -> tree.scan(d, changes));
        }
        if (!linked.isEmpty()) {
            // A write through one name of a hard-linked file notifies that name's directory only: its other names
            // (an inode the index holds under several paths) are compared too, in one pass over the index.
            final Set<String> notifiedRels = new HashSet<>();
            paths.forEach(p -> notifiedRels.add(tree.rel(p)));
            final List<String> others = new ArrayList<>();
            index.pathsOf(linked, rel -> {
                if (!notifiedRels.contains(rel)) {
                    others.add(rel);
                }
            });
            others.forEach(rel -> tree.scan(root.resolve(rel), changes));
        }
    }

    /** @return whether a file has other names (hard links); false when that cannot be read */
    private static boolean hardLinked(final Path file) {
        try {
            return ((Number) Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS)).intValue() > 1;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
