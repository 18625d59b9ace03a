package dev.vigil.backup.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vigil.backup.InvalidDataException;
import dev.vigil.backup.pack.BlobId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The binary form of trees: the bytes of FORMAT.md, whatever builds or reads them. */
class TreeTest {
    private static BlobId id(final int seed) {
        final byte[] b = new byte[BlobId.LENGTH];
        Arrays.fill(b, (byte) seed);
        return BlobId.wrap(b);
    }

    /** One entry of each kind, a name that is not UTF-8 among them, in no particular order. */
    private static List<Node> entries() {
        final String notUtf8 = FileNames.decode(new byte[] {'b', (byte) 0xE9, 'x'});
        return List.of(
                new Node("z-file", NodeType.FILE, 0644, 1000, 1000, 1_700_000_000_123_456_789L, -5L, 42, 7, 2, 5000,
                        "", null, List.of(id(1), id(2))),
                new Node("a-dir", NodeType.DIR, 0755, 0, 0, 0, 1, 43, 7, 3, 0, "", id(3), List.of()),
                new Node("link", NodeType.SYMLINK, 0777, 1, 2, 3, 4, 44, 7, 1, 0, "../z-file", null, List.of()),
                new Node(notUtf8, NodeType.FILE, 0600, 1, 1, 9, 9, 45, 7, 1, 0, "", null, List.of()),
                new Node("日本", NodeType.FIFO, 0600, 1, 1, 9, 9, 46, 7, 1, 0, "", null, List.of()));
    }

    private static String sha256(final byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void shouldEncodeTreesByteForByteAsTheFormatSays() throws Exception {
        // Digests of the bytes written before trees were built entry by entry: a change here changes tree ids, and
        // every unchanged directory would be stored again after an upgrade.
        assertEquals("fcbce81074b2349a2728d5b60e5df73ab25781d0ffc38acab8a9e8c0f7420183", sha256(Tree.encode(entries())));
        final List<Node> withXattrs = new ArrayList<>(entries());
        withXattrs.set(2, withXattrs.get(2).withXattrs(List.of(new Xattr("user.a", new byte[] {1, 2, 3}),
                new Xattr("security.capability", new byte[0]))));
        assertEquals("5d9878c321fe5fadc67cc2e72adba00072e4fc1f7428c196c59ac60f3b709e2b", sha256(Tree.encode(withXattrs)));
        assertEquals("4e03754176fba2f8a691dc086c98c82725ee2046c38cd3622737d1407e7b50bf", sha256(Tree.encode(List.of())));
    }

    @Test
    void shouldReadBackWhatItWroteSortedByName() {
        final List<Node> read = Tree.decode(Tree.encode(entries()), "tree");
        final List<String> names = read.stream().map(Node::name).toList();
        final List<String> sorted = new ArrayList<>(names);
        sorted.sort(null);
        assertEquals(sorted, names);
        assertEquals(entries().size(), read.size());
        for (final Node n : entries()) {
            assertEquals(n, read.get(names.indexOf(n.name())));
        }
        final Node withXattr = entries().get(0).withXattrs(List.of(new Xattr("user.k", "v".getBytes(
                StandardCharsets.UTF_8))));
        final Node back = Tree.decode(Tree.encode(List.of(withXattr)), "tree").get(0);
        assertEquals("user.k", back.xattrs().get(0).name());
        assertArrayEquals("v".getBytes(StandardCharsets.UTF_8), back.xattrs().get(0).value());
    }

    @Test
    void shouldRefuseATruncatedTreeWhenReadingIt() {
        final byte[] tree = Tree.encode(entries());
        for (int cut = 0; cut < tree.length; cut += 7) {
            final byte[] shorter = Arrays.copyOf(tree, cut);
            assertThrows(InvalidDataException.class, () -> Tree.decode(shorter, "tree t"), "cut at " + cut);
        }
        final byte[] badType = Tree.encode(List.of(entries().get(1)));
        badType[8 + 2 + "a-dir".length()] = 9;
        assertThrows(InvalidDataException.class, () -> Tree.decode(badType, "tree t"));
    }
}
