package dev.vigil.backup.archiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.backup.TestRepos;
import dev.vigil.backup.fs.OpenDirectory;
import dev.vigil.backup.pack.BlobId;
import dev.vigil.backup.pack.BlobType;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.restorer.RestoreOptions;
import dev.vigil.backup.restorer.Restorer;
import dev.vigil.backup.snapshot.Node;
import dev.vigil.backup.snapshot.NodeType;
import dev.vigil.backup.snapshot.Snapshot;
import dev.vigil.backup.snapshot.Tree;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real tree nested past Linux's PATH_MAX (4,096 bytes: directories of 200-byte names), which no call by path can
 * reach below that depth: what the backup stores and the restore writes is compared, entry by entry, with what
 * find(1) and sha256sum(1) say of the tree, each run in the directory of the entry (-execdir).
 */
class DeepTreeTest {
    private static final int LEVELS = 22;

    @TempDir
    Path tmp;
    Path src;

    @BeforeEach
    void deepTree() throws Exception {
        assumeTrue(OpenDirectory.byDescriptor(), "needs Linux with procfs");
        src = Files.createDirectories(tmp.resolve("src"));
        // relative mkdir and cd (-P: dash's logical cd makes the whole path): each call's path is short
        sh(src, "name=$(printf 'd%.0s' $(seq 200)); for i in $(seq " + LEVELS + "); do"
                + " mkdir \"$name$i\" && cd -P \"$name$i\" && printf 'level %s\\n' \"$i\" > \"f$i.txt\""
                + " && chmod 640 \"f$i.txt\" && ln -s \"f$i.txt\" \"link$i\""
                + " && touch -m -d '2021-03-04 05:06:07.123456789 UTC' \"f$i.txt\"; done"
                + " && head -c 3000000 /dev/urandom > big.bin && echo deep > deep.txt && ln deep.txt hard.txt"
                + " && mkfifo fifo && chmod 4711 deep.txt && mkdir -p side/below && echo side > side/below/s.txt");
        final Map<String, String> tree = manifest(src);
        assertTrue(tree.keySet().stream().anyMatch(p -> p.length() > 4096), "paths past PATH_MAX");
    }

    /** JUnit's removal of the temporary directory goes by path: rm(1) goes by descriptors. */
    @AfterEach
    void removeDeepTrees() throws Exception {
        sh(tmp, "rm -rf ./*");
    }

