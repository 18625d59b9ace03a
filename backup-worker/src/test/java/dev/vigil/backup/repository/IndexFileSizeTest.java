package dev.vigil.backup.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.backup.TestRepos;
import dev.vigil.backup.backend.FileInfo;
import dev.vigil.backup.backend.FileType;
import dev.vigil.backup.index.IndexFile;
import dev.vigil.backup.pack.BlobType;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How many blobs the index files a backup writes hold, on a real repository. */
class IndexFileSizeTest {
    /** Small files' blobs (a mail spool, a source tree): a few packs of them are more than an index file may hold. */
    private static final int BLOBS = 120_000;

    @TempDir
    Path dir;

    @Test
    void shouldWriteNoIndexFileOfMoreThanItsLimitWhenPacksHoldManySmallBlobs() throws Exception {
        try (Repository repo = TestRepos.create(dir.resolve("repo"))) {
            final byte[] data = new byte[16];
            for (int i = 0; i < BLOBS; i++) {
                ByteBuffer.wrap(data).putInt(i);
                repo.saveBlob(BlobType.DATA, data, 0, data.length);
            }
            repo.flush();
        }
        try (Repository repo = TestRepos.open(dir.resolve("repo"))) {
            final List<Long> perFile = new ArrayList<>();
            for (final FileInfo f : repo.backend().list(FileType.INDEX)) {
                perFile.add(IndexFile.count(repo.loadUnpacked(f.handle(), IndexFile.KIND), f.handle().toString()));
            }
            assertEquals(BLOBS, perFile.stream().mapToLong(Long::longValue).sum(), "blobs indexed: " + perFile);
            assertTrue(perFile.stream().allMatch(n -> n <= IndexFile.MAX_BLOBS), "blobs per index file: " + perFile);
            assertEquals(BLOBS, repo.index().size(), "blobs in the index loaded from them");
        }
    }

    @Test
    void shouldCloseAPackAtTheBlobsAnIndexFileMayHoldWhenItsBlobsAreTiny() throws Exception {
        // The default 16 MiB packs: 120,000 blobs of 16 bytes (44 stored) are 5 MiB, one pack by its size alone
        final RepoConfig config = RepoConfig.create(64 << 10, 3, 16 << 20);
        try (Repository repo = Repository.init(new dev.vigil.backup.backend.LocalBackend(dir.resolve("repo"), false),
                TestRepos.PASSWORD, config, 1024, java.time.Clock.systemUTC())) {
            final byte[] data = new byte[16];
            for (int i = 0; i < BLOBS; i++) {
                ByteBuffer.wrap(data).putInt(i);
                repo.saveBlob(BlobType.DATA, data, 0, data.length);
            }
            repo.flush();
        }
        try (Repository repo = TestRepos.open(dir.resolve("repo"))) {
            final List<Integer> perPack = new ArrayList<>();
            final List<Long> perFile = new ArrayList<>();
            for (final FileInfo f : repo.backend().list(FileType.INDEX)) {
                final byte[] plain = repo.loadUnpacked(f.handle(), IndexFile.KIND);
                perFile.add(IndexFile.count(plain, f.handle().toString()));
                IndexFile.decode(plain, f.handle().toString()).values().forEach(blobs -> perPack.add(blobs.size()));
            }
            assertEquals(BLOBS, perPack.stream().mapToInt(Integer::intValue).sum(), "blobs packed: " + perPack);
            assertTrue(perPack.stream().allMatch(n -> n <= IndexFile.MAX_BLOBS), "blobs per pack: " + perPack);
            assertTrue(perFile.stream().allMatch(n -> n <= IndexFile.MAX_BLOBS), "blobs per index file: " + perFile);
        }
    }
}
