package dev.vigil.backup.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.backup.BackupException;
import dev.vigil.backup.TestRepos;
import dev.vigil.backup.TestTrees;
import dev.vigil.backup.backend.LocalBackend;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.snapshot.Snapshot;
import dev.vigil.backup.snapshot.SnapshotStore;
import dev.vigil.backup.worker.HostPartition;
import dev.vigil.embedded.junit.KafkaBrokerExtension;
import dev.vigil.embedded.junit.TestKafka;
import dev.vigil.schemas.Action;
import dev.vigil.schemas.BackupCommand;
import dev.vigil.schemas.BackupResult;
import dev.vigil.schemas.CommandStatus;
import dev.vigil.schemas.Retention;
import dev.vigil.schemas.security.CommandSignature;
import dev.vigil.schemas.topic.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(KafkaBrokerExtension.class)
class WorkerServiceIT {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void shouldBackUpAndRestoreOnSignedCommandsAndPublishTheirResults(final TestKafka kafka, @TempDir final Path dir)
            throws Exception {
        try (WorkerHarness h = new WorkerHarness(kafka, dir)) {
            TestTrees.awkward(h.dataset, 11);
            final Map<String, String> before = TestRepos.manifest(h.dataset);
            // left out by the dataset's exclude file: never backed up, so the restore below has not got it
            final Path swap = Files.writeString(h.dataset.resolve("docs/.readme.txt.swp"), "editor state");
            final Map<String, String> config = new java.util.HashMap<>(h.config());
            config.put("dataset.ds.exclude.file", Files.writeString(dir.resolve("excludes"), "*.swp\n").toString());
            try (WorkerService worker = WorkerService.start(new WorkerConfig(config))) {
                final BackupCommand backup = WorkerHarness.command(Action.INCREMENTAL).setTags(List.of("t1")).build();
                h.send(backup);
                h.await(r -> r.getCommandId().equals(backup.getId()) && r.getStatus() == CommandStatus.ACCEPTED, WAIT);
                final BackupResult done = h.await(r -> r.getCommandId().equals(backup.getId())
                        && r.getStatus() == CommandStatus.SUCCEEDED, WAIT);
                assertEquals(Action.FULL, done.getLevel(), "the first INCREMENTAL has no parent and becomes FULL");
                assertNotNull(done.getSnapshotId());
                assertTrue(done.getFigures().getFilesNew() > 10, done.toString());

                Files.writeString(h.dataset.resolve("docs/readme.txt"), "encrypted by ransomware");
                final BackupCommand restore = WorkerHarness.command(Action.RESTORE)
                        .setBeforeTime(Instant.now()).setTarget(h.restoreRoot.resolve("r1").toString()).build();
                h.send(restore);
                h.await(r -> r.getCommandId().equals(restore.getId()) && r.getStatus() == CommandStatus.SUCCEEDED,
                        WAIT);
                assertEquals(before, TestRepos.manifest(h.restoreRoot.resolve("r1")));
                Files.delete(swap);

                final BackupCommand inPlace = WorkerHarness.command(Action.RESTORE).setOverwrite(true)
                        .setPaths(List.of("docs")).build();
                h.send(inPlace);
                h.await(r -> r.getCommandId().equals(inPlace.getId()) && r.getStatus() == CommandStatus.SUCCEEDED,
                        WAIT);
                assertEquals(before, TestRepos.manifest(h.dataset));
                assertTrue(worker.failure() == null);
            }
        }
    }