    @Test
    void shouldBackUpEveryEntryOfATreeWhosePathsPassPathMax() throws Exception {
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            final Archiver.Result r = new Archiver(repo, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds",
                    Level.FULL), null);
            assertEquals(List.of(), r.warnings());
            final Map<String, String> stored = new TreeMap<>();
            snapshotManifest(repo, BlobId.parse(r.snapshot().tree()), "", stored);
            assertEquals(List.of(), differences(manifest(src), stored));
        }
    }

    @Test
    void shouldRestoreATreeWhosePathsPassPathMaxIntoANewTarget() throws Exception {
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            final Snapshot s = new Archiver(repo, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds", Level.FULL),
                    null).snapshot();
            final Path out = tmp.resolve("restored/under/a/longer/prefix");
            final Restorer.Result r = new Restorer(repo).restore(s, out, RestoreOptions.defaults(), null);
            assertEquals(List.of(), r.failed());
            assertEquals(List.of(), r.warnings());
            assertEquals(List.of(), differences(manifest(src), manifest(out)));
        }
    }

    @Test
    void shouldRestoreATreeWhosePathsPassPathMaxOverTheOriginalWithOverwrite() throws Exception {
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            final Map<String, String> before = manifest(src);
            final Snapshot s = new Archiver(repo, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds", Level.FULL),
                    null).snapshot();
            // the deepest directory's entries changed, removed, or replaced by another type
            sh(src, "while cd -P dd* 2>/dev/null; do :; done; echo changed > deep.txt && rm big.bin fifo link22"
                    + " && echo not a link > link22 && chmod 600 f22.txt && echo new > side/below/s.txt");
            final Restorer.Result r = new Restorer(repo).restore(s, src, new RestoreOptions(List.of(), true, 2), null);
            assertEquals(List.of(), r.failed());
            assertEquals(List.of(), r.warnings());
            assertEquals(List.of(), differences(before, manifest(src)));
        }
    }

    /** @return each entry of the snapshot's tree as {@link #manifest} describes one of a directory */
    private static void snapshotManifest(final Repository repo, final BlobId tree, final String rel,
                                         final Map<String, String> out) throws Exception {
        for (final Node n : Tree.decode(repo.loadBlob(BlobType.TREE, tree), "tree " + tree)) {
            final String p = rel.isEmpty() ? n.name() : rel + "/" + n.name();
            final String type = switch (n.type()) {
                case DIR -> "d";
                case FILE -> "f";
                case SYMLINK -> "l";
                case FIFO -> "p";
                default -> n.type().name();
            };
            String hash = "-";
            if (n.type() == NodeType.FILE) {
                final MessageDigest sha = MessageDigest.getInstance("SHA-256");
                for (final BlobId id : n.content()) {
                    sha.update(repo.loadBlob(BlobType.DATA, id));
                }
                hash = HexFormat.of().formatHex(sha.digest());
            }
            out.put(p, String.join(" ", type, Integer.toOctalString(n.mode() & 07777),
                    n.type() == NodeType.DIR || n.type() == NodeType.SYMLINK ? "-" : Long.toString(n.size()), Long.toString(n.mtimeNanos()),
                    Integer.toString(n.type() == NodeType.DIR ? 0 : n.links()), n.linkTarget(), hash));
            if (n.type() == NodeType.DIR) {
                snapshotManifest(repo, n.subtree(), p, out);
            }
        }
    }

    /**
     * @param root a tree
     * @return relative path → type, mode, size (none for a directory or link), mtime (ns), links (none for a directory),
     *     link target, SHA-256 of a file's content
     */
    static Map<String, String> manifest(final Path root) throws Exception {
        final String listing = sh(root, "find . -mindepth 1 -printf '%P|%y|%m|%s|%T@|%n|%l|' -execdir sh -c"
                + " 'if [ -f \"$1\" ] && [ ! -L \"$1\" ]; then sha256sum < \"$1\" | cut -d\" \" -f1; else echo -; fi'"
                + " _ {} \\;");
        final Map<String, String> out = new TreeMap<>();
        for (final String line : listing.split("\n")) {
            final String[] f = line.split("\\|", -1);
            final String[] time = f[4].split("\\.");
            final long mtime = Long.parseLong(time[0]) * 1_000_000_000L + Long.parseLong(time[1].substring(0, 9));
            final boolean dir = f[1].equals("d");
            // a link's size is its target's length, which the snapshot records as the target
            out.put(f[0], String.join(" ", f[1], f[2], dir || f[1].equals("l") ? "-" : f[3], Long.toString(mtime), dir ? "0" : f[5],
                    f[6], f[7]));
        }
        return out;
    }

    /** @return each entry that differs, its path's runs of d shortened */
    static List<String> differences(final Map<String, String> expected, final Map<String, String> actual) {
        final java.util.Set<String> paths = new java.util.TreeSet<>(expected.keySet());
        paths.addAll(actual.keySet());
        return paths.stream().filter(p -> !java.util.Objects.equals(expected.get(p), actual.get(p)))
                .map(p -> p.replaceAll("d{200}", "d*200") + " (" + p.length() + " bytes): expected " + expected.get(p) + ", got " + actual.get(p))
                .toList();
    }

    /** @return what the command printed, run by sh in that directory; it must succeed */
    static String sh(final Path dir, final String command) throws Exception {
        final Process p = new ProcessBuilder("sh", "-c", command).directory(dir.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), command);
        assertEquals(0, p.exitValue(), command);
        return out;
    }
}
