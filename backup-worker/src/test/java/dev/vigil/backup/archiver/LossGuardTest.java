package dev.vigil.backup.archiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.backup.TestRepos;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.retention.RetentionPolicy;
import dev.vigil.backup.snapshot.Snapshot;
import dev.vigil.backup.snapshot.SnapshotStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dataset emptied, unmounted or truncated must not cost its good snapshots: the next backup of an empty directory is
 * refused, and one that lost most of the files or bytes protects the snapshot before it from retention.
 */
class LossGuardTest {
    @TempDir
    Path tmp;

    @Test
    void shouldRefuseAnEmptyDatasetDirectoryWhoseLastSnapshotHasFilesAtAnyLevelAndWriteNothing() throws Exception {
        final Path data = files(tmp.resolve("data"), 12, 1000);
        backup(data, Level.FULL, ArchiveOptions.DEFAULT_LOSS_RATIO, false);
        empty(data); // the mount point of a file system not mounted, or rm -rf data/*
        for (final Level level : Level.values()) {
            final EmptySourceException e = assertThrows(EmptySourceException.class,
                    () -> backup(data, level, ArchiveOptions.DEFAULT_LOSS_RATIO, false));
            assertTrue(e.getMessage().contains(data + " is empty, but its last snapshot ")
                    && e.getMessage().contains(" holds 12 files (") && e.getMessage().contains("not mounted"),
                    e.getMessage());
        }
        assertEquals(1, snapshots().size(), "nothing backed up: keep-last 1 still keeps the files");
        assertEquals(0, TestRepos.packFiles(tmp.resolve("repo")).size() - packsAfterLastBackup,
                "refused before anything was written");
    }

    @Test
    void shouldBackUpAnEmptyDirectoryWhenAllowedAndProtectTheSnapshotThatHeldTheFiles() throws Exception {
        final Path data = files(tmp.resolve("data"), 12, 1000);
        final Snapshot good = backup(data, Level.FULL, ArchiveOptions.DEFAULT_LOSS_RATIO, false).snapshot();
        empty(data);
        final Archiver.Result r = backup(data, Level.INCREMENTAL, ArchiveOptions.DEFAULT_LOSS_RATIO, true);
        assertNotNull(r.loss(), "a loss of every file");
        assertEquals(good.tree(), r.loss().kept().tree());
        assertTrue(r.loss().kept().protectedSnapshot());
        assertEquals(r.loss().kept().id(), r.snapshot().parent(), "the new snapshot names its parent's new id");
        assertKeptByKeepLastOne(good.tree());
    }

    @Test
    void shouldProtectTheLastSnapshotWhenABackupLosesMostOfItsFilesAndSaySo() throws Exception {
        final Path data = files(tmp.resolve("data"), 10, 1000);
        final Snapshot good = backup(data, Level.INCREMENTAL, ArchiveOptions.DEFAULT_LOSS_RATIO, false).snapshot();
        for (int i = 0; i < 6; i++) {
            Files.delete(data.resolve("f" + i));
        }
        final Archiver.Result r = backup(data, Level.INCREMENTAL, ArchiveOptions.DEFAULT_LOSS_RATIO, false);
        assertNotNull(r.loss(), "6 of 10 files gone");
        assertTrue(r.loss().message().contains("holds 4 files (") && r.loss().message().contains(" 10 files (")
                && r.loss().message().contains("is protected now (it was " + good.shortId() + ")"),
                r.loss().message());
        assertFalse(snapshots().stream().anyMatch(s -> s.id().equals(good.id())), "the unprotected file is replaced");
        assertKeptByKeepLastOne(good.tree());
        // the next backup compares with the one after the loss: the same emptiness is not a new loss
        assertNull(backup(data, Level.INCREMENTAL, ArchiveOptions.DEFAULT_LOSS_RATIO, false).loss());
    }

    @Test
    void shouldProtectTheLastSnapshotWhenItsFilesAreTruncated() throws Exception {
        final Path data = files(tmp.resolve("data"), 10, 10_000);
        final Snapshot good = backup(data, Level.FULL, ArchiveOptions.DEFAULT_LOSS_RATIO, false).snapshot();
        for (int i = 0; i < 10; i++) {
            Files.write(data.resolve("f" + i), new byte[10]); // every file still there, 99.9% of the bytes gone
        }
        final Archiver.Result r = backup(data, Level.FULL, ArchiveOptions.DEFAULT_LOSS_RATIO, false);
        assertNotNull(r.loss());
        assertNull(r.snapshot().parent(), "a FULL has no parent, yet the last snapshot is protected");
        assertKeptByKeepLastOne(good.tree());
    }