    @Test
    void shouldRestoreChosenPathsFromTheNewestSnapshotHoldingEachButNeverFromEvidence(final TestKafka kafka,
                                                                                    @TempDir final Path dir)
            throws Exception {
        try (WorkerHarness h = new WorkerHarness(kafka, dir)) {
            Files.writeString(h.dataset.resolve("a.txt"), "a, as written");
            Files.writeString(h.dataset.resolve("c.txt"), "c, as written");
            Files.writeString(h.dataset.resolve("d.txt"), "d, short-lived");
            try (WorkerService worker = WorkerService.start(new WorkerConfig(h.config()))) {
                succeed(h, WorkerHarness.command(Action.FULL).build());
                Files.delete(h.dataset.resolve("d.txt"));
                succeed(h, WorkerHarness.command(Action.INCREMENTAL).build());
                // a ransomware-like rewrite: a.txt encrypted, c.txt renamed away; the evidence snapshot keeps that
                Files.writeString(h.dataset.resolve("a.txt"), "encrypted");
                Files.move(h.dataset.resolve("c.txt"), h.dataset.resolve("c.txt.locked"));
                succeed(h, WorkerHarness.command(Action.INCREMENTAL).setProtect(true)
                        .setTags(List.of(dev.vigil.schemas.SnapshotTags.EVIDENCE)).build());
                Files.delete(h.dataset.resolve("a.txt"));

                // the deleted paths, from the last snapshot before now: not the evidence, and d.txt from the first
                final BackupCommand restore = WorkerHarness.command(Action.RESTORE).setBeforeTime(Instant.now())
                        .setPaths(List.of("a.txt", "c.txt", "d.txt")).setOverwrite(true).setMissingOnly(true).build();
                final BackupResult done = succeed(h, restore);
                assertEquals("a, as written", Files.readString(h.dataset.resolve("a.txt")), done.getMessage());
                assertEquals("c, as written", Files.readString(h.dataset.resolve("c.txt")));
                assertEquals("d, short-lived", Files.readString(h.dataset.resolve("d.txt")));
                assertTrue(done.getMessage().contains("some paths from older snapshots"), done.getMessage());

                final BackupCommand nowhere = WorkerHarness.command(Action.RESTORE).setBeforeTime(Instant.now())
                        .setPaths(List.of("never.txt")).setOverwrite(true).setMissingOnly(true).build();
                h.send(nowhere);
                final BackupResult failed = h.await(r -> r.getCommandId().equals(nowhere.getId())
                        && r.getStatus() == CommandStatus.FAILED, WAIT);
                assertTrue(failed.getMessage().startsWith("none of the 1 paths is in a snapshot"), failed.getMessage());
                assertTrue(worker.failure() == null);
            }
        }
    }

    private static BackupResult succeed(final WorkerHarness h, final BackupCommand cmd) throws Exception {
        h.send(cmd);
        return h.await(r -> r.getCommandId().equals(cmd.getId()) && (r.getStatus() == CommandStatus.SUCCEEDED
                || r.getStatus() == CommandStatus.FAILED || r.getStatus() == CommandStatus.REJECTED), WAIT);
    }

    @Test
    void shouldRejectForgedReplayedUnknownExpiredAndEscapingCommands(final TestKafka kafka, @TempDir final Path dir)
            throws Exception {
        try (WorkerHarness h = new WorkerHarness(kafka, dir)) {
            Files.writeString(h.dataset.resolve("f.txt"), "x");
            Files.createDirectories(dir.resolve("outside"));
            Files.createSymbolicLink(h.restoreRoot.resolve("escape"), dir.resolve("outside"));
            try (WorkerService worker = WorkerService.start(new WorkerConfig(h.config()))) {
                final BackupCommand forged = WorkerHarness.command(Action.FULL).build();
                h.send(forged, CommandSignature.generate());
                h.awaitDeadLetter("which this worker does not trust", WAIT);
                final BackupCommand unsigned = WorkerHarness.command(Action.FULL).build();
                h.send(unsigned, null);
                h.awaitDeadLetter("not signed", WAIT);
                // one of 2 MiB (the commands topic takes 8): past the 1 MiB of the dead-letter topic, its bytes stay
                h.sendRaw(WorkerHarness.HOST, new byte[2 << 20], null);
                assertTrue(h.awaitDeadLetter("are not kept here", WAIT).contains("not signed"));
                final BackupCommand unknown = WorkerHarness.command(Action.FULL).setDataset("nope").build();
                h.send(unknown);
                expectRejected(h, unknown, "unknown dataset");
                final BackupCommand expired = WorkerHarness.command(Action.FULL)
                        .setExpiresAt(Instant.now().minusSeconds(5)).build();
                h.send(expired);
                expectRejected(h, expired, "expired");
                final BackupCommand outside = WorkerHarness.command(Action.RESTORE)
                        .setTarget(dir.resolve("outside/x").toString()).build();
                h.send(outside);
                expectRejected(h, outside, "outside the allowed roots");
                final BackupCommand dots = WorkerHarness.command(Action.RESTORE)
                        .setTarget(h.restoreRoot + "/../outside").build();
                h.send(dots);
                expectRejected(h, dots, "..");
                final BackupCommand symlink = WorkerHarness.command(Action.RESTORE)
                        .setTarget(h.restoreRoot.resolve("escape/x").toString()).build();
                h.send(symlink);
                expectRejected(h, symlink, "outside the allowed roots");
                final BackupCommand own = WorkerHarness.command(Action.RESTORE).build();
                h.send(own);
                expectRejected(h, own, "overwrite");

                final BackupCommand once = WorkerHarness.command(Action.FULL).build();
                final byte[] bytes = h.send(once);
                h.await(r -> r.getCommandId().equals(once.getId()) && r.getStatus() == CommandStatus.SUCCEEDED, WAIT);
                h.sendRaw(WorkerHarness.HOST, bytes, null);
                h.sendRaw(WorkerHarness.HOST, bytes, h.keys);
                expectRejected(h, once, "replayed");
                // a copy without the signature is a forgery, not a replay: it went to the dead letters, unread
                assertEquals(List.of(CommandStatus.ACCEPTED, CommandStatus.SUCCEEDED, CommandStatus.REJECTED),
                        h.results(once.getId()).stream().map(BackupResult::getStatus)
                                .filter(st -> st != CommandStatus.PROGRESS).toList(), "executed once");
                assertTrue(h.results(forged.getId()).isEmpty() && h.results(unsigned.getId()).isEmpty(),
                        "nothing of a forgery is read, so no result names it");
                assertTrue(worker.failure() == null);
            }
        }
    }

