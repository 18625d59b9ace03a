package dev.vigil.backup.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.backup.backend.LocalBackend;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.snapshot.Snapshot;
import dev.vigil.backup.snapshot.SnapshotStore;
import dev.vigil.embedded.junit.KafkaBrokerExtension;
import dev.vigil.embedded.junit.TestKafka;
import dev.vigil.schemas.Action;
import dev.vigil.schemas.BackupCommand;
import dev.vigil.schemas.BackupResult;
import dev.vigil.schemas.CommandStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker on a real broker against a dataset that empties (its file system not mounted, rm -rf) and then mostly
 * empties: the scheduled backups must not let retention (keep last 1) forget the snapshot that holds the files.
 */
@ExtendWith(KafkaBrokerExtension.class)
class WorkerLossGuardIT {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void shouldRefuseAnEmptyDatasetAndProtectTheSnapshotBeforeALossFromRetention(final TestKafka kafka,
                                                                                 @TempDir final Path dir)
            throws Exception {
        try (WorkerHarness h = new WorkerHarness(kafka, dir)) {
            for (int i = 0; i < 10; i++) {
                Files.writeString(h.dataset.resolve("f" + i), "the data of file " + i);
            }
            final Map<String, String> config = new java.util.HashMap<>(h.config());
            config.put("dataset.ds.keep.last", "1");
            config.put("dataset.ds.keep.daily", "0");
            config.put("dataset.ds.keep.weekly", "0");
            config.put("dataset.ds.keep.monthly", "0");
            try (WorkerService worker = WorkerService.start(new WorkerConfig(config))) {
                final BackupResult first = finish(h, WorkerHarness.command(Action.FULL).build(),
                        CommandStatus.SUCCEEDED);
                for (int i = 0; i < 10; i++) {
                    Files.delete(h.dataset.resolve("f" + i));
                }

                final BackupResult refused = finish(h, WorkerHarness.command(Action.INCREMENTAL).build(),
                        CommandStatus.FAILED);
                assertFalse(refused.getRetriable(), refused.toString());
                assertTrue(refused.getMessage().contains(h.dataset + " is empty, but its last snapshot")
                        && refused.getMessage().contains("holds 10 files")
                        && refused.getMessage().contains("vigil repo backup --repo " + dir.resolve("repo")
                        + " --password-file " + dir.resolve("password") + " --dataset ds --allow-empty --host "
                        + WorkerHarness.HOST + " " + h.dataset),
                        refused.getMessage());
                finish(h, WorkerHarness.command(Action.FORGET).build(), CommandStatus.SUCCEEDED);
                assertEquals(List.of(first.getSnapshotId()), snapshots(h).stream().map(Snapshot::id).toList(),
                        "nothing backed up, nothing forgotten");

                // something came back, but not the data: 2 files of 10 (a partial copy, an application's fresh start)
                Files.writeString(h.dataset.resolve("f0"), "the data of file 0");
                Files.writeString(h.dataset.resolve("new"), "a fresh start");
                final BackupResult lossy = finish(h, WorkerHarness.command(Action.INCREMENTAL).build(),
                        CommandStatus.SUCCEEDED);
                assertTrue(lossy.getMessage().contains("dataset ds holds 2 files")
                        && lossy.getMessage().contains("is protected now (it was "
                        + first.getSnapshotId().substring(0, 8) + ")"), lossy.getMessage());
                finish(h, WorkerHarness.command(Action.FORGET).build(), CommandStatus.SUCCEEDED);
                final List<Snapshot> left = snapshots(h);
                assertEquals(2, left.size(), left.toString());
                assertTrue(left.get(0).protectedSnapshot() && left.get(0).figures().filesNew() == 10, left.toString());
                assertEquals(left.get(0).id(), left.get(1).parent());
                assertEquals(lossy.getSnapshotId(), left.get(1).id());
                assertEquals(left.get(0).id(), lossy.getProtectedSnapshotId(), "the result names it for the engine");
                assertEquals(null, refused.getProtectedSnapshotId());
                assertTrue(worker.failure() == null);
            }
        }
    }

    private static BackupResult finish(final WorkerHarness h, final BackupCommand cmd, final CommandStatus status)
            throws Exception {
        h.send(cmd);
        return h.await(r -> r.getCommandId().equals(cmd.getId()) && r.getStatus() == status, WAIT);
    }

    private static List<Snapshot> snapshots(final WorkerHarness h) {
        try (Repository repo = Repository.open(new LocalBackend(h.dir.resolve("repo"), false),
                "worker-test-password".toCharArray())) {
            return new SnapshotStore(repo).list();
        }
    }
}
