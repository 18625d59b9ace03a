package dev.vigil.backup.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.backup.app.WorkerConfig;
import dev.vigil.schemas.Action;
import dev.vigil.schemas.BackupCommand;
import dev.vigil.schemas.CommandStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The executor against a real repository and real directories. */
class CommandExecutorTest {
    @TempDir
    Path dir;

    private BackupCommand.Builder command(final Action action) {
        return BackupCommand.newBuilder().setId(UUID.randomUUID().toString()).setHost("h").setTime(Instant.now())
                .setDataset("ds").setAction(action);
    }

    @Test
    void shouldCheckTheRestoreTargetAgainWhenItWritesNotOnlyWhenTheCommandCame() throws Exception {
        Files.writeString(Files.createDirectories(dir.resolve("data")).resolve("f.txt"), "x");
        dev.vigil.backup.TestRepos.passwordFile(dir.resolve("pw"), "pw");
        final Path roots = Files.createDirectories(dir.resolve("restores"));
        final Path alice = Files.createDirectories(roots.resolve("alice")); // say, a user's, who may rename it
        final Path outside = Files.createDirectories(dir.resolve("etc"));
        final CommandExecutor executor = new CommandExecutor(new WorkerConfig(Map.of(
                "worker.datasets", "ds",
                "dataset.ds.path", dir.resolve("data").toString(),
                "dataset.ds.repository", dir.resolve("repo").toString(),
                "dataset.ds.password.file", dir.resolve("pw").toString(),
                "worker.command.public.key.file", dir.resolve("engine.key.pub").toString(),
                "worker.restore.allowed.roots", roots.toString(),
                "worker.state.dir", dir.resolve("state").toString(),
                "worker.fsync", "false")), Clock.systemUTC(), null);
        assertEquals(CommandStatus.SUCCEEDED, executor.execute(command(Action.FULL).build(), p -> { }).status());
        final BackupCommand restore = command(Action.RESTORE).setTarget(alice.resolve("x").toString()).build();
        assertNull(executor.refuse(restore));

        // between the check and the restore, alice's directory becomes a link to a place outside the roots
        Files.move(alice, roots.resolve("alice.old"));
        Files.createSymbolicLink(alice, outside);
        final Outcome o = executor.execute(restore, p -> { });

        try (Stream<Path> in = Files.list(outside)) {
            assertEquals(List.of(), in.toList(), "the restore wrote where the link points: " + o.message());
        }
        assertEquals(CommandStatus.REJECTED, o.status());
        assertTrue(o.message().contains("outside the allowed roots"), o.message());
    }

    @Test
    void shouldRefuseAnEmptiedDatasetButBackUpASpoolWhoseLossGuardIsOff() throws Exception {
        dev.vigil.backup.TestRepos.passwordFile(dir.resolve("pw"), "pw");
        final Map<String, String> config = new java.util.HashMap<>(Map.of(
                "worker.datasets", "db,spool",
                "worker.command.public.key.file", dir.resolve("engine.key.pub").toString(),
                "worker.state.dir", dir.resolve("state").toString(),
                "worker.fsync", "false",
                "dataset.spool.loss.protect.ratio", "0"));
        for (final String ds : List.of("db", "spool")) {
            Files.writeString(Files.createDirectories(dir.resolve(ds)).resolve("f.txt"), "x");
            config.put("dataset." + ds + ".path", dir.resolve(ds).toString());
            config.put("dataset." + ds + ".repository", dir.resolve("repo-" + ds).toString());
            config.put("dataset." + ds + ".password.file", dir.resolve("pw").toString());
        }
        final CommandExecutor executor = new CommandExecutor(new WorkerConfig(config), Clock.systemUTC(), null);
        for (final String ds : List.of("db", "spool")) {
            assertEquals(CommandStatus.SUCCEEDED, executor.execute(command(Action.FULL).setDataset(ds).build(),
                    p -> { }).status());
            Files.delete(dir.resolve(ds).resolve("f.txt"));
        }

        final Outcome db = executor.execute(command(Action.INCREMENTAL).setDataset("db").build(), p -> { });
        assertEquals(CommandStatus.FAILED, db.status(), db.message());
        assertFalse(db.retriable());
        assertTrue(db.message().contains("is empty, but its last snapshot") && db.message().contains("--dataset db "
                + "--allow-empty " + dir.resolve("db")), db.message());
        // a spool empties by design: dataset.spool.loss.protect.ratio=0 backs it up as it is, protecting nothing
        final Outcome spool = executor.execute(command(Action.INCREMENTAL).setDataset("spool").build(), p -> { });
        assertEquals(CommandStatus.SUCCEEDED, spool.status(), spool.message());
        assertNull(spool.protectedSnapshotId(), spool.message());
    }