    @Test
    void shouldSendARecordThatIsNotSignedToTheDeadLettersUnreadAndKeepServing(final TestKafka kafka,
                                                                              @TempDir final Path dir)
            throws Exception {
        try (WorkerHarness h = new WorkerHarness(kafka, dir)) {
            Files.writeString(h.dataset.resolve("f.txt"), "x");
            try (WorkerService worker = WorkerService.start(new WorkerConfig(h.config()))) {
                h.sendRaw(WorkerHarness.HOST, hugePaths(kafka), null);
                h.awaitDeadLetter("not signed", WAIT);
                final BackupCommand next = WorkerHarness.command(Action.FULL).build();
                h.send(next);
                h.await(r -> r.getCommandId().equals(next.getId()) && r.getStatus() == CommandStatus.SUCCEEDED, WAIT);
                assertTrue(worker.failure() == null, () -> "the worker stopped: " + worker.failure());
            }
        }
    }

    /**
     * @return a command of a few dozen bytes whose {@code paths} claim 2^31 - 9 entries: decoding it allocates an array
     *     of that many references (16 GiB), more than a test JVM's heap
     */
    private static byte[] hugePaths(final TestKafka kafka) throws Exception {
        final String topic = Topics.COMMANDS.withPrefix(kafka.prefix()).name();
        final byte[] real = Topics.COMMANDS.valueSerde().serializer().serialize(topic,
                WorkerHarness.command(Action.RESTORE).build());
        final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(real, 0, 10); // single-object header: marker and the schema's fingerprint
        final org.apache.avro.io.BinaryEncoder e = org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
        e.writeString("bomb");
        e.writeString(WorkerHarness.HOST);
        e.writeLong(Instant.now().toEpochMilli());
        e.writeString("ds");
        e.writeEnum(Action.RESTORE.ordinal());
        e.writeString(""); // decisionId
        e.writeString(""); // reason
        e.writeIndex(0); // snapshot: null
        e.writeIndex(0); // beforeTime: null
        e.writeArrayStart();
        e.setItemCount(Integer.MAX_VALUE - 9);
        e.flush();
        return out.toByteArray();
    }

