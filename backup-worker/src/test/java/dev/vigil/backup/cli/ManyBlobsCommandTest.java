package dev.vigil.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.backup.TestRepos;
import dev.vigil.backup.backend.FileType;
import dev.vigil.backup.backend.LocalBackend;
import dev.vigil.backup.checker.Checker;
import dev.vigil.backup.pack.BlobId;
import dev.vigil.backup.pack.BlobType;
import dev.vigil.backup.pack.PackedBlob;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.snapshot.Node;
import dev.vigil.backup.snapshot.NodeType;
import dev.vigil.backup.snapshot.Snapshot;
import dev.vigil.backup.snapshot.SnapshotStore;
import dev.vigil.backup.snapshot.Tree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands over a repository of many blobs, each in a JVM of its own with a small heap: beyond the in-memory index
 * they must hold little per blob (backup-worker/README.md, Memory).
 */
class ManyBlobsCommandTest {
    private static final int DIRS = 200;
    private static final int FILES_PER_DIR = 1000;
    private static final int UNUSED = 100;
    /** Room for the index of 200,000 blobs (2^19 slots, 26 MB) and the JVM's own, not for an object per blob. */
    private static final String HEAP_CHECK = "-Xmx64m";
    /** As for check: the new index that prune writes is sealed a file of at most 50,000 blobs at a time. */
    private static final String HEAP_PRUNE = "-Xmx64m";
    /** Room for the 2^20-slot table and the JVM's own, not for the 2^19-slot one beside it. */
    private static final String HEAP_INDEX = "-Xmx72m";

    @TempDir
    Path dir;

    /** @return the command's exit code; stdout in {@code out}, stderr in {@code out}.err */
    private int run(final String heap, final Path out, final String... args) throws Exception {
        return SmallHeapRepoCommand.run(dir, heap, out, args);
    }

    @Test
    void shouldLoadAnIndexJustPastADoublingWithoutHoldingTwoTables() throws Exception {
        // 330,000 entries in 66 index files: past 60% of 2^19 slots, so the table ends at 2^20 slots (51 MB). Grown as
        // it filled, the last doubling held the 2^19 table (26 MB) beside it: 77 MB, more than this heap.
        final int files = 66;
        final int perFile = 5000;
        Files.writeString(dir.resolve("pw"), new String(TestRepos.PASSWORD) + "\n");
        try (Repository repo = TestRepos.create(dir.resolve("repo"))) {
            final Random random = new Random(5);
            for (int f = 0; f < files; f++) {
                final List<PackedBlob> blobs = new ArrayList<>(perFile);
                for (int i = 0; i < perFile; i++) {
                    final byte[] id = new byte[BlobId.LENGTH];
                    random.nextBytes(id);
                    blobs.add(new PackedBlob(BlobType.DATA, BlobId.wrap(id), false, i * 100, 100, 80));
                }
                final byte[] pack = new byte[32];
                random.nextBytes(pack);
                final Map<String, List<PackedBlob>> packs = new LinkedHashMap<>();
                packs.put(java.util.HexFormat.of().formatHex(pack), blobs);
                repo.saveIndex(packs); // packs that are not there: listing snapshots reads none
            }
        }
        final Path out = dir.resolve("snapshots.txt");
        assertEquals(0, run(HEAP_INDEX, out, "snapshots"), () -> read(out + ".err"));
    }