    @Test
    void shouldNotProtectWhenLessThanTheRatioIsLostOrTheGuardIsOff() throws Exception {
        final Path data = files(tmp.resolve("data"), 10, 1000);
        backup(data, Level.INCREMENTAL, ArchiveOptions.DEFAULT_LOSS_RATIO, false);
        Files.delete(data.resolve("f0"));
        assertNull(backup(data, Level.INCREMENTAL, ArchiveOptions.DEFAULT_LOSS_RATIO, false).loss());
        for (int i = 1; i < 9; i++) {
            Files.delete(data.resolve("f" + i));
        }
        assertNull(backup(data, Level.INCREMENTAL, 0, false).loss(), "0 turns the guard off");
        assertTrue(snapshots().stream().noneMatch(Snapshot::protectedSnapshot));
    }

    @Test
    void shouldNameAnotherFileSystemUnderTheDatasetPath() throws Exception {
        // two file systems the test may write on: the temporary directory and /dev/shm (a tmpfs) on most Linux hosts
        final Path shm = Path.of("/dev/shm");
        Assumptions.assumeTrue(Files.isWritable(shm) && device(shm) != device(tmp), "no second file system");
        final Path other = Files.createTempDirectory(shm, "vigil-loss-guard");
        try {
            final Path link = tmp.resolve("dataset");
            Files.createSymbolicLink(link, files(tmp.resolve("data"), 10, 1000));
            backup(link, Level.INCREMENTAL, ArchiveOptions.DEFAULT_LOSS_RATIO, false);
            Files.delete(link);
            Files.createSymbolicLink(link, other); // the dataset's path now leads to an empty directory elsewhere
            final EmptySourceException e = assertThrows(EmptySourceException.class,
                    () -> backup(link, Level.INCREMENTAL, ArchiveOptions.DEFAULT_LOSS_RATIO, false));
            assertTrue(e.getMessage().contains("on another file system than then"), e.getMessage());
            files(other, 10, 1000); // the same files, on another device (a disk replaced, a remount)
            final Archiver.Result r = backup(link, Level.INCREMENTAL, ArchiveOptions.DEFAULT_LOSS_RATIO, false);
            assertTrue(r.notes().get(0).contains("is on another file system than at the last snapshot"),
                    r.notes().toString());
            assertNull(r.loss(), "nothing was lost");
        } finally {
            empty(other);
            Files.delete(other);
        }
    }

    private int packsAfterLastBackup;

    private Archiver.Result backup(final Path data, final Level level, final double ratio, final boolean allowEmpty)
            throws IOException {
        final Path dir = tmp.resolve("repo");
        try (Repository repo = Files.exists(dir) ? TestRepos.open(dir) : TestRepos.create(dir)) {
            final Archiver.Result r = new Archiver(repo, Clock.systemUTC()).backup(data,
                    ArchiveOptions.of("ds", level).withLossGuard(ratio, allowEmpty), null);
            packsAfterLastBackup = TestRepos.packFiles(dir).size();
            return r;
        }
    }

    private List<Snapshot> snapshots() {
        try (Repository repo = TestRepos.open(tmp.resolve("repo"))) {
            return new SnapshotStore(repo).list();
        }
    }

    /** Retention keeping only the last snapshot keeps the one that held the files too. */
    private void assertKeptByKeepLastOne(final String tree) {
        final List<RetentionPolicy.Decision> decisions = new RetentionPolicy(1, 0, 0, 0, 0, 0)
                .apply(snapshots(), ZoneOffset.UTC);
        assertTrue(decisions.stream().anyMatch(d -> d.keep() && d.snapshot().tree().equals(tree)
                && d.snapshot().protectedSnapshot()), decisions.toString());
    }

    private static Path files(final Path dir, final int n, final int size) throws IOException {
        Files.createDirectories(dir);
        for (int i = 0; i < n; i++) {
            final byte[] b = new byte[size];
            new java.util.Random(i).nextBytes(b);
            Files.write(dir.resolve("f" + i), b);
        }
        return dir;
    }

    private static void empty(final Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            for (final Path p : s.toList()) {
                Files.delete(p);
            }
        }
    }

    private static long device(final Path p) throws IOException {
        return FileStat.of(p.toRealPath()).device();
    }
}