    @Test
    void shouldSkipCommandsOfOtherHostsOnItsPartitionAndSayWhereTheRegistryDisagrees(final TestKafka kafka,
                                                                                   @TempDir final Path dir)
            throws Exception {
        try (WorkerHarness h = new WorkerHarness(kafka, dir)) {
            Files.writeString(h.dataset.resolve("f.txt"), "x");
            // registered with another path than the worker's: an approved restore would not land where proposed
            h.register(dev.vigil.schemas.DatasetSpec.newBuilder().setId("ds").setHost(WorkerHarness.HOST)
                    .setTime(java.time.Instant.now()).setPath("/srv/elsewhere").setRepository(dir.resolve("repo")
                            .toString()).build());
            final int partitions = Topics.COMMANDS.partitions();
            String other = null;
            for (int i = 0; other == null; i++) {
                if (HostPartition.of("other-" + i, partitions) == HostPartition.of(WorkerHarness.HOST, partitions)) {
                    other = "other-" + i;
                }
            }
            try (WorkerService worker = WorkerService.start(new WorkerConfig(h.config()))) {
                final BackupCommand notMine = WorkerHarness.command(Action.FULL).setHost(other).build();
                h.send(notMine);
                final BackupCommand mine = WorkerHarness.command(Action.FULL).build();
                h.send(mine);
                h.await(r -> r.getCommandId().equals(mine.getId()) && r.getStatus() == CommandStatus.SUCCEEDED, WAIT);
                assertTrue(h.results(notMine.getId()).isEmpty(), "another host's command is not this worker's");
                final long deadline = System.nanoTime() + WAIT.toNanos();
                while (worker.registryDisagreements() == null && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertEquals(1, worker.registryDisagreements().size(), String.valueOf(worker.registryDisagreements()));
                assertTrue(worker.registryDisagreements().get(0).startsWith("dataset ds: the registry says path "
                        + "/srv/elsewhere"), worker.registryDisagreements().get(0));
                // A second worker for the host would read the same partition and run every command twice.
                final BackupException twice = org.junit.jupiter.api.Assertions.assertThrows(BackupException.class,
                        () -> WorkerService.start(new WorkerConfig(h.config())));
                assertTrue(twice.getMessage().contains("in use by another worker"), twice.getMessage());
            }
        }
    }

    @Test
    void shouldForgetByTheRetentionTheCommandCarriesElseByItsOwnSettings(final TestKafka kafka,
                                                                        @TempDir final Path dir) throws Exception {
        try (WorkerHarness h = new WorkerHarness(kafka, dir)) {
            Files.writeString(h.dataset.resolve("f.txt"), "x");
            final Map<String, String> config = new java.util.HashMap<>(h.config());
            config.put("dataset.ds.keep.last", "1");
            try (WorkerService worker = WorkerService.start(new WorkerConfig(config))) {
                for (int i = 0; i < 4; i++) {
                    finish(h, WorkerHarness.command(Action.FULL).build(), CommandStatus.SUCCEEDED);
                }
                assertEquals(4, snapshots(h));
                final List<String> before = snapshotIds(h);
                // The dataset's retention from the registry, as the decision engine sends it, wins over the worker's.
                final String kept = finish(h, WorkerHarness.command(Action.FORGET).setRetention(Retention.newBuilder()
                        .setKeepLast(2).setKeepHourly(0).setKeepDaily(0).setKeepWeekly(0).setKeepMonthly(0)
                        .setKeepYearly(0).build()).build(), CommandStatus.SUCCEEDED);
                assertTrue(kept.contains("2 snapshots of ds forgotten (keep last 2, hourly 0"), kept);
                assertEquals(2, snapshots(h));
                // the result names the snapshots that went: the audit trail of what retention deleted
                final List<String> gone = new java.util.ArrayList<>(before);
                gone.removeAll(snapshotIds(h));
                assertEquals(2, gone.size());
                for (final String g : gone) {
                    assertTrue(kept.contains(g.substring(0, 8)), kept + " names " + g);
                }
                final String refused = finish(h, WorkerHarness.command(Action.FORGET).setRetention(Retention.newBuilder()
                        .setKeepLast(0).setKeepHourly(0).setKeepDaily(0).setKeepWeekly(0).setKeepMonthly(0)
                        .setKeepYearly(0).build()).build(), CommandStatus.FAILED);
                assertTrue(refused.contains("keeps nothing"), refused);
                assertEquals(2, snapshots(h));
                // A command without one: the worker's dataset.ds.keep.* (last 1; daily 7 keeps the same one).
                final String own = finish(h, WorkerHarness.command(Action.FORGET).build(), CommandStatus.SUCCEEDED);
                assertTrue(own.contains("1 snapshots of ds forgotten (keep last 1, hourly 0, daily 7"), own);
                assertEquals(1, snapshots(h));
            }
        }
    }

    private static String finish(final WorkerHarness h, final BackupCommand cmd, final CommandStatus status)
            throws Exception {
        h.send(cmd);
        return h.await(r -> r.getCommandId().equals(cmd.getId()) && r.getStatus() == status, WAIT).getMessage();
    }

    private static int snapshots(final WorkerHarness h) {
        return snapshotIds(h).size();
    }

    private static List<String> snapshotIds(final WorkerHarness h) {
        try (Repository repo = Repository.open(new LocalBackend(h.dir.resolve("repo"), false),
                "worker-test-password".toCharArray())) {
            return new SnapshotStore(repo).list().stream().map(Snapshot::id).toList();
        }
    }

    private static void expectRejected(final WorkerHarness h, final BackupCommand cmd, final String why) {
        h.await(x -> x.getCommandId().equals(cmd.getId()) && x.getStatus() == CommandStatus.REJECTED
                && x.getMessage().contains(why), WAIT);
    }
}
