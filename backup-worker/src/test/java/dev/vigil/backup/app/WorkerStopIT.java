package dev.vigil.backup.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.backup.TestRepos;
import dev.vigil.backup.backend.LocalBackend;
import dev.vigil.backup.checker.Checker;
import dev.vigil.backup.cli.ChildJvm;
import dev.vigil.backup.repository.RepoConfig;
import dev.vigil.backup.repository.Repository;
import dev.vigil.embedded.junit.KafkaBrokerExtension;
import dev.vigil.embedded.junit.TestKafka;
import dev.vigil.schemas.Action;
import dev.vigil.schemas.BackupCommand;
import dev.vigil.schemas.BackupResult;
import dev.vigil.schemas.CommandStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker stopped by SIGTERM (a service manager, a host shutting down) in the middle of a backup: the backup stops,
 * the packs it wrote whole are indexed before its lock goes, and it fails as retriable, so that the retry re-uses them.
 */
@ExtendWith(KafkaBrokerExtension.class)
class WorkerStopIT {
    private static final char[] PASSWORD = "worker-test-password".toCharArray();
    private static final long SIZE = 24L << 20;

    @Test
    void shouldIndexThePacksOfABackupStoppedBySigtermAndFailItAsRetriable(final TestKafka kafka,
            @TempDir final Path dir) throws Exception {
        try (WorkerHarness h = new WorkerHarness(kafka, dir)) {
            final Random r = new Random(11);
            for (int i = 0; i < 24; i++) {
                final byte[] b = new byte[1 << 20];
                r.nextBytes(b);
                Files.write(h.dataset.resolve("f" + i + ".bin"), b);
            }
            final Path repo = dir.resolve("repo");
            // packs of 1 MiB, so that several are written whole before the stop, fewer than an index file names
            Repository.init(new LocalBackend(repo, false), PASSWORD, RepoConfig.create(64 << 10, 3, 1 << 20), 1024,
                    Clock.systemUTC()).close();
            final Path log = dir.resolve("worker.log");
            final Process worker = ChildJvm.start(log, Map.of(), "worker", "--config", h.configFile().toString());
            final BackupCommand cmd = WorkerHarness.command(Action.FULL).build();
            h.send(cmd);
            final long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (worker.isAlive() && TestRepos.packFiles(repo).size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(worker.isAlive(), "stopped while it works: " + Files.readString(log));
            worker.destroy(); // SIGTERM
            assertTrue(worker.waitFor(2, TimeUnit.MINUTES), "a stop does not hang: " + Files.readString(log));

            final BackupResult end = h.await(x -> x.getCommandId().equals(cmd.getId())
                    && (x.getStatus() == CommandStatus.FAILED || x.getStatus() == CommandStatus.SUCCEEDED),
                    Duration.ofMinutes(1));
            assertEquals(CommandStatus.FAILED, end.getStatus(), "stopped midway: " + end.getMessage());
            assertTrue(end.getRetriable(), "a stopped backup may run again: " + end.getMessage());
            try (Stream<Path> locks = Files.list(repo.resolve("locks"))) {
                assertEquals(0, locks.count(), "its lock is released");
            }
            try (Repository opened = Repository.open(new LocalBackend(repo, false), PASSWORD)) {
                final Checker.Report report = new Checker(opened).check(1.0, 1);
                assertTrue(report.ok(), report.errors().toString());
                assertTrue(report.hints().stream().noneMatch(x -> x.contains("not indexed")),
                        "every pack written whole is indexed: " + report.hints() + "\n" + Files.readString(log));
            }

            // the engine's retry, on the restarted worker, stores only what the stopped run did not
            final Process again = ChildJvm.start(log, Map.of(), "worker", "--config", h.configFile().toString());
            try {
                final BackupCommand retry = WorkerHarness.command(Action.FULL).build();
                h.send(retry);
                final BackupResult done = h.await(x -> x.getCommandId().equals(retry.getId())
                        && (x.getStatus() == CommandStatus.FAILED || x.getStatus() == CommandStatus.SUCCEEDED),
                        Duration.ofMinutes(3));
                assertEquals(CommandStatus.SUCCEEDED, done.getStatus(), done.getMessage());
                assertTrue(done.getFigures().getBytesAdded() < SIZE - (1 << 20),
                        "the stopped run's packs are re-used: " + done.getFigures());
            } finally {
                again.destroyForcibly().waitFor(1, TimeUnit.MINUTES);
            }
        }
    }
}
