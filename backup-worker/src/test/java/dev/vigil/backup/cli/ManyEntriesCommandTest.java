package dev.vigil.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.vigil.backup.TestRepos;
import dev.vigil.backup.pack.BlobId;
import dev.vigil.backup.pack.BlobType;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.snapshot.Node;
import dev.vigil.backup.snapshot.NodeType;
import dev.vigil.backup.snapshot.Snapshot;
import dev.vigil.backup.snapshot.SnapshotStore;
import dev.vigil.backup.snapshot.Tree;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands over a snapshot of many entries, each in a JVM of its own with a small heap: what they hold must not grow
 * with the snapshot's entries (backup-worker/README.md, Memory).
 */
class ManyEntriesCommandTest {
    private static final int DIRS = 100;
    private static final int FILES_PER_DIR = 1000;
    /** Enough for one directory's entries and the JVM's own; far less than 100,000 entries' worth. */
    private static final String HEAP = "-Xmx32m";

    @TempDir
    Path dir;

    /**
     * Writes a snapshot of {@link #DIRS} directories of {@link #FILES_PER_DIR} files each, trees only (the listing
     * commands read no data), as a backup of such a tree would.
     *
     * @param seed the content ids and sizes of the first directory's files (the others' are always the same)
     * @return the snapshot
     */
    private static Snapshot snapshotOfManyFiles(final Repository repo, final long seed) {
        final List<Node> tops = new ArrayList<>();
        for (int d = 0; d < DIRS; d++) {
            final Random random = new Random(d == 0 ? seed : -d);
            final List<Node> files = new ArrayList<>();
            for (int f = 0; f < FILES_PER_DIR; f++) {
                final byte[] id = new byte[BlobId.LENGTH];
                random.nextBytes(id);
                files.add(new Node(String.format("file-%06d.log", f), NodeType.FILE, 0644, 1000, 1000,
                        1_700_000_000_000_000_000L, 1_700_000_000_000_000_000L, d * FILES_PER_DIR + f, 1, 1,
                        1024 + random.nextInt(1024), "", null, List.of(BlobId.wrap(id)), List.of()));
            }
            tops.add(new Node(String.format("dir-%03d", d), NodeType.DIR, 0755, 1000, 1000, 0, 0, d, 1, 1, 0, "",
                    save(repo, files), List.of(), List.of()));
        }
        return snapshotOf(repo, save(repo, tops));
    }

    /** @return a new snapshot of that root tree, after writing the repository's packs */
    private static Snapshot snapshotOf(final Repository repo, final BlobId root) {
        repo.flush();
        return new SnapshotStore(repo).save(new Snapshot(null, Instant.now().toString(), Instant.now().toString(),
                "host", "user", "ds", "/src", root.hex(), "FULL", null, null, false, null, null, null, null, null,
                null, null, null));
    }

    private static BlobId save(final Repository repo, final List<Node> nodes) {
        final byte[] tree = Tree.encode(nodes);
        return repo.saveBlob(BlobType.TREE, tree, 0, tree.length).id();
    }

    /** @return the command's exit code; stdout in {@code out}, stderr in {@code out}.err */
    private int run(final Path out, final String... args) throws Exception {
        return SmallHeapRepoCommand.run(dir, HEAP, out, args);
    }

    /** @return the lines of the file that start with the prefix */
    private static long lines(final Path file, final String prefix) throws Exception {
        try (Stream<String> s = Files.lines(file, StandardCharsets.UTF_8)) {
            return s.filter(l -> l.startsWith(prefix)).count();
        }
    }

    @Test
    void shouldListASnapshotOfAHundredThousandFilesInASmallHeap() throws Exception {
        Files.writeString(dir.resolve("pw"), new String(TestRepos.PASSWORD) + "\n");
        try (Repository repo = TestRepos.create(dir.resolve("repo"))) {
            snapshotOfManyFiles(repo, 1);
        }
        final Path out = dir.resolve("ls.txt");
        assertEquals(0, run(out, "ls", "latest"), () -> read(out + ".err"));
        assertEquals(DIRS + DIRS * FILES_PER_DIR, lines(out, ""));
        final Path json = dir.resolve("ls.json");
        assertEquals(0, run(json, "ls", "--json", "latest"), () -> read(json + ".err"));
        assertEquals(DIRS + DIRS * FILES_PER_DIR, lines(json, "  \"path\" : "));
    }

