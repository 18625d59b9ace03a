package dev.vigil.collector.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Datasets taking turns to walk ({@code files.max.concurrent.walks}), on real trees; a walk is held in its first
 * directory through the walk's hook, as a large tree or a filesystem that does not answer holds it.
 */
class WalkTurnsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final long INTERVAL_MILLIS = 200;

    @TempDir
    Path dir;

    /** Walks that reached their first directory, by dataset. */
    private final Set<String> walking = ConcurrentHashMap.newKeySet();
    private final CountDownLatch gate = new CountDownLatch(1);
    private final List<MonitoredDataset> datasets = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        gate.countDown();
        for (final MonitoredDataset d : datasets) {
            d.stop(false);
            d.awaitStopped(5_000);
        }
    }

    private MonitoredDataset start(final String id, final Semaphore turns) throws Exception {
        final Path root = Files.createDirectories(dir.resolve(id));
        Files.writeString(root.resolve("a.txt"), id);
        final DatasetWatcher w = DatasetWatcher.prepare(id, root, DatasetWatcher.Options.of("scan", 0, 1000, 4096,
                1024), Clock.systemUTC(), DatasetWatcher.Registrar.JDK);
        w.beforeDirectory(() -> {
            walking.add(id);
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        final MonitoredDataset d = new MonitoredDataset(id, w, INTERVAL_MILLIS, a -> { }, turns).start();
        datasets.add(d);
        return d;
    }

    @Test
    void shouldWalkNoMoreDatasetsAtOnceThanThereAreTurns() throws Exception {
        final Semaphore turns = new Semaphore(2);
        for (final String id : List.of("a", "b", "c", "d")) {
            start(id, turns);
        }
        waitUntil(() -> walking.size() >= 2, "two first walks under way");
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() < deadline) {
            assertEquals(2, walking.size(), "walks at once: " + walking);
            Thread.sleep(20);
        }
        gate.countDown();
        waitUntil(() -> datasets.stream().allMatch(MonitoredDataset::walked), "every dataset watched in turn");
    }

    @Test
    void shouldGiveTheTurnOfAWalkThatWaitsToTheOtherDatasets() throws Exception {
        final Semaphore turns = new Semaphore(1);
        final MonitoredDataset hung = start("hung", turns);
        waitUntil(() -> walking.contains("hung"), "the first walk under way");
        final Path quickRoot = Files.createDirectories(dir.resolve("quick"));
        final MonitoredDataset quick = new MonitoredDataset("quick", DatasetWatcher.prepare("quick", quickRoot,
                DatasetWatcher.Options.of("scan", 0, 1000, 4096, 1024), Clock.systemUTC(),
                DatasetWatcher.Registrar.JDK), INTERVAL_MILLIS, a -> { }, turns).start();
        datasets.add(quick);
        // What the monitor's watchdog does every interval: a walk that read nothing for 0.5 s waits
        waitUntil(() -> {
            hung.checkProgress(System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(500));
            return quick.walked();
        }, "the other dataset watched while the walk of one waits");
        assertTrue(!hung.walked(), "the walk that waits is still under way");
    }

    private static void waitUntil(final BooleanSupplier condition, final String what) throws InterruptedException {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + WAIT);
            }
            Thread.sleep(20);
        }
    }
}
