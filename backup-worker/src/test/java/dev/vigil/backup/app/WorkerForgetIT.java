package dev.vigil.backup.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.backup.backend.LocalBackend;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.snapshot.Snapshot;
import dev.vigil.backup.snapshot.SnapshotStore;
import dev.vigil.embedded.junit.KafkaBrokerExtension;
import dev.vigil.embedded.junit.TestKafka;
import dev.vigil.schemas.Action;
import dev.vigil.schemas.BackupCommand;
import dev.vigil.schemas.CommandStatus;
import dev.vigil.schemas.Retention;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The worker's FORGET on a real broker, in a repository where two hosts back up a dataset of the same id. */
@ExtendWith(KafkaBrokerExtension.class)
class WorkerForgetIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String OTHER = "other-host";

    @Test
    void shouldForgetOnlyItsOwnHostsSnapshotsOfADatasetAnotherHostSharesTheIdOf(final TestKafka kafka,
                                                                               @TempDir final Path dir)
            throws Exception {
        try (WorkerHarness h = new WorkerHarness(kafka, dir)) {
            Files.writeString(h.dataset.resolve("f.txt"), "x");
            try (WorkerService worker = WorkerService.start(new WorkerConfig(h.config()))) {
                final List<String> own = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    own.add(finish(h, WorkerHarness.command(Action.FULL).build(), CommandStatus.SUCCEEDED)
                            .getSnapshotId());
                }
                // the other host backs the same path up by hand into the same repository, later than this one
                final List<String> theirs = otherHostBackups(h, 2);

                final String message = finish(h, WorkerHarness.command(Action.FORGET).setRetention(Retention
                        .newBuilder().setKeepLast(1).setKeepHourly(0).setKeepDaily(0).setKeepWeekly(0)
                        .setKeepMonthly(0).setKeepYearly(0).build()).build(), CommandStatus.SUCCEEDED).getMessage();

                final List<Snapshot> all = snapshots(h);
                final List<String> left = all.stream().map(Snapshot::id).toList();
                // the worker's snapshots record its host.name, whatever the machine is called (a container's name
                // changes with each start, which would leave every earlier snapshot outside its retention)
                assertEquals(List.of(WorkerHarness.HOST), all.stream().filter(s -> own.contains(s.id()))
                        .map(Snapshot::host).toList(), message);
                assertTrue(left.containsAll(theirs), "the other host's snapshots stay: " + message);
                assertEquals(List.of(own.get(1)), left.stream().filter(own::contains).toList(), message);
                assertTrue(message.startsWith("1 snapshots of ds forgotten (keep last 1")
                        && message.contains("; of host " + WorkerHarness.HOST + ", periods in "
                        + ZoneId.systemDefault().getId() + "): " + own.get(0).substring(0, 8))
                        && message.endsWith("; 2 snapshots of ds by other hosts left as they are (vigil repo forget "
                        + "decides on each host's)"), message);
            }
        }
    }

    /** @return the ids of snapshots of dataset ds by another host, each newer than every one before */
    private static List<String> otherHostBackups(final WorkerHarness h, final int n) {
        try (Repository repo = Repository.open(new LocalBackend(h.dir.resolve("repo"), false),
                "worker-test-password".toCharArray())) {
            final SnapshotStore store = new SnapshotStore(repo);
            final Snapshot like = store.history("ds").get(0);
            final List<String> ids = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                final String t = Instant.now().plusSeconds(i).toString();
                ids.add(store.save(new Snapshot(null, t, t, OTHER, "u", "ds", like.path(), like.tree(), "FULL", null,
                        List.of(), false, null, null, null, null, like.figures(), like.root(), null, null)).id());
            }
            return ids;
        }
    }

    private static dev.vigil.schemas.BackupResult finish(final WorkerHarness h, final BackupCommand cmd,
                                                         final CommandStatus status) throws Exception {
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
