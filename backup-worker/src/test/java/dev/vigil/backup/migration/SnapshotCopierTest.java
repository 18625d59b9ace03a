package dev.vigil.backup.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.backup.BackupException;
import dev.vigil.backup.TestRepos;
import dev.vigil.backup.archiver.ArchiveOptions;
import dev.vigil.backup.archiver.Archiver;
import dev.vigil.backup.archiver.Level;
import dev.vigil.backup.backend.Backend;
import dev.vigil.backup.checker.Checker;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.restorer.RestoreOptions;
import dev.vigil.backup.restorer.Restorer;
import dev.vigil.backup.snapshot.Snapshot;
import dev.vigil.backup.snapshot.SnapshotStore;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An off-site copy gets every snapshot it can read; one whose data is damaged is named, not a reason to stop. */
class SnapshotCopierTest {
    @TempDir
    Path tmp;

    @Test
    void shouldCopyTheOtherSnapshotsAndNameTheOneWhoseDataIsDamaged() throws Exception {
        final Path a = Files.createDirectories(tmp.resolve("a"));
        final Path b = Files.createDirectories(tmp.resolve("b"));
        final byte[] bytes = new byte[1 << 20];
        new Random(1).nextBytes(bytes);
        Files.write(a.resolve("a.bin"), bytes);
        new Random(2).nextBytes(bytes);
        Files.write(b.resolve("b.bin"), bytes);
        final Snapshot first;
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            final Archiver archiver = new Archiver(repo, Clock.systemUTC());
            first = archiver.backup(a, ArchiveOptions.of("a", Level.FULL), null).snapshot();
            final List<Path> ofA = TestRepos.packFiles(tmp.resolve("repo"));
            archiver.backup(b, ArchiveOptions.of("b", Level.FULL), null);
            for (final Path pack : ofA) {
                try (RandomAccessFile raf = new RandomAccessFile(pack.toFile(), "rw")) {
                    raf.seek(100);
                    final int x = raf.read();
                    raf.seek(100);
                    raf.write(x ^ 0x10);
                }
            }
        }
        try (Repository repo = TestRepos.open(tmp.resolve("repo"));
             Repository offsite = TestRepos.create(tmp.resolve("offsite"))) {
            final SnapshotCopier.Result r = new SnapshotCopier(repo, offsite).copy(s -> true);
            assertEquals(1, r.copied().size(), r.toString());
            assertEquals(1, r.damaged().size(), r.toString());
            assertTrue(r.damaged().get(0).startsWith("snapshot " + first.shortId() + " (a): "), r.damaged().get(0));
        }
    }

    @Test
    void shouldIndexThePacksAFailedCopyWroteWholeSoTheNextCopyStoresOnlyTheRest() throws Exception {
        final Path src = Files.createDirectories(tmp.resolve("src"));
        long size = 0;
        for (int i = 0; i < 6; i++) {
            final byte[] data = new byte[700 << 10]; // random: about 4 MiB of 1 MiB packs in all
            new Random(20 + i).nextBytes(data);
            size += Files.write(src.resolve("file" + i), data).toFile().length();
        }
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            new Archiver(repo, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds", Level.FULL), null);
        }
        final Path dir = tmp.resolve("offsite");
        TestRepos.create(dir).close();
        // a real target on disk whose file system fills up at the 4th pack: an index file, small, still fits
        final Backend filling = TestRepos.fullFromPack(dir, 4);
        final BackupException e = assertThrows(BackupException.class, () -> {
            try (Repository repo = TestRepos.open(tmp.resolve("repo"));
                 Repository offsite = Repository.open(filling, TestRepos.PASSWORD)) {
                new SnapshotCopier(repo, offsite).copy(s -> true);
            }
        });
        assertTrue(e.getMessage().contains("No space left"), "the reason: " + e);
        assertEquals(3, TestRepos.packFiles(dir).size(), "the packs written before the disk was full");

        try (Repository repo = TestRepos.open(tmp.resolve("repo")); Repository offsite = TestRepos.open(dir)) {
            final Checker.Report afterFailure = new Checker(offsite).check(0, 1);
            assertTrue(afterFailure.ok(), afterFailure.errors().toString());
            assertTrue(afterFailure.hints().stream().noneMatch(h -> h.contains("not indexed")),
                    "every pack written whole is indexed: " + afterFailure.hints());
            final SnapshotCopier.Result next = new SnapshotCopier(repo, offsite).copy(s -> true);
            assertEquals(1, next.copied().size(), next.toString());
            assertTrue(next.bytesAdded() < size - (2 << 20), "the 3 packs of the failed copy are re-used: "
                    + next.bytesAdded() + " of " + size + " bytes added");
            final Path out = tmp.resolve("out");
            new Restorer(offsite).restore(new SnapshotStore(offsite).resolve("latest", null), out,
                    RestoreOptions.defaults(), null);
            assertEquals(TestRepos.manifest(src), TestRepos.manifest(out));
            assertTrue(new Checker(offsite).check(1.0, 1).ok());
        }
    }

    @Test
    void shouldCopyASnapshotLeftBesideItsProtectedCopyByACrashOnceAndProtected() throws Exception {
        final Path a = Files.createDirectories(tmp.resolve("a"));
        Files.writeString(a.resolve("f.txt"), "the data");
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            final Snapshot old = new Archiver(repo, Clock.systemUTC()).backup(a, ArchiveOptions.of("a", Level.FULL),
                    null).snapshot();
            // what a crash between the protect's save and its remove of the old file leaves: both files
            new SnapshotStore(repo).save(old.protectedCopy());
        }
        try (Repository repo = TestRepos.open(tmp.resolve("repo"));
             Repository offsite = TestRepos.create(tmp.resolve("offsite"))) {
            final SnapshotCopier.Result r = new SnapshotCopier(repo, offsite).copy(s -> true);
            final List<Snapshot> there = new SnapshotStore(offsite).list();
            assertEquals(1, there.size(), r + " " + there);
            assertTrue(there.get(0).protectedSnapshot(), there.toString());
            assertEquals(1, r.skipped().size(), r.toString());
            assertEquals(List.of(), new SnapshotCopier(repo, offsite).copy(s -> true).copied().values().stream()
                    .toList(), "copied again");
        }
    }
}
