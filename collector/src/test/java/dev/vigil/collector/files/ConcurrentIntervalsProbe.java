package dev.vigil.collector.files;

import dev.vigil.schemas.FileActivity;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.concurrent.CyclicBarrier;

/**
 * Datasets emptied at once, whose intervals close at the same time on threads of their own, as the monitor closes
 * them; run by {@link DatasetWatcherHeapTest} in a child JVM with a small heap. Prints
 * {@code INTERVAL <dataset> deleted=N complete=B} for each.
 */
public final class ConcurrentIntervalsProbe {
    private ConcurrentIntervalsProbe() {
    }

    /** @param args the directory under which the datasets are made, how many, how many files each, files.max.paths */
    public static void main(final String[] args) throws Exception {
        final Path root = Path.of(args[0]);
        final int files = Integer.parseInt(args[2]);
        final String[] ids = new String[Integer.parseInt(args[1])];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = "d" + i;
        }
        final DatasetWatcher[] watchers = new DatasetWatcher[ids.length];
        for (int i = 0; i < ids.length; i++) {
            final Path tree = Files.createDirectories(root.resolve(ids[i]));
            IndexHeapProbe.create(tree, files);
            watchers[i] = DatasetWatcher.start(ids[i], tree, DatasetWatcher.Options.of("scan", 0,
                    Integer.parseInt(args[3]), 1 << 18, 8192), Clock.systemUTC());
        }
        for (final String id : ids) {
            emptyTree(root.resolve(id));
        }
        final CyclicBarrier together = new CyclicBarrier(ids.length);
        final Thread[] threads = new Thread[ids.length];
        for (int i = 0; i < ids.length; i++) {
            final DatasetWatcher w = watchers[i];
            threads[i] = new Thread(() -> {
                try {
                    together.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                final FileActivity a = w.closeInterval();
                System.out.println("INTERVAL " + w.dataset() + " deleted=" + a.getDeleted() + " complete="
                        + a.getComplete());
            });
            threads[i].start();
        }
        for (final Thread t : threads) {
            t.join();
        }
        System.out.flush();
    }

    private static void emptyTree(final Path tree) throws IOException {
        Files.walkFileTree(tree, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(final Path file, final BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(final Path dir, final IOException e) throws IOException {
                if (!dir.equals(tree)) {
                    Files.delete(dir);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
