package dev.vigil.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.backup.TestRepos;
import dev.vigil.backup.pack.BlobId;
import dev.vigil.backup.pack.BlobType;
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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands over one directory of very many entries (a mail spool, a cache), each in a JVM of its own with a small heap:
 * a directory's tree is read whole, and what reading it holds must stay near its encoded size.
 */
class LargeDirectoryCommandTest {
    private static final int ENTRIES = 200_000;
    /** Files of the directory backed up: enough that holding an object or two per entry shows at a small heap. */
    private static final int FILES = 200_000;

    @TempDir
    Path dir;

    @Test
    void shouldListADirectoryOfTwoHundredThousandEntriesInASmallHeap() throws Exception {
        Files.writeString(dir.resolve("pw"), new String(TestRepos.PASSWORD) + "\n");
        try (Repository repo = TestRepos.create(dir.resolve("repo"))) {
            final List<Node> files = new ArrayList<>(ENTRIES);
            for (int f = 0; f < ENTRIES; f++) {
                files.add(new Node(String.format("msg-%08d.eml", f), NodeType.FILE, 0600, 1000, 1000,
                        1_700_000_000_000_000_000L + f, 1_700_000_000_000_000_000L + f, f, 1, 1, 0, "", null, List.of(),
                        List.of()));
            }
            final byte[] tree = Tree.encode(files); // about 16 MB
            final BlobId root = repo.saveBlob(BlobType.TREE, tree, 0, tree.length).id();
            repo.flush();
            new SnapshotStore(repo).save(new Snapshot(null, Instant.now().toString(), Instant.now().toString(), "host",
                    "user", "ds", "/spool", root.hex(), "FULL", null, null, false, null, null, null, null, null, null,
                    null, null));
        }
        // Decoded into a Node each (with its name's String and its list of chunks), the directory needed more than
        // 64 MB: exit 3 (out of heap) at 40 MB and at 64 MB
        final Path out = dir.resolve("ls.txt");
        assertEquals(0, SmallHeapRepoCommand.run(dir, "-Xmx40m", out, "ls", "latest"),
                () -> read(Path.of(out + ".err")));
        try (var lines = Files.lines(out)) {
            assertEquals(ENTRIES, lines.filter(l -> l.contains("/msg-")).count());
        }
    }

    @Test
    void shouldBackUpAndRestoreADirectoryOfTwoHundredThousandFilesIdenticallyInASmallHeap() throws Exception {
        Files.writeString(dir.resolve("pw"), new String(TestRepos.PASSWORD) + "\n");
        TestRepos.create(dir.resolve("repo")).close();
        final Path spool = Files.createDirectories(dir.resolve("spool"));
        for (int f = 0; f < FILES; f++) {
            final Path p = spool.resolve(String.format("msg-%08d.eml", f));
            // empty, as most of a spool's or a cache's files are small; one in a thousand with content to restore
            if (f % 1000 == 0) {
                Files.writeString(p, "message " + f);
            } else {
                Files.createFile(p);
            }
        }
        // Holding its entries as Nodes (and their futures) until the last was read, then as a sorted copy and the
        // encoded tree (twice its size, then once more), the backup needed about 100 MB: exit 3 (out of heap) at 80 MB
        // and at 96 MB. Held as the tree's bytes as each entry is known, it needs about 70 MB.
        final String heap = "-Xmx80m";
        final Path out = dir.resolve("backup.txt");
        assertEquals(0, SmallHeapRepoCommand.run(dir, heap, out, "backup", spool.toString()), () -> read(errOf(out)));
        // an incremental backup walks the parent's entries beside the listing: gone, new, changed and unchanged ones
        Files.delete(spool.resolve("msg-00000010.eml"));
        Files.delete(spool.resolve(String.format("msg-%08d.eml", FILES - 1)));
        Files.createFile(spool.resolve("msg-00000010a.eml"));
        Files.writeString(spool.resolve("zz-last.eml"), "new at the end");
        Files.writeString(spool.resolve("msg-00002000.eml"), "changed, and longer than before");
        final Path again = dir.resolve("again.txt");
        assertEquals(0, SmallHeapRepoCommand.run(dir, heap, again, "backup", spool.toString()),
                () -> read(errOf(again)));
        assertTrue(Files.readString(again).contains("files: 2 new, 1 changed, " + (FILES - 3) + " unchanged, 2 removed"),
                () -> read(again));
        final Path target = dir.resolve("target");
        final Path restored = dir.resolve("restore.txt");
        assertEquals(0, SmallHeapRepoCommand.run(dir, heap, restored, "restore", "latest", "--target",
                target.toString()), () -> read(errOf(restored)));
        assertEquals(listing(spool), listing(target));
    }

    /** @return each file's name, size, mtime and content (files are small), sorted by name */
    private static List<String> listing(final Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            return files.sorted().map(p -> {
                try {
                    return p.getFileName() + " " + Files.size(p) + " " + Files.getLastModifiedTime(p) + " "
                            + Files.readString(p);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }

    private static Path errOf(final Path out) {
        return Path.of(out + ".err");
    }

    private static String read(final Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