    @Test
    void shouldNameTheProtectedSnapshotAgainWhenACommandRunsAgainAfterACrashThatLostItsResult() throws Exception {
        dev.vigil.backup.TestRepos.passwordFile(dir.resolve("pw"), "pw");
        final Path data = Files.createDirectories(dir.resolve("data"));
        for (int i = 0; i < 10; i++) {
            Files.writeString(data.resolve("f" + i), "file " + i);
        }
        final CommandExecutor executor = new CommandExecutor(new WorkerConfig(Map.of(
                "worker.datasets", "ds",
                "dataset.ds.path", data.toString(),
                "dataset.ds.repository", dir.resolve("repo").toString(),
                "dataset.ds.password.file", dir.resolve("pw").toString(),
                "worker.command.public.key.file", dir.resolve("engine.key.pub").toString(),
                "worker.state.dir", dir.resolve("state").toString(),
                "worker.fsync", "false")), Clock.systemUTC(), null);
        assertEquals(CommandStatus.SUCCEEDED, executor.execute(command(Action.FULL).build(), p -> { }).status());
        for (int i = 1; i < 10; i++) {
            Files.delete(data.resolve("f" + i));
        }
        // the first run of the command saved its snapshot (and protected the one before) and was killed before its
        // result went out: the ledger runs it again, and it reports that snapshot
        final BackupCommand cmd = command(Action.INCREMENTAL).build();
        final String kept;
        try (dev.vigil.backup.repository.Repository repo = dev.vigil.backup.repository.Repository.open(
                new dev.vigil.backup.backend.LocalBackend(dir.resolve("repo"), false), "pw".toCharArray())) {
            kept = new dev.vigil.backup.archiver.Archiver(repo, Clock.systemUTC()).backup(data,
                    new dev.vigil.backup.archiver.ArchiveOptions("ds", dev.vigil.backup.archiver.Level.INCREMENTAL,
                            List.of(), false, cmd.getId(), null, null, 1, null), null).loss().kept().id();
        }
        final Outcome again = executor.execute(cmd, p -> { });
        assertEquals(CommandStatus.SUCCEEDED, again.status(), again.message());
        assertEquals(kept, again.protectedSnapshotId(), again.message());
        assertTrue(again.message().contains("is protected, so that no retention forgets it"), again.message());
    }

