package dev.vigil.collector.files;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Indexes a tree in this JVM and prints the heap it keeps: run in a child JVM with a small {@code -Xmx} by
 * {@code DatasetWatcherHeapTest}, and by hand to measure heap per path:
 * {@code java -Xmx512m -cp ... dev.vigil.collector.files.IndexHeapProbe DIR [FILES]} (FILES: create that many
 * first, 100 per directory).
 */
public final class IndexHeapProbe {
    private IndexHeapProbe() {
    }

    /** @param args the tree, the mode ("scan" or "watch"), and optionally how many files to create in it first */
    public static void main(final String[] args) throws Exception {
        final Path root = Path.of(args[0]);
        if (args.length > 2) {
            create(root, Integer.parseInt(args[2]));
        }
        // Classes and logging set up first, so that what is measured is the index
        final Path empty = Files.createTempDirectory("probe-empty");
        DatasetWatcher.start("warm-up", empty, DatasetWatcher.Options.of(args[1], 0, 40_000, 1 << 18, 8192),
                Clock.systemUTC()).close();
        Files.delete(empty);
        final long before = usedAfterGc();
        try (DatasetWatcher w = DatasetWatcher.start("probe", root,
                DatasetWatcher.Options.of(args[1], 0, 40_000, 1 << 18, 8192), Clock.systemUTC())) {
            final var first = w.closeInterval();
            final long after = usedAfterGc();
            System.out.printf("paths=%d heapBytes=%d bytesPerPath=%d complete=%s changed=%d%n", w.indexedPaths(),
                    after - before, (after - before) / Math.max(1, w.indexedPaths()), first.getComplete(),
                    first.getChangedPaths().size());
        }
    }

    /** Creates {@code files} empty files, 100 per directory, names like a real tree's. */
    static void create(final Path root, final int files) throws Exception {
        for (int i = 0; i < files; i++) {
            final Path dir = root.resolve(String.format("project-%03d/src-%03d", i / 10_000, i / 100 % 100));
            if (i % 100 == 0) {
                Files.createDirectories(dir);
            }
            Files.createFile(dir.resolve(String.format("document-%06d.txt", i)));
        }
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