    /**
     * Writes a snapshot of {@link #DIRS} directories of {@link #FILES_PER_DIR} files of one small data blob each, then
     * a pack of {@link #UNUSED} blobs no snapshot uses.
     */
    private void repositoryOfManyBlobs() throws Exception {
        Files.writeString(dir.resolve("pw"), new String(TestRepos.PASSWORD) + "\n");
        try (Repository repo = TestRepos.create(dir.resolve("repo"))) {
            final List<Node> tops = new ArrayList<>();
            int n = 0;
            for (int d = 0; d < DIRS; d++) {
                final List<Node> files = new ArrayList<>();
                for (int f = 0; f < FILES_PER_DIR; f++) {
                    final BlobId id = saveData(repo, n++);
                    files.add(new Node(String.format("file-%06d.log", f), NodeType.FILE, 0644, 1000, 1000, 0, 0,
                            n, 1, 1, 8, "", null, List.of(id), List.of()));
                }
                final byte[] tree = Tree.encode(files);
                tops.add(new Node(String.format("dir-%03d", d), NodeType.DIR, 0755, 1000, 1000, 0, 0, d, 1, 1, 0, "",
                        repo.saveBlob(BlobType.TREE, tree, 0, tree.length).id(), List.of(), List.of()));
            }
            final byte[] root = Tree.encode(tops);
            final BlobId rootId = repo.saveBlob(BlobType.TREE, root, 0, root.length).id();
            repo.flush();
            new SnapshotStore(repo).save(new Snapshot(null, Instant.now().toString(), Instant.now().toString(),
                    "host", "user", "ds", "/src", rootId.hex(), "FULL", null, null, false, null, null, null, null,
                    null, null, null, null));
            for (int i = 0; i < UNUSED; i++) {
                saveData(repo, -1 - i);
            }
            repo.flush();
        }
    }

    private static BlobId saveData(final Repository repo, final long n) {
        final byte[] data = java.nio.ByteBuffer.allocate(8).putLong(n).array();
        return repo.saveBlob(BlobType.DATA, data, 0, data.length).id();
    }

    @Test
    void shouldCheckARepositoryOfManyBlobsInASmallHeap() throws Exception {
        repositoryOfManyBlobs();
        final Path out = dir.resolve("check.txt");
        assertEquals(0, run(HEAP_CHECK, out, "check"), () -> read(out + ".err"));
        final String report = Files.readString(out) + read(out + ".err");
        assertTrue(report.contains(UNUSED + " blobs are not used by any snapshot"), report);
    }

    @Test
    void shouldPruneARepositoryOfManyBlobsInASmallHeap() throws Exception {
        repositoryOfManyBlobs();
        final Path out = dir.resolve("prune.txt");
        assertEquals(0, run(HEAP_PRUNE, out, "prune"), () -> read(out + ".err"));
        try (Repository repo = Repository.open(new LocalBackend(dir.resolve("repo"), false), TestRepos.PASSWORD)) {
            // the new index, written from the groups of slots, names every used blob where it is, and nothing else
            assertEquals(DIRS * FILES_PER_DIR + DIRS + 1, repo.index().size());
            assertTrue(repo.backend().list(FileType.INDEX).size() > 1, "an index of 200,201 blobs in several files");
            final Checker.Report report = new Checker(repo).check(0, 1);
            assertEquals(List.of(), report.errors());
            assertEquals(List.of(), report.hints());
        }
    }

    @Test
    void shouldRebuildTheIndexOfARepositoryOfManyBlobsInASmallHeap() throws Exception {
        repositoryOfManyBlobs();
        // Beside the index it had loaded, the rebuild held a list of every blob twice (the old index's, by pack, and the
        // packs' headers) and the new index file whole: exit 3 (out of heap) at this heap. It now writes the new index
        // in files of at most 50,000 blobs as it reads the packs.
        final Path out = dir.resolve("repair.txt");
        assertEquals(0, run(HEAP_CHECK, out, "repair", "index"), () -> read(out + ".err"));
        try (Repository repo = Repository.open(new LocalBackend(dir.resolve("repo"), false), TestRepos.PASSWORD)) {
            assertEquals(DIRS * FILES_PER_DIR + DIRS + 1 + UNUSED, repo.index().size());
            assertTrue(repo.backend().list(FileType.INDEX).size() > 1, "an index of 200,301 blobs in several files");
            final Checker.Report report = new Checker(repo).check(0, 1);
            assertEquals(List.of(), report.errors());
            assertTrue(report.hints().stream().allMatch(h -> h.startsWith(UNUSED + " blobs are not used by any")),
                    report.hints().toString());
        }
    }

    private static String read(final String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
