package dev.vigil.backup.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.backup.backend.LocalBackend;
import dev.vigil.backup.checker.Checker;
import dev.vigil.backup.cli.ChildJvm;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.snapshot.SnapshotStore;
import dev.vigil.embedded.junit.KafkaBrokerExtension;
import dev.vigil.embedded.junit.TestKafka;
import dev.vigil.schemas.Action;
import dev.vigil.schemas.BackupCommand;
import dev.vigil.schemas.CommandStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow (three child JVMs): kill -9 a worker in the middle of a backup, then of a restore into a new directory; its
 * successor finishes each once.
 */
@ExtendWith(KafkaBrokerExtension.class)
class WorkerCrashIT {
    @Test
    void shouldFinishABackupExactlyOnceWhenTheWorkerIsKilledMidway(final TestKafka kafka, @TempDir final Path dir)
            throws Exception {
        try (WorkerHarness h = new WorkerHarness(kafka, dir)) {
            final Random r = new Random(5);
            for (int i = 0; i < 40; i++) {
                final byte[] b = new byte[2 << 20];
                r.nextBytes(b);
                Files.write(h.dataset.resolve("f" + i + ".bin"), b);
            }
            final java.nio.file.attribute.FileTime then = java.nio.file.attribute.FileTime.fromMillis(1_600_000_000_000L);
            Files.setLastModifiedTime(h.dataset, then);
            final Path config = h.configFile();
            final Path log = dir.resolve("worker.log");
            final Process first = ChildJvm.start(log, Map.of(), "worker", "--config", config.toString());
            final BackupCommand cmd = WorkerHarness.command(Action.FULL).build();
            h.send(cmd);
            h.await(x -> x.getCommandId().equals(cmd.getId()) && x.getStatus() == CommandStatus.PROGRESS
                    && x.getProgress().getBytesDone() > 0, Duration.ofMinutes(3));
            first.destroyForcibly().waitFor(1, TimeUnit.MINUTES);

            final Process second = ChildJvm.start(log, Map.of(), "worker", "--config", config.toString());
            final BackupCommand restore = WorkerHarness.command(Action.RESTORE)
                    .setTarget(h.restoreRoot.resolve("out").toString()).build();
            try {
                h.await(x -> x.getCommandId().equals(cmd.getId()) && x.getStatus() == CommandStatus.SUCCEEDED,
                        Duration.ofMinutes(3));
                // then a restore into a new directory, killed once a few files are back
                h.send(restore);
                final long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
                while (files(h.restoreRoot.resolve("out")) < 3 && System.nanoTime() < deadline) {
                    Thread.sleep(2);
                }
            } finally {
                second.destroyForcibly().waitFor(1, TimeUnit.MINUTES);
            }
            final boolean midway = h.results(restore.getId()).stream().noneMatch(x -> x.getStatus().equals(
                    CommandStatus.SUCCEEDED));
            // its successor finishes it: what the killed run wrote is whole, kept; the rest restored; once
            final Process third = ChildJvm.start(log, Map.of(), "worker", "--config", config.toString());
            try {
                final var end = h.await(x -> x.getCommandId().equals(restore.getId())
                        && (x.getStatus() == CommandStatus.SUCCEEDED || x.getStatus() == CommandStatus.FAILED),
                        Duration.ofMinutes(3));
                assertEquals(CommandStatus.SUCCEEDED, end.getStatus(), end.getMessage());
            } finally {
                third.destroyForcibly().waitFor(1, TimeUnit.MINUTES);
            }
            assertTrue(midway, "the restore ended before the kill: " + h.results(restore.getId()));
            assertEquals(dev.vigil.backup.TestRepos.manifest(h.dataset),
                    dev.vigil.backup.TestRepos.manifest(h.restoreRoot.resolve("out")));
            assertEquals(then, Files.getLastModifiedTime(h.restoreRoot.resolve("out")),
                    "the directories get the snapshot's times, though the killed run made them");
            assertEquals(1, h.results(restore.getId()).stream().filter(x -> x.getStatus() == CommandStatus.SUCCEEDED)
                    .count());
            // the second ACCEPTED says it is the same command run again, not a second one
            assertTrue(h.results(restore.getId()).stream().anyMatch(x -> x.getStatus() == CommandStatus.ACCEPTED
                    && x.getMessage().startsWith("RESTORE of ds accepted again: a run of it that began at ")),
                    h.results(restore.getId()).toString());
            assertEquals(1, h.results(cmd.getId()).stream().filter(x -> x.getStatus() == CommandStatus.SUCCEEDED)
                    .count());
            try (Repository repo = Repository.open(new LocalBackend(dir.resolve("repo"), false),
                    "worker-test-password".toCharArray())) {
                assertEquals(1, new SnapshotStore(repo).list().stream().filter(s -> cmd.getId().equals(s.commandId()))
                        .count(), "one snapshot for the command");
                assertTrue(new Checker(repo).check(1.0, 1).ok());
            }
        }
    }

    private static long files(final Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> !f.getFileName().toString().startsWith(".vigil-restore-")).count();
        } catch (java.io.UncheckedIOException e) {
            return 0;
        }
    }
}
