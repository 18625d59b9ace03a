package dev.vigil.collector.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Trees swapped under a dataset's paths, which no notification tells since notifications come from the directories
 * watched: the dataset's path leading to another directory (a symbolic link swapped to another tree, as a
 * deployment's {@code current -> releases/N}, or a directory made anew), and a filesystem mounted or unmounted on one
 * of its directories (the watch is on the directory below the mount, or on the filesystem gone). Asked at the end of
 * each interval in watch mode; a scan of the whole tree sees what they change anyway.
 *
 * <p>Called under the watcher's lock.
 */
final class TreeSwaps {
    private final Path root;
    /** The mounts, to see a filesystem mounted or unmounted inside the dataset. */
    private final MountTable mounts = new MountTable();
    /** The identity of the directory the dataset's path leads to, when last walked whole. */
    private Object rootKey;

    /** @param root the dataset's path */
    TreeSwaps(final Path root) {
        this.root = root;
    }

    /** Takes what the dataset's path leads to and the mounts now as the baseline: before the first walk. */
    void baseline() {
        rootKey = fileKey(root);
        mounts.changed();
    }

    /**
     * @return the directories of the dataset (under its path) on which a filesystem was mounted or unmounted since the
     *     last call: they hold other entries now, and a walk compares them with the index and watches what is there
     */
    Set<Path> remounted() {
        final Set<Path> points = mounts.changed();
        if (points.isEmpty()) {
            return points;
        }
        final Path real;
        try {
            real = root.toRealPath();
        } catch (IOException e) {
            return Set.of(); // gone: the end of its watch tells
        }
        final Set<Path> inside = new LinkedHashSet<>();
        for (final Path p : points) {
            if (p.startsWith(real) && !p.equals(real)) {
                inside.add(root.resolve(real.relativize(p)));
            }
        }
        return inside;
    }

    /** @return whether the dataset's path leads to another directory than at the previous call (or the start) */
    boolean rootReplaced() {
        final Object key = fileKey(root);
        if (key == null || key.equals(rootKey)) {
            return false; // gone: the end of its watch tells
        }
        rootKey = key;
        return true;
    }

    /** @return a directory's identity (device and inode), through symbolic links; null when it cannot be read */
    private static Object fileKey(final Path dir) {
        try {
            return Files.readAttributes(dir, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }
}