    @Test
    void shouldReadTheSnapshotsOnceForABackupCommandAndOnceWhenItRunsAgain() throws Exception {
        dev.vigil.backup.TestRepos.passwordFile(dir.resolve("pw"), "pw");
        final Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(data.resolve("f.txt"), "x");
        final CommandExecutor executor = new CommandExecutor(new WorkerConfig(Map.of(
                "worker.datasets", "ds",
                "dataset.ds.path", data.toString(),
                "dataset.ds.repository", dir.resolve("repo").toString(),
                "dataset.ds.password.file", dir.resolve("pw").toString(),
                "worker.command.public.key.file", dir.resolve("engine.key.pub").toString(),
                "worker.state.dir", dir.resolve("state").toString(),
                "worker.fsync", "false")), Clock.systemUTC(), null);
        assertEquals(CommandStatus.SUCCEEDED, executor.execute(command(Action.FULL).build(), p -> { }).status());
        // Each listing of the snapshots reads and decrypts every snapshot file, and warns once of each one it cannot
        // read: with a damaged one among them, the warnings count the listings.
        final String damaged = "ab".repeat(32);
        Files.write(dir.resolve("repo/snapshots").resolve(damaged), new byte[100]);
        final ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                dev.vigil.backup.snapshot.SnapshotStore.class);
        final ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> warnings =
                new ch.qos.logback.core.read.ListAppender<>();
        warnings.start();
        log.addAppender(warnings);
        try {
            final BackupCommand cmd = command(Action.INCREMENTAL).build();
            final Outcome first = executor.execute(cmd, p -> { });
            assertEquals(CommandStatus.SUCCEEDED, first.status(), first.message());
            assertEquals(1, listings(warnings, damaged), "listings of the snapshots by one backup");
            warnings.list.clear();
            // run again (the ledger after a crash that lost the result): it finds its snapshot
            final Outcome again = executor.execute(cmd, p -> { });
            assertEquals(first.snapshotId(), again.snapshotId(), again.message());
            assertEquals(1, listings(warnings, damaged), "listings of the snapshots by a backup run again");
        } finally {
            log.detachAppender(warnings);
        }
    }

    private static long listings(final ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>
                                         log, final String damaged) {
        return log.list.stream().filter(e -> e.getFormattedMessage().contains(damaged.substring(0, 8))).count();
    }

    @Test
    void shouldRefuseAPasswordFileMadeReadableByEveryUserAfterTheStart() throws Exception {
        Files.createDirectories(dir.resolve("data"));
        final Path pw = dev.vigil.backup.TestRepos.passwordFile(dir.resolve("pw"), "pw");
        final CommandExecutor executor = new CommandExecutor(new WorkerConfig(Map.of(
                "worker.datasets", "ds",
                "dataset.ds.path", dir.resolve("data").toString(),
                "dataset.ds.repository", dir.resolve("repo").toString(),
                "dataset.ds.password.file", pw.toString(),
                "worker.command.public.key.file", dir.resolve("engine.key.pub").toString(),
                "worker.state.dir", dir.resolve("state").toString(),
                "worker.fsync", "false")), Clock.systemUTC(), null);
        Files.setPosixFilePermissions(pw, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));

        final Outcome o = executor.execute(command(Action.FULL).build(), p -> { });

        assertEquals(CommandStatus.FAILED, o.status(), o.message());
        assertTrue(o.message().contains(pw + ": readable or writable by every user") && o.message().contains(
                "chmod 600"), o.message());
        assertFalse(Files.exists(dir.resolve("repo")), "nothing was created with a password others may have read");
    }

    @Test
    void shouldRestoreAndCopyBySnapshotIdsTheEngineNotedBeforeTheLossGuardProtectedTheSnapshot() throws Exception {
        dev.vigil.backup.TestRepos.passwordFile(dir.resolve("pw"), "pw");
        final Path data = Files.createDirectories(dir.resolve("data"));
        for (int i = 0; i < 10; i++) {
            Files.writeString(data.resolve("f" + i), "file " + i);
        }
        final Path roots = Files.createDirectories(dir.resolve("restores"));
        final CommandExecutor executor = new CommandExecutor(new WorkerConfig(Map.of(
                "worker.datasets", "ds",
                "dataset.ds.path", data.toString(),
                "dataset.ds.repository", dir.resolve("repo").toString(),
                "dataset.ds.password.file", dir.resolve("pw").toString(),
                "dataset.ds.offsite.repository", dir.resolve("offsite").toString(),
                "dataset.ds.offsite.password.file", dir.resolve("pw").toString(),
                "worker.command.public.key.file", dir.resolve("engine.key.pub").toString(),
                "worker.restore.allowed.roots", roots.toString(),
                "worker.state.dir", dir.resolve("state").toString(),
                "worker.fsync", "false")), Clock.systemUTC(), null);
        final String noted = executor.execute(command(Action.FULL).build(), p -> { }).snapshotId();
        for (int i = 1; i < 10; i++) {
            Files.delete(data.resolve("f" + i));
        }
        final String kept = executor.execute(command(Action.INCREMENTAL).build(), p -> { }).protectedSnapshotId();
        assertFalse(noted.equals(kept), "the protected copy has a new id");

        final Outcome restored = executor.execute(command(Action.RESTORE).setSnapshot(noted)
                .setTarget(roots.resolve("r").toString()).build(), p -> { });
        assertEquals(CommandStatus.SUCCEEDED, restored.status(), restored.message());
        assertEquals(kept, restored.snapshotId(), restored.message());
        assertTrue(restored.message().startsWith("snapshot " + noted + " was replaced by " + kept.substring(0, 8)),
                restored.message());
        assertEquals("file 9", Files.readString(roots.resolve("r/f9")));
        final Outcome copied = executor.execute(command(Action.MIGRATE).setSnapshot(noted.substring(0, 8)).build(),
                p -> { });
        assertTrue(copied.message().startsWith("1 snapshots copied"), copied.message());
    }

    @Test
    void shouldSaveWhatARestoreOntoTheDatasetReplacesSoThatAnEditMadeAfterTheIncidentIsNotLost() throws Exception {
        dev.vigil.backup.TestRepos.passwordFile(dir.resolve("pw"), "pw");
        final Path data = Files.createDirectories(dir.resolve("data"));
        for (int i = 0; i < 10; i++) {
            Files.writeString(data.resolve("f" + i), "file " + i);
        }
        final Path roots = Files.createDirectories(dir.resolve("restores"));
        final CommandExecutor executor = new CommandExecutor(new WorkerConfig(Map.of(
                "worker.datasets", "ds",
                "dataset.ds.path", data.toString(),
                "dataset.ds.repository", dir.resolve("repo").toString(),
                "dataset.ds.password.file", dir.resolve("pw").toString(),
                "worker.command.public.key.file", dir.resolve("engine.key.pub").toString(),
                "worker.restore.allowed.roots", roots.toString(),
                "worker.state.dir", dir.resolve("state").toString(),
                "worker.fsync", "false")), Clock.systemUTC(), null);
        assertEquals(CommandStatus.SUCCEEDED, executor.execute(command(Action.FULL).build(), p -> { }).status());
        Thread.sleep(5);
        final Instant attack = Instant.now();
        // half the files encrypted in place, an evidence snapshot of that, then an operator's edit of another file
        for (int i = 0; i < 5; i++) {
            Files.write(data.resolve("f" + i), new java.security.SecureRandom().generateSeed(64));
        }
        executor.execute(command(Action.INCREMENTAL).setTags(List.of(dev.vigil.schemas.SnapshotTags.EVIDENCE))
                .build(), p -> { });
        Files.writeString(data.resolve("f9"), "file 9, edited after the attack");

        final BackupCommand restore = command(Action.RESTORE).setBeforeTime(attack).setOverwrite(true).build();
        final Outcome restored = executor.execute(restore, p -> { });
        assertEquals(CommandStatus.SUCCEEDED, restored.status(), restored.message());
        assertEquals("file 0", Files.readString(data.resolve("f0")));
        assertEquals("file 9", Files.readString(data.resolve("f9")), "the restore puts back all of its snapshot");
        final java.util.regex.Matcher saved = java.util.regex.Pattern.compile("in snapshot ([0-9a-f]{8}) \\(evidence")
                .matcher(restored.message());
        assertTrue(saved.find(), restored.message());
        final Outcome back = executor.execute(command(Action.RESTORE).setSnapshot(saved.group(1))
                .setTarget(roots.resolve("r").toString()).build(), p -> { });
        assertEquals(CommandStatus.SUCCEEDED, back.status(), back.message());
        assertEquals("file 9, edited after the attack", Files.readString(roots.resolve("r/f9")));
        // run again after a kill (the ledger says so): the snapshot taken before the first run wrote anything stays
        // the one named, not one of the tree that run restored
        final Outcome again = executor.execute(restore, p -> { }, true);
        assertTrue(again.message().contains("in snapshot " + saved.group(1) + " (evidence"), again.message());
    }

    @Test
    void shouldPutBackTheChosenPathsOverWhatIsThereAndLeaveTheDatasetsOtherFilesAsTheyAre() throws Exception {
        dev.vigil.backup.TestRepos.passwordFile(dir.resolve("pw"), "pw");
        final Path data = Files.createDirectories(dir.resolve("data"));
        for (int i = 0; i < 10; i++) {
            Files.writeString(data.resolve("f" + i), "file " + i);
        }
        final CommandExecutor executor = new CommandExecutor(new WorkerConfig(Map.of(
                "worker.datasets", "ds",
                "dataset.ds.path", data.toString(),
                "dataset.ds.repository", dir.resolve("repo").toString(),
                "dataset.ds.password.file", dir.resolve("pw").toString(),
                "worker.command.public.key.file", dir.resolve("engine.key.pub").toString(),
                "worker.state.dir", dir.resolve("state").toString(),
                "worker.fsync", "false")), Clock.systemUTC(), null);
        assertEquals(CommandStatus.SUCCEEDED, executor.execute(command(Action.FULL).build(), p -> { }).status());
        Files.writeString(data.resolve("f8"), "file 8, edited before the attack");
        Thread.sleep(5);
        final Instant attack = Instant.now();
        // five files encrypted in place, one written as an encrypted copy and deleted, and a later edit of another
        for (int i = 0; i < 5; i++) {
            Files.write(data.resolve("f" + i), new java.security.SecureRandom().generateSeed(64));
        }
        Files.write(data.resolve("f5.locked"), new java.security.SecureRandom().generateSeed(64));
        Files.delete(data.resolve("f5"));
        Files.writeString(data.resolve("f9"), "file 9, edited after the attack");

        // what the engine's RESTORE of the paths a run rewrote or deleted carries (CommandFactory)
        final Outcome restored = executor.execute(command(Action.RESTORE).setBeforeTime(attack)
                .setPaths(List.of("f0", "f1", "f2", "f3", "f4", "f5.locked", "f5")).setOverwrite(true)
                .setMissingOnly(false).build(), p -> { });

        assertEquals(CommandStatus.SUCCEEDED, restored.status(), restored.message());
        for (int i = 0; i < 6; i++) {
            assertEquals("file " + i, Files.readString(data.resolve("f" + i)), restored.message());
        }
        assertEquals("file 8, edited before the attack", Files.readString(data.resolve("f8")));
        assertEquals("file 9, edited after the attack", Files.readString(data.resolve("f9")));
        assertTrue(Files.exists(data.resolve("f5.locked")), "a file the snapshot lacks stays, as a whole restore's");
        assertTrue(restored.message().contains("1 paths in no snapshot"), restored.message());
        assertTrue(restored.message().contains("(evidence, protected), taken just before"), restored.message());
    }

    @Test
    void shouldRestoreNothingOntoTheEmptyMountPointOfAFileSystemNotMountedButOntoANewOneMountedThere()
            throws Exception {
        dev.vigil.backup.TestRepos.passwordFile(dir.resolve("pw"), "pw");
        final Path data = Files.createDirectories(dir.resolve("data"));
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.vigil.backup.TestShell.succeeds(
                "mount -t tmpfs -o size=4m tmpfs " + data), "mount tmpfs (root)");
        try {
            Files.writeString(data.resolve("f0"), "file 0");
            Files.writeString(data.resolve("f1"), "file 1");
            final CommandExecutor executor = new CommandExecutor(new WorkerConfig(Map.of(
                    "worker.datasets", "ds",
                    "dataset.ds.path", data.toString(),
                    "dataset.ds.repository", dir.resolve("repo").toString(),
                    "dataset.ds.password.file", dir.resolve("pw").toString(),
                    "worker.command.public.key.file", dir.resolve("engine.key.pub").toString(),
                    "worker.state.dir", dir.resolve("state").toString(),
                    "worker.fsync", "false")), Clock.systemUTC(), null);
            assertEquals(CommandStatus.SUCCEEDED, executor.execute(command(Action.FULL).build(), p -> { }).status());
            assertTrue(dev.vigil.backup.TestShell.succeeds("umount " + data));
            // the collector then reports every file deleted, and the engine proposes to restore the missing ones
            final BackupCommand restore = command(Action.RESTORE).setBeforeTime(Instant.now())
                    .setPaths(List.of("f0", "f1")).setOverwrite(true).setMissingOnly(true).build();

            final Outcome o = executor.execute(restore, p -> { });

            try (Stream<Path> in = Files.list(data)) {
                assertEquals(List.of(), in.toList(), "restored onto the file system below the mount point: "
                        + o.message());
            }
            assertEquals(CommandStatus.FAILED, o.status(), o.message());
            assertTrue(o.message().contains("not mounted"), o.message());

            // a new disk, empty, mounted there: that restore is wanted
            assertTrue(dev.vigil.backup.TestShell.succeeds("mount -t tmpfs -o size=4m tmpfs " + data));
            final Outcome again = executor.execute(command(Action.RESTORE).setBeforeTime(Instant.now())
                    .setPaths(List.of("f0", "f1")).setOverwrite(true).setMissingOnly(true).build(), p -> { });
            assertEquals(CommandStatus.SUCCEEDED, again.status(), again.message());
            assertEquals("file 1", Files.readString(data.resolve("f1")));
        } finally {
            dev.vigil.backup.TestShell.succeeds("umount " + data);
        }
    }
}
