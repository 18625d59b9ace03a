package dev.vigil.backup.repository;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.Zstd;
import dev.vigil.backup.TestRepos;
import dev.vigil.backup.pack.BlobType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a thread that compresses blobs keeps between them, on a real repository. */
class CompressBufferTest {
    @TempDir
    Path dir;

    @Test
    void shouldKeepNoMoreThanAChunksBufferAfterCompressingATreeBlobLargerThanAnyChunk() {
        try (Repository repo = TestRepos.create(dir.resolve("repo"))) {
            final int chunkBound = (int) Zstd.compressBound(repo.config().chunkMax());
            // a tree blob of a directory of many entries: compressible, and larger than any chunk (tens of MB in life)
            final StringBuilder entries = new StringBuilder();
            for (int i = 0; entries.length() < 8 * repo.config().chunkMax(); i++) {
                entries.append("{\"name\":\"message-").append(i).append(".eml\",\"type\":\"file\"}\n");
            }
            final byte[] tree = entries.toString().getBytes(StandardCharsets.UTF_8);
            final Repository.Saved saved = repo.saveBlob(BlobType.TREE, tree, 0, tree.length);
            assertTrue(saved.added());

            final int kept = repo.compressBufferBytes();
            assertTrue(kept <= chunkBound, "this thread keeps a buffer of " + kept + " bytes after a blob of "
                    + tree.length + " bytes, more than a chunk's " + chunkBound);
            // and the blob was compressed and stored whole
            repo.flush();
            assertTrue(saved.storedLength() < tree.length / 2, "stored " + saved.storedLength() + " bytes");
            assertArrayEquals(tree, repo.loadBlob(BlobType.TREE, saved.id()));
        }
    }
}
