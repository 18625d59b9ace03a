package dev.vigil.collector.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.collector.delivery.RecordingOutbox;
import dev.vigil.schemas.HostEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A walk of a large tree publishes no file activity until it ends, longer than the decision engine waits before it
 * takes a dataset's silence for a watcher that stopped: the monitor says, every interval, that the walk moves
 * ({@code file.walk}), and says nothing of a walk that waits on its filesystem. Real trees; the walk is slowed (or
 * held) before each directory through its hook, as a large tree or a filesystem that does not answer holds it.
 */
class WalkProgressTest {
    private static final long INTERVAL_MILLIS = 400;

    @TempDir
    Path dir;

    private Path tree(final int dirs) throws Exception {
        final Path root = Files.createDirectories(dir.resolve("data"));
        for (int i = 0; i < dirs; i++) {
            Files.writeString(Files.createDirectories(root.resolve("d" + i)).resolve("f.txt"), "x" + i);
        }
        return root;
    }

    private static FileActivityMonitor monitor(final RecordingOutbox outbox) {
        return new FileActivityMonitor(DatasetWatcher.Options.of("scan", 0, 1000, 4096, 1024), INTERVAL_MILLIS,
                outbox, "h1", Clock.systemUTC());
    }

    private static List<HostEvent> events(final RecordingOutbox outbox, final String kind) {
        synchronized (outbox) {
            return outbox.events.stream().filter(e -> kind.equals(e.getKind())).toList();
        }
    }

    @Test
    void shouldSayEveryIntervalThatALongFirstWalkMovesUntilItsFileActivityStarts() throws Exception {
        final Path root = tree(40);
        final RecordingOutbox outbox = new RecordingOutbox();
        try (FileActivityMonitor m = monitor(outbox)) {
            m.watch("docs", root, () -> pause(60)); // about 2.5 s for 41 directories
            final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (events(outbox, FileActivityMonitor.KIND).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }

        final List<HostEvent> walks;
        synchronized (outbox) {
            final List<HostEvent> all = List.copyOf(outbox.events);
            final int firstActivity = all.indexOf(events(outbox, FileActivityMonitor.KIND).get(0));
            // then the first interval's walk, as slow: its file activity is the first published
            walks = all.subList(0, firstActivity).stream().filter(e -> "first".equals(e.getAttributes().get("walk")))
                    .toList();
            assertTrue(all.subList(0, firstActivity).stream().allMatch(e -> FileActivityMonitor.WALK_KIND.equals(
                    e.getKind())), all.toString());
        }
        assertTrue(walks.size() >= 3, "said while the first walk moved: " + walks);
        long read = 0;
        for (int i = 0; i < walks.size(); i++) {
            final HostEvent w = walks.get(i);
            assertEquals(FileActivityMonitor.WALK_KIND, w.getKind(), w.toString());
            assertEquals("docs", w.getDataset());
            assertTrue(w.getMessage().startsWith("first walk of " + root + " under way: "), w.getMessage());
            final long now = Long.parseLong(w.getAttributes().get("read"));
            assertTrue(now > read, "read grows: " + walks);
            read = now;
            assertTrue(Long.parseLong(w.getAttributes().get("elapsed.ms")) >= INTERVAL_MILLIS * (i + 2),
                    "not before two intervals, nor more often: " + walks);
        }
    }

    @Test
    void shouldNotSayThatAWalkWhichWaitsOnItsFilesystemMoves() throws Exception {
        final Path root = tree(3);
        final RecordingOutbox outbox = new RecordingOutbox();
        final CountDownLatch held = new CountDownLatch(1);
        final CountDownLatch answer = new CountDownLatch(1);
        try (FileActivityMonitor m = monitor(outbox)) {
            m.watch("docs", root, () -> {
                held.countDown();
                try {
                    answer.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            held.await();
            Thread.sleep(8 * INTERVAL_MILLIS);
            assertEquals(List.of(), events(outbox, FileActivityMonitor.WALK_KIND));
            answer.countDown();
        }
    }

    private static void pause(final long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