    @Test
    void shouldDiffTwoSnapshotsOfAHundredThousandFilesInASmallHeap() throws Exception {
        Files.writeString(dir.resolve("pw"), new String(TestRepos.PASSWORD) + "\n");
        final Snapshot from;
        final Snapshot to;
        try (Repository repo = TestRepos.create(dir.resolve("repo"))) {
            from = snapshotOfManyFiles(repo, 1);
            to = snapshotOfManyFiles(repo, 2);
        }
        final Path out = dir.resolve("diff.txt");
        assertEquals(0, run(out, "diff", from.id(), to.id()), () -> read(out + ".err"));
        final List<String> lines = Files.readAllLines(out);
        assertEquals(FILES_PER_DIR + 1, lines.size(), "the first directory's files changed, nothing else");
        assertEquals("M  /dir-000/file-000000.log", lines.get(0));
        assertEquals("M  /dir-000/file-000999.log", lines.get(FILES_PER_DIR - 1));
        assertEquals(FILES_PER_DIR + " changes between " + from.shortId() + " and " + to.shortId(),
                lines.get(FILES_PER_DIR));
    }

    @Test
    void shouldRestoreManyFilesWithoutHoldingOnToThemInASmallHeap() throws Exception {
        // Paths of ~3,000 bytes (14 directories of 200-byte names), 8 of them with 1,000 files each: a restore that
        // kept a little per file restored (its path) would need some 25 MB more than this heap for them.
        final String long200 = "x".repeat(196);
        Files.writeString(dir.resolve("pw"), new String(TestRepos.PASSWORD) + "\n");
        try (Repository repo = TestRepos.create(dir.resolve("repo"))) {
            // one 1 KB blob that every file holds: the restore writes each file, the repository stays small
            final byte[] data = new byte[1024];
            new Random(3).nextBytes(data);
            final BlobId content = repo.saveBlob(BlobType.DATA, data, 0, data.length).id();
            final List<Node> branches = new ArrayList<>();
            for (int b = 0; b < 8; b++) {
                final List<Node> files = new ArrayList<>();
                for (int f = 0; f < FILES_PER_DIR; f++) {
                    files.add(new Node(String.format("%04d", f) + long200, NodeType.FILE, 0644, 1000, 1000, 0, 0, f, 1,
                            1, data.length, "", null, List.of(content), List.of()));
                }
                BlobId tree = save(repo, files);
                for (int level = 0; level < 14; level++) {
                    final String name = String.format("%02d%02d", b, level) + long200;
                    tree = save(repo, List.of(new Node(name, NodeType.DIR, 0755, 1000, 1000, 0, 0, level, 1, 1, 0, "",
                            tree, List.of(), List.of())));
                }
                branches.add(new Node("branch" + b, NodeType.DIR, 0755, 1000, 1000, 0, 0, b, 1, 1, 0, "", tree,
                        List.of(), List.of()));
            }
            snapshotOf(repo, save(repo, branches));
        }
        final Path target = dir.resolve("t");
        assertEquals(0, run(dir.resolve("restore.txt"), "restore", "latest", "--target", target.toString()),
                () -> read(dir.resolve("restore.txt") + ".err"));
        try (Stream<Path> files = Files.walk(target)) {
            assertEquals(8 * FILES_PER_DIR, files.filter(Files::isRegularFile).count());
        }
    }

    @Test
    void shouldEndTheJsonListingItStartedWhenATreeCannotBeReadHalfway() throws Exception {
        Files.writeString(dir.resolve("pw"), new String(TestRepos.PASSWORD) + "\n");
        try (Repository repo = TestRepos.create(dir.resolve("repo"))) {
            final Node file = new Node("f", NodeType.FILE, 0644, 1000, 1000, 0, 0, 1, 1, 1, 0, "", null, List.of(),
                    List.of());
            final BlobId lost = BlobId.wrap(new byte[BlobId.LENGTH]); // in no pack
            snapshotOf(repo, save(repo, List.of(
                    new Node("a", NodeType.DIR, 0755, 1000, 1000, 0, 0, 2, 1, 1, 0, "", save(repo, List.of(file)),
                            List.of(), List.of()),
                    new Node("b", NodeType.DIR, 0755, 1000, 1000, 0, 0, 3, 1, 1, 0, "", lost, List.of(), List.of()))));
        }
        final Path out = dir.resolve("ls.json");
        assertEquals(1, run(out, "ls", "--json", "latest"), () -> read(out + ".err"));
        // what was listed as one whole array, then the error document
        final ObjectMapper mapper = new ObjectMapper();
        try (JsonParser docs = mapper.createParser(out.toFile())) {
            final JsonNode listed = mapper.readTree(docs);
            assertEquals(List.of("/a", "/a/f", "/b"), listed.findValuesAsText("path"), listed.toString());
            final JsonNode error = mapper.readTree(docs);
            assertEquals(1, error.path("exitCode").asInt(), error.toString());
            assertTrue(error.path("error").asText().startsWith("/b: "), error.toString());
            assertNull(mapper.readTree(docs));
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
