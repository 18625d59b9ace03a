package dev.vigil.backup.checker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.backup.TestRepos;
import dev.vigil.backup.archiver.ArchiveOptions;
import dev.vigil.backup.archiver.Archiver;
import dev.vigil.backup.archiver.Level;
import dev.vigil.backup.index.MasterIndex;
import dev.vigil.backup.pack.BlobId;
import dev.vigil.backup.pack.BlobType;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.restorer.RestoreOptions;
import dev.vigil.backup.restorer.Restorer;
import dev.vigil.backup.snapshot.Snapshot;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** repair index after a pack was cut short: the blobs in what is left of it still authenticate and are kept. */
class RepairIndexTest {
    @TempDir
    Path tmp;

    private static MasterIndex.Location locate(final Repository repo, final Path file) throws java.io.IOException {
        final byte[] data = Files.readAllBytes(file);
        return repo.index().lookup(BlobType.DATA, BlobId.wrap(repo.hasher().id(data, 0, data.length)));
    }

    @Test
    void shouldKeepTheBlobsOfATruncatedPackThatStillAuthenticateSoTheirFilesRestore() throws Exception {
        final Path src = Files.createDirectories(tmp.resolve("src"));
        final Random random = new Random(11);
        for (int i = 0; i < 120; i++) {
            final byte[] b = new byte[12_000]; // below the least chunk: a file is whole or lost with its one blob
            random.nextBytes(b);
            Files.write(src.resolve(String.format("f%03d", i)), b);
        }
        final Path dir = tmp.resolve("repo");
        final Snapshot snapshot;
        final String packName;
        final long half;
        final Set<String> lost = new HashSet<>();
        try (Repository repo = TestRepos.create(dir)) {
            snapshot = new Archiver(repo, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds", Level.FULL), null)
                    .snapshot();
            // the pack of the first file; the files whose blob ends in its second half are lost with it
            packName = locate(repo, src.resolve("f000")).pack();
            final Path pack = dir.resolve("data").resolve(packName.substring(0, 2)).resolve(packName);
            half = Files.size(pack) / 2;
            try (RandomAccessFile raf = new RandomAccessFile(pack.toFile(), "rw")) {
                raf.setLength(half);
            }
            for (int i = 0; i < 120; i++) {
                final String name = String.format("f%03d", i);
                final MasterIndex.Location loc = locate(repo, src.resolve(name));
                if (loc.pack().equals(packName) && loc.blob().offset() + loc.blob().storedLength() > half) {
                    lost.add(name);
                }
            }
        }
        assertFalse(lost.isEmpty());
        try (Repository repo = TestRepos.open(dir)) {
            final IndexRebuilder.Result result = new IndexRebuilder(repo).rebuild();
            assertEquals(1, result.unreadablePacks().size(), result.unreadablePacks().toString());
        }
        try (Repository repo = TestRepos.open(dir)) {
            final Path out = tmp.resolve("out");
            final Restorer.Result restored = new Restorer(repo).restore(snapshot, out, RestoreOptions.defaults(), null);
            int whole = 0;
            for (int i = 0; i < 120; i++) {
                final String name = String.format("f%03d", i);
                if (!lost.contains(name)) {
                    assertTrue(Files.exists(out.resolve(name)), name + " lies in the part of the pack that is left: "
                            + restored.unrestored());
                    assertArrayEquals(Files.readAllBytes(src.resolve(name)), Files.readAllBytes(out.resolve(name)));
                    whole++;
                }
            }
            assertEquals(120 - lost.size(), whole);
            assertEquals(lost.size(), restored.unrestored().size(), restored.unrestored().toString());
            final Checker.Report report = new Checker(repo).check(0, 1);
            assertFalse(report.ok());
            assertTrue(report.hints().stream().noneMatch(h -> h.contains(packName.substring(0, 8))
                    && h.contains("interrupted run")), report.hints().toString());
        }
    }

    @Test
    void shouldTakeAFlippedBlobOutOfTheIndexWithReadDataSoTheNextBackupStoresItAgainAndHealsTheOldSnapshot()
            throws Exception {
        final Path src = Files.createDirectories(tmp.resolve("src"));
        final Random random = new Random(12);
        for (int i = 0; i < 20; i++) {
            final byte[] b = new byte[12_000];
            random.nextBytes(b);
            Files.write(src.resolve(String.format("f%02d", i)), b);
        }
        final Path dir = tmp.resolve("repo");
        final Snapshot first;
        final String packName;
        try (Repository repo = TestRepos.create(dir)) {
            first = new Archiver(repo, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds", Level.FULL), null)
                    .snapshot();
            final MasterIndex.Location loc = locate(repo, src.resolve("f07"));
            packName = loc.pack();
            final Path pack = dir.resolve("data").resolve(packName.substring(0, 2)).resolve(packName);
            try (RandomAccessFile raf = new RandomAccessFile(pack.toFile(), "rw")) {
                final long at = loc.blob().offset() + loc.blob().storedLength() / 2;
                raf.seek(at);
                final int b = raf.read();
                raf.seek(at);
                raf.write(b ^ 1);
            }
        }
        try (Repository repo = TestRepos.open(dir)) {
            final Checker.Report report = new Checker(repo).check(1.0, 1);
            assertFalse(report.ok());
            assertTrue(report.hints().stream().anyMatch(h -> h.contains("repair index --read-data")),
                    report.hints().toString());
            // the headers are whole: without reading the data, the damaged blob stays indexed
            assertTrue(new IndexRebuilder(repo).rebuild().damagedPacks().isEmpty());
        }
        try (Repository repo = TestRepos.open(dir)) {
            final IndexRebuilder.Result result = new IndexRebuilder(repo, true).rebuild();
            assertEquals(1, result.damagedPacks().size(), result.damagedPacks().toString());
            assertTrue(result.dataLost());
        }
        try (Repository repo = TestRepos.open(dir)) {
            assertFalse(Files.exists(dir.resolve("data").resolve(packName.substring(0, 2)).resolve(packName)),
                    "the damaged pack is gone, its whole blobs moved");
            final Checker.Report report = new Checker(repo).check(1.0, 1);
            assertTrue(report.errors().stream().anyMatch(e -> e.contains("/f07: data blob")), report.errors().toString());
            assertTrue(report.errors().stream().noneMatch(e -> e.contains("file /") && !e.contains("/f07:")),
                    "only f07's data is lost: " + report.errors());
            // an incremental backup of unchanged files: f07's content is not in the index, so it is read again
            new Archiver(repo, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds", Level.INCREMENTAL), null);
        }
        try (Repository repo = TestRepos.open(dir)) {
            final Checker.Report report = new Checker(repo).check(1.0, 1);
            assertTrue(report.ok(), report.errors().toString());
            final Path out = tmp.resolve("out");
            new Restorer(repo).restore(first, out, RestoreOptions.defaults(), null);
            for (int i = 0; i < 20; i++) {
                final String name = String.format("f%02d", i);
                assertArrayEquals(Files.readAllBytes(src.resolve(name)), Files.readAllBytes(out.resolve(name)), name);
            }
        }
    }
}
