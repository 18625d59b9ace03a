package dev.vigil.collector.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.vigil.schemas.FileActivity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A walk that throws what nobody expected, on real trees: through the watcher's only seam inside a walk (run before
 * each directory it lists), since no real tree was found that makes the JDK throw one.
 */
class DatasetFailureTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final long INTERVAL_MILLIS = 200;

    @TempDir
    Path dir;

    private final ListAppender<ILoggingEvent> said = new ListAppender<>();
    private final Logger log = (Logger) LoggerFactory.getLogger(FileActivityMonitor.class.getPackageName());
    private final List<FileActivity> published = new CopyOnWriteArrayList<>();
    /** Directories a walk lists before the next one throws; negative: none throws. */
    private final AtomicInteger failAfter = new AtomicInteger(-1);
    /** Run before each directory a walk lists, before the failure is counted. */
    private volatile Runnable beforeDirectory = () -> { };
    private MonitoredDataset dataset;

    @BeforeEach
    void listen() {
        said.start();
        log.addAppender(said);
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (dataset != null) {
            dataset.stop(false);
            dataset.awaitStopped(5_000);
        }
        log.detachAppender(said);
    }

    private MonitoredDataset start(final Path root) {
        final DatasetWatcher w = DatasetWatcher.prepare("docs", root, DatasetWatcher.Options.of("scan", 0, 1000,
                4096, 1024), Clock.systemUTC(), DatasetWatcher.Registrar.JDK);
        w.beforeDirectory(() -> {
            beforeDirectory.run();
            if (failAfter.getAndDecrement() == 0) {
                throw new IllegalStateException("injected at a directory");
            }
        });
        dataset = new MonitoredDataset("docs", w, INTERVAL_MILLIS, published::add,
                new java.util.concurrent.Semaphore(1)).start();
        return dataset;
    }

    @Test
    void shouldSayAndRetryAFirstWalkThatFailsUnexpectedly() throws Exception {
        final Path root = Files.createDirectories(dir.resolve("docs"));
        Files.writeString(root.resolve("a.txt"), "a");
        failAfter.set(0);
        final MonitoredDataset d = start(root);
        waitUntil(d::walked, "the dataset is watched after its first walk failed once");
        final List<String> warnings = warnings();
        assertEquals(1, warnings.size(), "said once: " + warnings);
        assertTrue(warnings.get(0).contains("docs") && warnings.get(0).contains(root.toString())
                && warnings.get(0).contains("injected"), warnings.get(0));
        Files.writeString(root.resolve("b.txt"), "b");
        waitUntil(() -> changed().contains("b.txt"), "a change after it is reported");
    }

    @Test
    void shouldSayAFirstWalkThatFailsUnexpectedlyAfterItsDirectoryWasMissing() throws Exception {
        final Path root = dir.resolve("docs");
        final MonitoredDataset d = start(root);
        waitUntil(() -> warnings().size() == 1, "the missing directory is said");
        failAfter.set(0);
        Files.createDirectories(root);
        waitUntil(d::walked, "the dataset is watched after its first walk failed once");
        final List<String> warnings = warnings();
        assertEquals(2, warnings.size(), "the missing directory, then the failure: " + warnings);
        assertTrue(warnings.get(1).contains("injected"), warnings.get(1));
    }

    @Test
    void shouldPublishAnIntervalWhoseWalkFailedMidwayIncompleteAndFindTheRestNextInterval() throws Exception {
        final Path root = Files.createDirectories(dir.resolve("docs"));
        final Path x = Files.createDirectories(root.resolve("x"));
        final Path y = Files.createDirectories(root.resolve("y"));
        start(root);
        waitUntil(() -> !published.isEmpty(), "the first interval");
        // One walk writes a file in x and in y before it lists the root, lists y (listed after x, walked first), and
        // fails before it lists x: one change found, the other not yet
        final java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean(true);
        beforeDirectory = () -> {
            if (armed.getAndSet(false)) {
                try {
                    Files.writeString(x.resolve("new.txt"), "x");
                    Files.writeString(y.resolve("new.txt"), "y");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                published.clear();
                failAfter.set(2);
            }
        };
        waitUntil(() -> changed().containsAll(List.of("x/new.txt", "y/new.txt"))
                && published.get(published.size() - 1).getComplete(), "both changes, then a complete interval");
        final List<FileActivity> all = List.copyOf(published);
        final int failed = indexOfFirst(all, a -> !a.getComplete());
        assertTrue(failed >= 0, "the interval whose walk failed is incomplete: " + all);
        assertEquals(0, failed, "the first interval after the changes is the one that failed: " + all);
        assertEquals(List.of("y/new.txt"), all.get(failed).getChangedPaths(), "what it found is published");
        assertFalse(all.get(failed + 1).getComplete(), "the next interval walks the tree whole, incomplete too");
        for (int i = 1; i < all.size(); i++) {
            assertEquals(all.get(i - 1).getJournalSequence() + 1, all.get(i).getJournalSequence(), "no gap");
            assertEquals(all.get(i - 1).getIntervalEnd(), all.get(i).getIntervalStart(), "contiguous");
        }
        final List<String> warnings = warnings();
        assertEquals(1, warnings.size(), "said once: " + warnings);
        assertTrue(warnings.get(0).contains("docs") && warnings.get(0).contains(root.toString()), warnings.get(0));
    }

    private List<String> warnings() {
        return said.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    private List<String> changed() {
        return published.stream().flatMap(a -> a.getChangedPaths().stream()).toList();
    }

    private static int indexOfFirst(final List<FileActivity> all, final java.util.function.Predicate<FileActivity> p) {
        for (int i = 0; i < all.size(); i++) {
            if (p.test(all.get(i))) {
                return i;
            }
        }
        return -1;
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
