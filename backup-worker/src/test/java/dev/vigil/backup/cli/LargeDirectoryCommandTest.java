package dev.vigil.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

    private static String read(final Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
