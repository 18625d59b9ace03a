package dev.vigil.backup.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.backup.BackupException;
import dev.vigil.backup.TestRepos;
import dev.vigil.backup.TestTrees;
import dev.vigil.backup.archiver.ArchiveOptions;
import dev.vigil.backup.archiver.Archiver;
import dev.vigil.backup.archiver.Level;
import dev.vigil.backup.backend.FileType;
import dev.vigil.backup.backend.Handle;
import dev.vigil.backup.index.IndexFile;
import dev.vigil.backup.pack.BlobType;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.retention.Pruner;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckerTest {
    @TempDir
    Path tmp;

    private Path repoWithBackup() throws Exception {
        final Path src = tmp.resolve("src");
        TestTrees.awkward(src, 4);
        for (int i = 0; i < 30; i++) {
            Files.writeString(src.resolve("small-" + i + ".txt"), "file " + i + " ".repeat(i * 37));
        }
        final Path dir = tmp.resolve("repo");
        try (Repository repo = TestRepos.create(dir)) {
            new Archiver(repo, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds", Level.FULL), null);
            assertTrue(new Checker(repo).check(1.0, 1).ok());
        }
        return dir;
    }

    private static void flipBit(final Path file, final long offset) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            final int b = raf.read();
            raf.seek(offset);
            raf.write(b ^ 0x10);
        }
    }

    private static List<Path> files(final Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    @Test
    void shouldReadAtLeastOnePackForAnyShareAndEveryPackOnceOverTheGroupsOfARotation() throws Exception {
        final Path dir = repoWithBackup();
        final Path pack = files(dir.resolve("data")).stream().max((a, b) -> Long.compare(a.toFile().length(),
                b.toFile().length())).orElseThrow();
        flipBit(pack, 100);
        try (Repository repo = TestRepos.open(dir)) {
            final long all = new Checker(repo).check(1.0, 1).bytesRead();
            for (long seed = 0; seed < 10; seed++) {
                // a share too small for one pack still reads one: a check that reads nothing proves nothing
                assertTrue(new Checker(repo).check(0.001, seed).bytesRead() > 0, "seed " + seed);
            }
            long read = 0;
            int damaged = 0;
            for (int n = 1; n <= 3; n++) {
                final Checker.Report r = new Checker(repo).checkGroup(n, 3);
                read += r.bytesRead();
                damaged += r.ok() ? 0 : 1;
            }
            assertEquals(all, read, "groups 1/3, 2/3 and 3/3 read every pack once between them");
            assertEquals(1, damaged, "the damaged pack is in exactly one group");
            assertThrows(IllegalArgumentException.class, () -> new Checker(repo).checkGroup(4, 3));
        }
    }

    @Test
    void shouldMentionTemporaryFilesOfInterruptedRunsAsAHintNotAnError() throws Exception {
        final Path dir = repoWithBackup();
        Files.writeString(dir.resolve("data").resolve(".tmp-0123abcd"), "half a pack");
        try (Repository repo = TestRepos.open(dir)) {
            final Checker.Report r = new Checker(repo).check(0.0, 1);
            assertTrue(r.ok(), r.errors().toString());
            assertTrue(r.hints().contains("1 temporary files of interrupted runs ('vigil repo prune' removes them)"),
                    r.hints().toString());
        }
    }

    @Test
    void shouldReportAFlippedBitInPackDataWithTheFilesItAffects() throws Exception {
        final Path dir = repoWithBackup();
        final Path pack = files(dir.resolve("data")).stream().max((a, b) -> Long.compare(a.toFile().length(),
                b.toFile().length())).orElseThrow();
        flipBit(pack, 100);
        try (Repository repo = TestRepos.open(dir)) {
            final Checker.Report structural = new Checker(repo).check(0.0, 1);
            assertTrue(structural.ok(), "the header is intact: a structural check cannot see it");
            final Checker.Report data = new Checker(repo).check(1.0, 1);
            assertFalse(data.ok());
            assertTrue(data.errors().stream().anyMatch(e -> e.contains("damaged blobs")), data.errors().toString());
            assertTrue(data.errors().stream().anyMatch(e -> e.contains("snapshot") && e.contains("file /")),
                    "names the affected file: " + data.errors());
            // only the files that use a damaged blob: the pack's other blobs read fine
            final String damaged = data.errors().stream().filter(e -> e.contains("damaged blobs: ")).findFirst()
                    .orElseThrow().replaceAll(".*damaged blobs: ", "");
            for (final String e : data.errors()) {
                if (e.contains("file /")) {
                    final String blob = e.replaceAll("(?s).*data blob (\\S+) is damaged.*", "$1"); // names may hold newlines
                    assertTrue(damaged.contains(blob), e + " names a blob that is not damaged: " + damaged);
                }
            }
        }
    }

    @Test
    void shouldKeepEveryBlobOfADamagedFileInUseAndReadBlobsWhereTheIndexSaysPastADamagedHeader() throws Exception {
        final Path src = Files.createDirectories(tmp.resolve("src"));
        final byte[] big = new byte[1 << 20];
        new java.util.Random(3).nextBytes(big);
        Files.write(src.resolve("big.bin"), big);
        final Path dir = tmp.resolve("repo");
        try (Repository repo = TestRepos.create(dir)) {
            new Archiver(repo, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds", Level.FULL), null);
        }
        final List<Path> packs = files(dir.resolve("data"));
        final Path data = packs.stream().max((a, b) -> Long.compare(a.toFile().length(), b.toFile().length()))
                .orElseThrow();
        flipBit(data, 100); // the file's first chunk
        try (Repository repo = TestRepos.open(dir)) {
            final Checker.Report r = new Checker(repo).check(1.0, 1);
            assertTrue(r.errors().stream().anyMatch(e -> e.contains("file /big.bin")), r.errors().toString());
            assertTrue(r.hints().stream().noneMatch(h -> h.contains("not used by any snapshot")),
                    "the damaged file's other chunks are not offered to prune: " + r.hints());
        }
        flipBit(data, 100);
        // Bytes appended to every pack break their headers, not their blobs: restore reads blobs where the index says.
        for (final Path p : packs) {
            Files.write(p, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        }
        try (Repository repo = TestRepos.open(dir)) {
            for (final double share : new double[] {0.0, 1.0}) {
                final Checker.Report r = new Checker(repo).check(share, 1);
                assertFalse(r.ok());
                assertTrue(r.errors().stream().allMatch(e -> e.startsWith("pack ")), "only the packs themselves: "
                        + r.errors());
                assertTrue(r.hints().stream().noneMatch(h -> h.contains("not used")), r.hints().toString());
            }
        }
    }

    @Test
    void shouldReportAFlippedBitInAPackHeaderAnIndexOrASnapshot() throws Exception {
        final Path dir = repoWithBackup();
        final Path pack = files(dir.resolve("data")).get(0);
        flipBit(pack, pack.toFile().length() - 10);
        final Path index = files(dir.resolve("index")).get(0);
        final Path snapshot = files(dir.resolve("snapshots")).get(0);
        try (Repository repo = TestRepos.open(dir)) {
            final Checker.Report r = new Checker(repo).check(0.0, 1);
            assertTrue(r.errors().stream().anyMatch(e -> e.contains("header")), r.errors().toString());
        }
        flipBit(index, 20);
        try (Repository repo = TestRepos.open(dir)) {
            final Checker.Report r = new Checker(repo).check(0.0, 1);
            assertTrue(r.errors().stream().anyMatch(e -> e.contains("index")), r.errors().toString());
        }
        flipBit(snapshot, 20);
        try (Repository repo = TestRepos.open(dir)) {
            final Checker.Report r = new Checker(repo).check(0.0, 1);
            assertTrue(r.errors().stream().anyMatch(e -> e.contains("snapshot") && e.contains("cannot be restored")),
                    r.errors().toString());
        }
    }
    @Test
    void shouldRefuseToPruneOverADamagedIndexAndRebuildItFromThePacks() throws Exception {
        final Path dir = repoWithBackup();
        final List<Path> packs = files(dir.resolve("data"));
        for (final Path index : files(dir.resolve("index"))) {
            Files.write(index, new byte[] {1, 2, 3}); // every index file: all packs look unindexed
        }
        try (Repository repo = TestRepos.open(dir)) {
            final Checker.Report r = new Checker(repo).check(0.0, 1);
            assertTrue(r.errors().stream().anyMatch(e -> e.contains("repair index")), r.errors().toString());
            assertTrue(r.hints().stream().noneMatch(h -> h.contains("prune' removes it")), r.hints().toString());
            final BackupException refused = assertThrows(BackupException.class, () -> new Pruner(repo).prune(0.5));
            assertTrue(refused.getMessage().contains("repair index"), refused.getMessage());
        }
        assertEquals(packs, files(dir.resolve("data")), "no pack deleted");
        try (Repository repo = TestRepos.open(dir)) {
            final IndexRebuilder.Result result = new IndexRebuilder(repo).rebuild();
            assertEquals(packs.size(), result.packs());
            assertTrue(result.unreadablePacks().isEmpty(), result.unreadablePacks().toString());
        }
        try (Repository repo = TestRepos.open(dir)) {
            assertTrue(repo.indexErrors().isEmpty(), repo.indexErrors().toString());
            assertTrue(new Checker(repo).check(1.0, 1).ok(), "every snapshot whole again");
            assertEquals(0, new Pruner(repo).prune(0.5).packsDeleted(), "nothing unused");
            assertTrue(new Checker(repo).check(1.0, 1).ok());
        }
    }

    @Test
    void shouldSayAPackStoredTwiceByRunsAtTheSameTimeIsADuplicateAndPruneIt() throws Exception {
        final Path src = tmp.resolve("src");
        TestTrees.awkward(src, 4);
        final Path dir = tmp.resolve("repo");
        TestRepos.create(dir).close();
        // two backups that opened the repository before either had stored anything store the same data twice
        try (Repository first = TestRepos.open(dir); Repository second = TestRepos.open(dir)) {
            new Archiver(first, Clock.systemUTC()).backup(src, ArchiveOptions.of("a", Level.FULL), null);
            new Archiver(second, Clock.systemUTC()).backup(src, ArchiveOptions.of("b", Level.FULL), null);
        }
        try (Repository repo = TestRepos.open(dir)) {
            final Checker.Report report = new Checker(repo).check(1.0, 1);
            assertTrue(report.ok(), report.errors().toString());
            assertFalse(report.hints().isEmpty());
            assertTrue(report.hints().stream().allMatch(h -> h.contains("every blob in it is also in another pack")),
                    "not taken for the leftovers of an interrupted run: " + report.hints());
            assertTrue(new Pruner(repo).prune(0.5).packsDeleted() > 0);
        }
        try (Repository repo = TestRepos.open(dir)) {
            final Checker.Report report = new Checker(repo).check(1.0, 1);
            assertTrue(report.ok() && report.hints().isEmpty(), report.hints() + " " + report.errors());
        }
    }

    @Test
    void shouldRefuseToPruneWhenAnIndexFileIsLostAndSayRepairIndexNotPrune() throws Exception {
        final Path src = tmp.resolve("src");
        Files.createDirectories(src);
        final byte[] data = new byte[6 << 20];
        new java.util.Random(7).nextBytes(data);
        Files.write(src.resolve("random.bin"), data);
        final Path dir = tmp.resolve("repo");
        try (Repository repo = TestRepos.create(dir)) {
            new Archiver(repo, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds", Level.FULL), null);
        }
        // lose an index file that names data packs only (written while the backup ran): the trees stay indexed
        Path lost = null;
        try (Repository repo = TestRepos.open(dir)) {
            for (final Path index : files(dir.resolve("index"))) {
                final byte[] plain = repo.loadUnpacked(new Handle(FileType.INDEX, index.getFileName().toString()),
                        IndexFile.KIND);
                if (IndexFile.decode(plain, "index").values().stream().flatMap(List::stream)
                        .noneMatch(b -> b.type() == BlobType.TREE)) {
                    lost = index;
                }
            }
        }
        assertTrue(lost != null, "an index file of data packs only");
        Files.delete(lost);
        final List<Path> packs = files(dir.resolve("data"));
        try (Repository repo = TestRepos.open(dir)) {
            final Checker.Report r = new Checker(repo).check(0.0, 1);
            assertTrue(r.errors().stream().anyMatch(e -> e.contains("repair index")), r.errors().toString());
            assertTrue(r.hints().stream().noneMatch(h -> h.contains("prune' removes it")), r.hints().toString());
            final BackupException refused = assertThrows(BackupException.class, () -> new Pruner(repo).prune(0.5));
            assertTrue(refused.getMessage().contains("repair index"), refused.getMessage());
        }
        assertEquals(packs, files(dir.resolve("data")), "no pack deleted");
        try (Repository repo = TestRepos.open(dir)) {
            new IndexRebuilder(repo).rebuild();
        }
        try (Repository repo = TestRepos.open(dir)) {
            assertTrue(new Checker(repo).check(1.0, 1).ok(), "the snapshot is whole again");
        }
    }
}
