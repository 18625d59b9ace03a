package dev.vigil.backup.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.embedded.junit.KafkaBrokerExtension;
import dev.vigil.embedded.junit.TestKafka;
import dev.vigil.schemas.Action;
import dev.vigil.schemas.BackupCommand;
import dev.vigil.schemas.BackupResult;
import dev.vigil.schemas.CommandStatus;
import dev.vigil.schemas.FileActivity;
import dev.vigil.schemas.json.RecordJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The change journal from {@code vigil-events}: used when it covers the parent and reaches the moment the
 * command began, a scan otherwise. A {@link Collector} publishes intervals on a timer, as the real one does.
 */
@ExtendWith(KafkaBrokerExtension.class)
class WorkerJournalIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String EPOCH = "watcher-1";

    @Test
    void shouldReadOnlyJournaledPathsOnceTheyAreReportedAndScanAfterAGap(final TestKafka kafka,
                                                                       @TempDir final Path dir) throws Exception {
        try (WorkerHarness h = new WorkerHarness(kafka, dir); Collector collector = new Collector(h, 2000)) {
            tree(h.dataset);
            try (WorkerService worker = WorkerService.start(new WorkerConfig(h.config()))) {
                run(h, Action.FULL);
                assertJournalBackupReadsOnlyA(h, collector);

                Files.writeString(h.dataset.resolve("sub/c.txt"), "c, second version");
                collector.changed("sub/c.txt");
                collector.loseNext();
                final BackupResult gap = run(h, Action.INCREMENTAL);
                assertTrue(gap.getMessage().contains("scanned ("), gap.getMessage());
                assertEquals(2, gap.getFigures().getFilesChanged(), "the scan finds b.txt and sub/c.txt: " + gap);
                assertTrue(worker.failure() == null);
            }
        }
    }

    @Test
    void shouldScanWhenTheCollectorStopsReporting(final TestKafka kafka, @TempDir final Path dir) throws Exception {
        try (WorkerHarness h = new WorkerHarness(kafka, dir); Collector collector = new Collector(h, 500)) {
            tree(h.dataset);
            final Map<String, String> config = new HashMap<>(h.config());
            config.put(WorkerConfig.JOURNAL_WAIT_CONFIG, "3000");
            try (WorkerService worker = WorkerService.start(new WorkerConfig(config))) {
                run(h, Action.FULL);
                Thread.sleep(1200); // so that the journal reaches past the FULL, then stops
                collector.close();
                Files.writeString(h.dataset.resolve("a.txt"), "a, changed after the collector stopped");
                final BackupResult stale = run(h, Action.INCREMENTAL);
                assertTrue(stale.getMessage().contains("later changes are not known yet"), stale.getMessage());
                assertEquals(1, stale.getFigures().getFilesChanged(), "the scan finds a.txt: " + stale);
            }
        }
    }

    @Test
    void shouldScanWhenTheJournalWasLostWhileTheWorkerWasDown(final TestKafka kafka, @TempDir final Path dir)
            throws Exception {
        try (WorkerHarness h = new WorkerHarness(kafka, dir); Collector collector = new Collector(h, 500)) {
            tree(h.dataset);
            try (WorkerService worker = WorkerService.start(new WorkerConfig(h.config()))) {
                run(h, Action.FULL);
                Files.writeString(h.dataset.resolve("a.txt"), "a, second version");
                collector.changed("a.txt");
                assertTrue(run(h, Action.INCREMENTAL).getMessage().contains("change journal used"));
                Files.writeString(h.dataset.resolve("b.txt"), "b, second version");
                collector.changed("b.txt");
                awaitJournalNaming(dir.resolve("state/journal"), "b.txt");
            }
            // The state directory's journal is lost (a new disk, a restore of the host): its offset was committed.
            try (Stream<Path> files = Files.list(dir.resolve("state/journal"))) {
                for (final Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            try (WorkerService worker = WorkerService.start(new WorkerConfig(h.config()))) {
                final BackupResult lost = run(h, Action.INCREMENTAL);
                assertTrue(lost.getMessage().contains("scanned (journal starts at"), lost.getMessage());
                assertEquals(1, lost.getFigures().getFilesChanged(), "the scan finds b.txt: " + lost);
            }
        }
    }

    @Test
    void shouldWaitForAJournalFileToo(final TestKafka kafka, @TempDir final Path dir) throws Exception {
        final Path file = dir.resolve("journal.jsonl");
        try (WorkerHarness h = new WorkerHarness(kafka, dir); Collector collector = new Collector(a ->
                Files.writeString(file, RecordJson.write(a) + "\n", StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND), 2000)) {
            tree(h.dataset);
            final Map<String, String> config = new HashMap<>(h.config());
            config.put("dataset.ds.journal.file", file.toString());
            config.put(WorkerConfig.JOURNAL_EVENTS_CONFIG, "false");
            try (WorkerService worker = WorkerService.start(new WorkerConfig(config))) {
                run(h, Action.FULL);
                // The file is read again as the collector appends to it, until it reaches the command.
                assertJournalBackupReadsOnlyA(h, collector);
            }
        }
    }

    /**
     * Changes a.txt and b.txt, reports only a.txt, and sends an INCREMENTAL before the collector's interval holding
     * a.txt closes: the worker must wait for that interval, then read a.txt alone.
     */
    private static void assertJournalBackupReadsOnlyA(final WorkerHarness h, final Collector collector)
            throws Exception {
        Files.writeString(h.dataset.resolve("a.txt"), "a, second version");
        // b.txt changes too, but the journal names only a.txt: a journal backup must not even look at b.txt.
        Files.writeString(h.dataset.resolve("b.txt"), "b, second version");
        collector.changed("a.txt");
        final BackupResult used = run(h, Action.INCREMENTAL);
        assertTrue(used.getMessage().contains("change journal used"), used.getMessage());
        assertEquals(1, used.getFigures().getFilesChanged(), used.toString());
        assertEquals(Files.size(h.dataset.resolve("a.txt")), used.getFigures().getBytesRead(),
                "only the journaled file is read");
    }

    /** Publishes one complete interval per period with the paths reported since the last one. */
    private static final class Collector implements AutoCloseable {
        private final Sink sink;
        private final List<String> pending = new ArrayList<>();
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        private long sequence;
        private boolean lose;
        private Instant start = now().minusSeconds(60);

        /** Where intervals go: the events topic, or a journal file as {@code vigil collector journal} writes. */
        interface Sink {
            void accept(FileActivity a) throws Exception;
        }

        Collector(final WorkerHarness h, final long periodMillis) {
            this(h::publish, periodMillis);
        }

        Collector(final Sink sink, final long periodMillis) {
            this.sink = sink;
            timer.scheduleAtFixedRate(this::closeInterval, 0, periodMillis, TimeUnit.MILLISECONDS);
        }

        synchronized void changed(final String path) {
            pending.add(path);
        }

        /** The next interval is lost on its way, with the paths it names. */
        synchronized void loseNext() {
            lose = true;
        }

        private synchronized void closeInterval() {
            final Instant end = now();
            final FileActivity a = interval(++sequence, start, end, List.copyOf(pending));
            if (!lose) {
                try {
                    sink.accept(a);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
            lose = false;
            pending.clear();
            start = end;
        }

        @Override
        public void close() throws InterruptedException {
            timer.shutdownNow();
            timer.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private static void tree(final Path root) throws Exception {
        Files.writeString(root.resolve("a.txt"), "a");
        Files.writeString(root.resolve("b.txt"), "b");
        Files.createDirectories(root.resolve("sub"));
        Files.writeString(root.resolve("sub/c.txt"), "c");
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    private static FileActivity interval(final long seq, final Instant start, final Instant end,
                                         final List<String> changed) {
        return FileActivity.newBuilder().setDataset("ds").setIntervalStart(start).setIntervalEnd(end)
                .setModified(changed.size()).setChangedPaths(changed).setComplete(true).setJournalSequence(seq)
                .setWatcherEpoch(EPOCH).build();
    }

    private static BackupResult run(final WorkerHarness h, final Action action) {
        final BackupCommand cmd = WorkerHarness.command(action).build();
        try {
            h.send(cmd);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return h.await(r -> r.getCommandId().equals(cmd.getId()) && r.getStatus() == CommandStatus.SUCCEEDED, WAIT);
    }

    private static void awaitJournalNaming(final Path dir, final String path) throws Exception {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            try (Stream<Path> files = Files.list(dir)) {
                for (final Path f : files.toList()) {
                    if (Files.readString(f).contains("\"" + path + "\"")) {
                        return;
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("journal in " + dir + " did not name " + path + " within " + WAIT);
    }
}
