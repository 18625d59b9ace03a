package dev.vigil.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.backup.crypto.Aead;
import dev.vigil.backup.pack.BlobId;
import dev.vigil.backup.pack.BlobType;
import dev.vigil.backup.pack.PackedBlob;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.snapshot.FileNames;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil repo stats} on a repository made by {@code vigil repo backup} of two real datasets that share files:
 * exact file, byte and blob figures, a dedup ratio above 1, restic's raw-data figures, and --dataset.
 *
 * <p>Each file is smaller than the smallest chunk (256 KiB), so it is one blob; random bytes do not compress, so such
 * a blob is stored as its bytes plus the 28 bytes of nonce and tag. The one compressible file's stored length is read
 * from the index by its content's id.
 */
class StatsCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int OVERHEAD = Aead.OVERHEAD;
    @TempDir
    Path dir;
    private String repo;
    private String pw;
    private byte[] text;

    @BeforeEach
    void backUpTwoDatasetsThatShareFiles() throws Exception {
        pw = Files.writeString(dir.resolve("pw"), "secret\n").toString();
        repo = dir.resolve("repo").toString();
        run("init", "--repo", repo, "--password-file", pw, "--kdf-n", "1024");
        final Random random = new Random(7);
        final Path one = Files.createDirectories(dir.resolve("one/sub dir"));
        final Path two = Files.createDirectories(dir.resolve("two"));
        final byte[] a = bytes(random, 10_000);
        final byte[] b = bytes(random, 20_000);
        text = "a line of text that compresses well\n".repeat(1_000).getBytes(StandardCharsets.UTF_8); // 36,000
        Files.write(one.resolve("a.bin"), a);
        Files.write(one.resolve("b\nnewline.bin"), b);
        Files.write(FileNames.resolve(dir.resolve("one"), "caf\uDCE9.txt"), text);
        Files.write(dir.resolve("one/empty"), new byte[0]);
        Files.createSymbolicLink(dir.resolve("one/link"), Path.of("sub dir/a.bin"));
        Files.write(two.resolve("a copy.bin"), a);
        Files.write(two.resolve("b.bin"), b);
        Files.write(two.resolve("c.bin"), bytes(random, 5_000));
        backup("one", dir.resolve("one"));
        backup("two", two);
        Files.write(one.resolve("d.bin"), bytes(random, 1_000));
        backup("one", dir.resolve("one"));
    }

    private static byte[] bytes(final Random random, final int n) {
        final byte[] out = new byte[n];
        random.nextBytes(out);
        return out;
    }

    private void backup(final String dataset, final Path tree) {
        run("backup", "--repo", repo, "--password-file", pw, "--dataset", dataset, tree.toString());
    }

    private String run(final String... args) {
        final RepoCli.Result r = RepoCli.run(args);
        assertEquals(0, r.code(), r.out() + r.err());
        return r.out();
    }

    private JsonNode stats(final String... more) throws Exception {
        return JSON.readTree(run(Stream.concat(Stream.of("stats", "--repo", repo, "--password-file", pw, "--json"),
                Stream.of(more)).toArray(String[]::new)));
    }

    /** @return the index entry of the blob holding {@link #text}, found by the id of its content */
    private PackedBlob textBlob() {
        try (Repository r = Repository.open(RepoOptions.backend(Path.of(repo), false), "secret".toCharArray())) {
            return r.index().lookup(BlobType.DATA, BlobId.wrap(r.hasher().id(text, 0, text.length))).blob();
        }
    }

    @Test
    void shouldCountFilesBytesAndBlobsExactlyWithTheDedupOfTwoDatasetsSharingFiles() throws Exception {
        final JsonNode s = stats();
        final PackedBlob textBlob = textBlob();
        assertTrue(textBlob.compressed() && textBlob.storedLength() < text.length, textBlob.toString());
        assertEquals(3, s.path("snapshots").asLong());
        assertEquals(2, s.path("datasets").asLong());
        // the latest of each: one with d.bin (5 files, the empty one too) and two (3 files)
        assertEquals(8, s.path("restoreFiles").asLong());
        assertEquals(10_000 + 20_000 + 36_000 + 1_000 + 10_000 + 20_000 + 5_000, s.path("restoreBytes").asLong());
        assertEquals(4 + 3 + 5, s.path("allFiles").asLong());
        final long all = (10_000 + 20_000 + 36_000) + (10_000 + 20_000 + 5_000) + (10_000 + 20_000 + 36_000 + 1_000);
        assertEquals(all, s.path("allBytes").asLong());
        // a, b, text, c, d: each stored once however many files hold it; the empty file has no blob
        assertEquals(5, s.path("dataBlobs").asLong());
        final long raw = 10_000 + 20_000 + 36_000 + 5_000 + 1_000;
        assertEquals(raw, s.path("dataRawBytes").asLong());
        assertEquals((10_000 + 20_000 + 5_000 + 1_000) + 4 * OVERHEAD + textBlob.storedLength(),
                s.path("dataStoredBytes").asLong());
        // trees: one's root and "sub dir", before and after d.bin came into "sub dir"; two's root
        assertEquals(5, s.path("treeBlobs").asLong());
        assertEquals(0, s.path("missingBlobs").asLong());
        assertEquals((double) all / raw, s.path("dedupRatio").asDouble(), 1e-12);
        assertTrue(s.path("dedupRatio").asDouble() > 1, s.toString());
        final long storedTotal = s.path("dataStoredBytes").asLong() + s.path("treeStoredBytes").asLong();
        assertEquals((double) (raw + s.path("treeRawBytes").asLong()) / storedTotal,
                s.path("compressionRatio").asDouble(), 1e-12);

        long packs = 0;
        long packBytes = 0;
        try (Stream<Path> files = Files.walk(Path.of(repo, "data"))) {
            for (final Path p : files.filter(Files::isRegularFile).toList()) {
                packs++;
                packBytes += Files.size(p);
            }
        }
        assertEquals(packs, s.path("packs").asLong());
        assertEquals(packBytes, s.path("packBytes").asLong());
        assertTrue(packBytes > storedTotal, "pack headers come on top of the blobs");
        assertEquals(5 + 5, s.path("indexedBlobs").asLong());

        final String text = run("stats", "--repo", repo, "--password-file", pw);
        assertTrue(text.contains("snapshots       3 (2 datasets)\n"), text);
        assertTrue(text.contains("deduplication   " + String.format("%.2fx", (double) all / raw)), text);
    }

    @Test
    void shouldCountOnlyTheDatasetNamed() throws Exception {
        final JsonNode s = stats("--dataset", "two");
        assertEquals(1, s.path("snapshots").asLong());
        assertEquals(3, s.path("restoreFiles").asLong());
        assertEquals(35_000, s.path("restoreBytes").asLong());
        assertEquals(3, s.path("dataBlobs").asLong());
        assertEquals(35_000 + 3 * OVERHEAD, s.path("dataStoredBytes").asLong());
        assertEquals(1.0, s.path("dedupRatio").asDouble(), 1e-12, "nothing shared within two");
        assertEquals(1, s.path("treeBlobs").asLong());
    }

    @Test
    void shouldPrintResticsRawDataFiguresOfTheBlobsUsed() throws Exception {
        final JsonNode summary = stats();
        final JsonNode raw = stats("--mode", "raw-data");
        final long blobs = summary.path("dataBlobs").asLong() + summary.path("treeBlobs").asLong();
        final long stored = summary.path("dataStoredBytes").asLong() + summary.path("treeStoredBytes").asLong();
        final long uncompressed = summary.path("dataRawBytes").asLong() + summary.path("treeRawBytes").asLong()
                + blobs * OVERHEAD;
        assertEquals(3, raw.path("snapshotsCount").asLong());
        assertEquals(10, blobs);
        assertEquals(blobs, raw.path("totalBlobCount").asLong());
        assertEquals(stored, raw.path("totalSize").asLong());
        assertEquals(uncompressed, raw.path("totalUncompressedSize").asLong());
        assertEquals(100.0 * (1 - (double) stored / uncompressed), raw.path("compressionSpaceSaving").asDouble(),
                1e-9);
        assertTrue(raw.path("compressionRatio").asDouble() > 1, raw.toString());
        assertTrue(run("stats", "--repo", repo, "--password-file", pw, "--mode", "raw-data")
                .contains("        Total Blob Count:  10\n"));
        final RepoCli.Result bad = RepoCli.run("stats", "--repo", repo, "--password-file", pw, "--mode", "sizes");
        assertEquals(ExitCodes.USAGE, bad.code(), bad.err());
    }

    @Test
    void shouldReadATreeThatSnapshotsShareOnceAndCountItsFilesForEach() throws Exception {
        backup("two", dir.resolve("two")); // unchanged: the same root tree as two's first snapshot
        try (Repository r = Repository.open(RepoOptions.backend(Path.of(repo), false), "secret".toCharArray())) {
            final SnapshotUsage usage = new SnapshotUsage(r);
            long files = 0;
            for (final dev.vigil.backup.snapshot.Snapshot s : new dev.vigil.backup.snapshot.SnapshotStore(r).list()) {
                files += usage.of(BlobId.parse(s.tree())).files();
            }
            assertEquals(4 + 3 + 5 + 3, files, "two's files counted for both of its snapshots");
            assertEquals(5, usage.treesRead, "one's two roots and two 'sub dir's, two's root: each read once");
            assertEquals(5, usage.trees().count);
        }
    }
}
