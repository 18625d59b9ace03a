package dev.vigil.backup.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.backup.TestRepos;
import dev.vigil.backup.archiver.ArchiveOptions;
import dev.vigil.backup.archiver.Archiver;
import dev.vigil.backup.archiver.Level;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.snapshot.Snapshot;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An off-site copy gets every snapshot it can read; one whose data is damaged is named, not a reason to stop. */
class SnapshotCopierTest {
    @TempDir
    Path tmp;

    private static List<Path> packs(final Path repo) throws Exception {
        try (Stream<Path> s = Files.walk(repo.resolve("data"))) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

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
            final List<Path> ofA = packs(tmp.resolve("repo"));
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
}
