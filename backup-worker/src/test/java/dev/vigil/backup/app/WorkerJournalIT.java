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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The change journal from {@code vigil-events}: used when it covers the parent, a scan otherwise. */
@ExtendWith(KafkaBrokerExtension.class)
class WorkerJournalIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String EPOCH = "watcher-1";

    @Test
    void shouldReadOnlyJournaledPathsAndScanAfterAGapInTheSequence(final TestKafka kafka, @TempDir final Path dir)
            throws Exception {
        try (WorkerHarness h = new WorkerHarness(kafka, dir)) {
            tree(h.dataset);
            final Instant t0 = now();
            h.publish(interval(1, t0.minusSeconds(60), t0, List.of()));
            try (WorkerService worker = WorkerService.start(new WorkerConfig(h.config()))) {
                run(h, Action.FULL);
                Files.writeString(h.dataset.resolve("a.txt"), "a, second version");
                // b.txt changes too, but the journal names only a.txt: a journal backup must not even look at b.txt.
                Files.writeString(h.dataset.resolve("b.txt"), "b, second version");
                final Instant e2 = now();
                h.publish(interval(2, t0, e2, List.of("a.txt")));

                final BackupResult used = run(h, Action.INCREMENTAL);
                assertTrue(used.getMessage().contains("change journal used"), used.getMessage());
                assertEquals(1, used.getFigures().getFilesChanged(), used.toString());
                assertEquals(Files.size(h.dataset.resolve("a.txt")), used.getFigures().getBytesRead(),
                        "only the journaled file is read");

                Files.writeString(h.dataset.resolve("sub/c.txt"), "c, second version");
                final Instant e3 = now();
                h.publish(interval(3, e2, e3, List.of("sub/c.txt")));
                h.publish(interval(5, e3.plusMillis(10), now(), List.of()));
                final BackupResult gap = run(h, Action.INCREMENTAL);
                assertTrue(gap.getMessage().contains("scanned (gap in the journal: interval 3 then 5)"),
                        gap.getMessage());
                assertEquals(2, gap.getFigures().getFilesChanged(), "the scan finds b.txt and sub/c.txt: " + gap);
                assertTrue(worker.failure() == null);
            }
        }
    }

    @Test
    void shouldScanWhenTheJournalWasLostWhileTheWorkerWasDown(final TestKafka kafka, @TempDir final Path dir)
            throws Exception {
        try (WorkerHarness h = new WorkerHarness(kafka, dir)) {
            tree(h.dataset);
            final Instant t0 = now();
            h.publish(interval(1, t0.minusSeconds(60), t0, List.of()));
            final Instant e2;
            try (WorkerService worker = WorkerService.start(new WorkerConfig(h.config()))) {
                run(h, Action.FULL);
                Files.writeString(h.dataset.resolve("a.txt"), "a, second version");
                e2 = now();
                h.publish(interval(2, t0, e2, List.of("a.txt")));
                assertTrue(run(h, Action.INCREMENTAL).getMessage().contains("change journal used"));
                Files.writeString(h.dataset.resolve("b.txt"), "b, second version");
                h.publish(interval(3, e2, now(), List.of("b.txt")));
                awaitJournalLines(dir.resolve("state/journal"), 1);
            }
            // The state directory's journal is lost (a new disk, a restore of the host): its offset was committed.
            try (Stream<Path> files = Files.list(dir.resolve("state/journal"))) {
                for (final Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            try (WorkerService worker = WorkerService.start(new WorkerConfig(h.config()))) {
                final Instant e3 = now();
                h.publish(interval(4, e3, now().plusMillis(1), List.of()));
                final BackupResult lost = run(h, Action.INCREMENTAL);
                assertTrue(lost.getMessage().contains("scanned (journal starts at"), lost.getMessage());
                assertEquals(1, lost.getFigures().getFilesChanged(), "the scan finds b.txt: " + lost);
            }
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

    private static void awaitJournalLines(final Path dir, final int lines) throws Exception {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            try (Stream<Path> files = Files.list(dir)) {
                long n = 0;
                for (final Path f : files.toList()) {
                    n += Files.readAllLines(f).stream().filter(l -> !l.isBlank()).count();
                }
                if (n >= lines) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("journal in " + dir + " did not get " + lines + " lines within " + WAIT);
    }
}
