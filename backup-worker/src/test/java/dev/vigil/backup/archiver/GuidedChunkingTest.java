package dev.vigil.backup.archiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.backup.TestRepos;
import dev.vigil.backup.pack.BlobId;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.snapshot.Node;
import dev.vigil.backup.snapshot.Snapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A changed file is guided by its parent version's chunks ({@link ParentChunks}): whatever the edit,
 * the chunks must be exactly those of chunking the new content from scratch, and unchanged ranges
 * must be taken from the parent without the chunker.
 */
class GuidedChunkingTest {
    private static final int SIZE = 3 << 20;

    @TempDir
    Path tmp;

    @Test
    void guidedChunksEqualChunkingFromScratchForEveryKindOfEdit() throws Exception {
        final Path src = tmp.resolve("src");
        Files.createDirectories(src);
        final String[] kinds = {"overwrite", "insert", "delete", "append", "truncate", "prepend", "rewrite",
            "endless"};
        final Map<String, byte[]> before = new TreeMap<>();
        for (int i = 0; i < kinds.length; i++) {
            before.put(kinds[i], content(SIZE, i));
            Files.write(src.resolve(kinds[i]), before.get(kinds[i]));
        }
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            backup(repo, src, Level.FULL, null);
            final SplittableRandom random = new SplittableRandom(99);
            for (final String kind : kinds) {
                Files.write(src.resolve(kind), edit(kind, before.get(kind), random));
            }
            final BackupProgress progress = new BackupProgress(0);
            final Snapshot guided = backup(repo, src, Level.INCREMENTAL, progress);
            final Snapshot scratch = backup(repo, src, Level.FULL, null);

            final Map<String, List<BlobId>> expected = chunks(repo, scratch);
            final Map<String, List<BlobId>> actual = chunks(repo, guided);
            assertEquals(expected.keySet(), actual.keySet());
            for (final String kind : kinds) {
                final List<BlobId> e = expected.get(kind);
                final List<BlobId> a = actual.get(kind);
                int first = 0;
                while (first < Math.min(e.size(), a.size()) && e.get(first).equals(a.get(first))) {
                    first++;
                }
                assertEquals(e, a, kind + ": differs from chunk " + first);
            }
            // Each edit leaves most of its file as it was: most bytes read must have been matched by id.
            final long read = guided.figures().bytesRead();
            assertTrue(progress.bytesMatched() > read / 2,
                    "matched " + progress.bytesMatched() + " of " + read + " bytes read");
            assertTrue(progress.bytesMatched() < read, "the rewritten file cannot match anything");
        }
    }

    @Test
    void anEditInPlaceHashesLittleMoreThanTheFile() throws Exception {
        final Path src = tmp.resolve("src");
        Files.createDirectories(src);
        final byte[] image = content(SIZE, 3);
        Files.write(src.resolve("image"), image);
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            backup(repo, src, Level.FULL, null);
            // Scattered writes touch about half the chunks. Each of those is hashed as the parent's chunk it was and
            // found different; where the chunker then cuts it at the same ends, that id is the one already computed.
            // What is hashed twice is only where an edit moved a cut (here about a fifth of the file; 1.64 times the
            // file in all when ids were computed again).
            final byte[] edited = image.clone();
            final SplittableRandom random = new SplittableRandom(5);
            for (int k = 0; k < 30; k++) {
                final int at = random.nextInt(edited.length - 4096);
                for (int j = at; j < at + 4096; j++) {
                    edited[j] = (byte) random.nextInt();
                }
            }
            Files.write(src.resolve("image"), edited);
            final long before = repo.hasher().bytesHashed();
            final Snapshot guided = backup(repo, src, Level.INCREMENTAL, null);
            final long hashed = repo.hasher().bytesHashed() - before;
            assertEquals(chunks(repo, backup(repo, src, Level.FULL, null)), chunks(repo, guided));
            assertTrue(hashed < SIZE * 13 / 10, "hashed " + hashed + " bytes of a " + SIZE + "-byte file");
        }
    }

    private Snapshot backup(final Repository repo, final Path src, final Level level, final BackupProgress progress) {
        return new Archiver(repo, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds", level), progress).snapshot();
    }

    private static Map<String, List<BlobId>> chunks(final Repository repo, final Snapshot s) {
        final Map<String, List<BlobId>> out = new TreeMap<>();
        for (final Node n : Archiver.loadTree(repo, BlobId.parse(s.tree()))) {
            out.put(n.name(), n.content());
        }
        return out;
    }

    /** Random bytes with runs of zeros and repeated blocks, like a disk image. */
    private static byte[] content(final int size, final long seed) {
        final SplittableRandom random = new SplittableRandom(seed);
        final byte[] b = new byte[size];
        for (int i = 0; i < size; i += 4096) {
            final int kind = random.nextInt(10);
            if (kind < 7) {
                for (int j = i; j < Math.min(size, i + 4096); j++) {
                    b[j] = (byte) random.nextInt();
                }
            } else if (kind < 9 && i >= 8192) {
                System.arraycopy(b, i - 8192, b, i, Math.min(4096, size - i));
            }
        }
        return b;
    }

    private static byte[] edit(final String kind, final byte[] b, final SplittableRandom random) throws IOException {
        final int middle = b.length / 2;
        return switch (kind) {
            case "overwrite" -> {
                final byte[] c = b.clone();
                for (int k = 0; k < 5; k++) {
                    final int at = random.nextInt(c.length - 4096);
                    for (int j = at; j < at + 4096; j++) {
                        c[j] = (byte) random.nextInt();
                    }
                }
                yield c;
            }
            case "insert" -> concat(Arrays.copyOf(b, middle), content(1000, 7), Arrays.copyOfRange(b, middle, b.length));
            case "delete" -> concat(Arrays.copyOf(b, middle), Arrays.copyOfRange(b, middle + 70_000, b.length));
            case "append" -> concat(b, content(100 << 10, 8));
            case "truncate" -> Arrays.copyOf(b, b.length - (50 << 10));
            case "prepend" -> concat(content(10, 9), b);
            case "rewrite" -> content(b.length, 10);
            // The parent's last chunk followed by more bytes: it was cut by the end of the file, not by content.
            case "endless" -> concat(b, b);
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static byte[] concat(final byte[]... parts) {
        final byte[] out = new byte[Arrays.stream(parts).mapToInt(p -> p.length).sum()];
        int at = 0;
        for (final byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
