package dev.vigil.backup.archiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.backup.TestRepos;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.snapshot.Snapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a backup of many small files keeps in memory beside the index (backup-worker/README.md, Memory). */
class ManySmallFilesTest {
    @TempDir
    Path tmp;

    /** @return a directory of {@code files} files of 1-2 KB of random bytes (one blob each) */
    static Path tinyFiles(final Path dir, final int files) throws Exception {
        Files.createDirectories(dir);
        final Random random = new Random(files);
        for (int i = 0; i < files; i++) {
            final byte[] data = new byte[1024 + random.nextInt(1024)];
            random.nextBytes(data);
            Files.write(dir.resolve(String.format("f%06d", i)), data);
        }
        return dir;
    }

    @Test
    void shouldKeepNoRecordOfTheWrittenBlobsBesideTheIndexAfterABackup() throws Exception {
        final Path src = tinyFiles(tmp.resolve("src"), 3000);
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            final Snapshot s = new Archiver(repo, Clock.systemUTC())
                    .backup(src, ArchiveOptions.of("ds", Level.FULL), null).snapshot();
            assertEquals(3000, s.figures().filesNew());
            assertTrue(repo.index().size() > 3000, "every file is a blob of its own: " + repo.index().size());
            // Each entry of this record is an object per blob (~120 bytes) on top of the index's ~80: 12 MB more
            // live heap per 100,000 files for the whole backup, which only prune and repair need.
            assertEquals(0, repo.writtenPacks().size(), "packs recorded with their blobs after a backup");
        }
    }
}
