package dev.vigil.backup.archiver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.backup.TestRepos;
import dev.vigil.backup.TestShell;
import dev.vigil.backup.pack.BlobId;
import dev.vigil.backup.pack.BlobType;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.restorer.RestoreOptions;
import dev.vigil.backup.restorer.Restorer;
import dev.vigil.backup.snapshot.Node;
import dev.vigil.backup.snapshot.Snapshot;
import dev.vigil.backup.snapshot.SnapshotStore;
import dev.vigil.backup.snapshot.Tree;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Extended attributes (user attributes here; ACLs and capabilities are attributes too, in other namespaces) are
 * stored and restored, on files and directories, and kept for files that did not change.
 */
class ExtendedAttributesTest {
    @TempDir
    Path tmp;

    private static void set(final Path p, final String name, final String value) throws Exception {
        Files.getFileAttributeView(p, UserDefinedFileAttributeView.class).write(name,
                ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)));
    }

    private static String get(final Path p, final String name) throws Exception {
        final UserDefinedFileAttributeView view = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
        final ByteBuffer b = ByteBuffer.allocate(view.size(name));
        view.read(name, b);
        return new String(b.array(), StandardCharsets.UTF_8);
    }

    @Test
    void shouldStoreAndRestoreExtendedAttributesOfFilesAndDirectories() throws Exception {
        final Path src = Files.createDirectories(tmp.resolve("src/d"));
        final Path f = Files.writeString(src.resolve("f"), "content");
        Files.writeString(src.resolve("plain"), "no attributes");
        try {
            set(f, "mime_type", "text/plain");
        } catch (java.io.IOException | UnsupportedOperationException e) {
            assumeTrue(false, "no user extended attributes on this file system: " + e);
        }
        set(src, "origin", "a directory's");
        final boolean acl = TestShell.succeeds("setfacl -m u:1234:rwx " + f);
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            final Archiver archiver = new Archiver(repo, Clock.systemUTC());
            archiver.backup(tmp.resolve("src"), ArchiveOptions.of("ds", Level.FULL), null);
            Files.writeString(src.resolve("plain"), "changed, so the directory is stored again");
            final Snapshot second = archiver.backup(tmp.resolve("src"), ArchiveOptions.of("ds", Level.INCREMENTAL),
                    null).snapshot();
            final Node d = Tree.decode(repo.loadBlob(BlobType.TREE, BlobId.parse(second.tree())), "root").get(0);
            final Node stored = Tree.decode(repo.loadBlob(BlobType.TREE, d.subtree()), "d").stream()
                    .filter(n -> n.name().equals("f")).findFirst().orElseThrow();
            assertTrue(stored.xattrs().stream().anyMatch(x -> x.name().equals("user.mime_type")),
                    "an unchanged file keeps its attributes: " + stored.xattrs());

            final Path out = tmp.resolve("out");
            new Restorer(repo).restore(second, out, RestoreOptions.defaults(), null);

            assertEquals("text/plain", get(out.resolve("d/f"), "mime_type"));
            assertEquals("a directory's", get(out.resolve("d"), "origin"));
            assertEquals(List.of(), Files.getFileAttributeView(out.resolve("d/plain"),
                    UserDefinedFileAttributeView.class).list());
            if (acl) {
                final Process p = new ProcessBuilder("getfacl", "-c", out.resolve("d/f").toString()).start();
                assertTrue(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).contains("user:1234:rwx"),
                        "a POSIX ACL is an extended attribute too");
            }
        }
    }

    @Test
    void shouldRestoreTheDatasetDirectorysOwnAttributesWhereItMakesOrOverwritesIt() throws Exception {
        // the dataset directory is no entry of a tree: what it has beside mode, owner and time lives in the snapshot
        final Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(src.resolve("f"), "content");
        try {
            set(src, "origin", "the dataset's own");
        } catch (java.io.IOException | UnsupportedOperationException e) {
            assumeTrue(false, "no user extended attributes on this file system: " + e);
        }
        final boolean acl = TestShell.succeeds("setfacl -d -m u:1234:rwx " + src);
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            final String id = new Archiver(repo, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds", Level.FULL),
                    null).snapshot().id();
            final Snapshot stored = new SnapshotStore(repo).load(id); // as a later command reads it

            final Path out = tmp.resolve("out");
            new Restorer(repo).restore(stored, out, RestoreOptions.defaults(), null);
            assertEquals("the dataset's own", get(out, "origin"));
            if (acl) {
                final Process p = new ProcessBuilder("getfacl", "-c", out.toString()).start();
                assertTrue(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                        .contains("default:user:1234:rwx"), "a directory's default ACL is an attribute too");
            }

            set(src, "origin", "changed since");
            new Restorer(repo).restore(stored, src, new RestoreOptions(List.of(), true, 2), null);
            assertEquals("the dataset's own", get(src, "origin"), "restored in place, over the dataset itself");
        }
    }

    @Test
    void shouldTakeFromADirectoryItOverwritesTheAttributesTheSnapshotDoesNotHave() throws Exception {
        final Path src = Files.createDirectories(tmp.resolve("src"));
        final Path d = Files.createDirectories(src.resolve("d"));
        Files.writeString(d.resolve("f"), "content");
        try {
            set(d, "kept", "at the backup");
        } catch (java.io.IOException | UnsupportedOperationException e) {
            assumeTrue(false, "no user extended attributes on this file system: " + e);
        }
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            final Snapshot s = new Archiver(repo, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds", Level.FULL),
                    null).snapshot();
            // since the backup: an attribute, and on the directories a grant (an ACL) that the snapshot never had
            set(d, "added", "after the backup");
            set(src, "added", "after the backup");
            final boolean acl = TestShell.succeeds("setfacl -m u:1234:rwx " + d);

            new Restorer(repo).restore(s, src, new RestoreOptions(List.of(), true, 2), null);

            final UserDefinedFileAttributeView view = Files.getFileAttributeView(d,
                    UserDefinedFileAttributeView.class);
            assertEquals(List.of("kept"), view.list(), "the directory as the snapshot has it");
            assertEquals("at the backup", get(d, "kept"));
            assertEquals(List.of(), Files.getFileAttributeView(src, UserDefinedFileAttributeView.class).list(),
                    "the dataset directory as the snapshot has it");
            if (acl) {
                final Process p = new ProcessBuilder("getfacl", "-c", d.toString()).start();
                final String shown = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(!shown.contains("user:1234"), "the grant made since is gone: " + shown);
            }
        }
    }

    @Test
    void shouldWriteTreesWithoutAttributesAsBefore() {
        final Node plain = new Node("a", dev.vigil.backup.snapshot.NodeType.FILE, 0644, 0, 0, 1, 2, 3, 4, 1, 0, "",
                null, List.of());
        final byte[] tree = Tree.encode(List.of(plain));
        assertArrayEquals("VTR1".getBytes(StandardCharsets.US_ASCII), java.util.Arrays.copyOf(tree, 4),
                "repositories of earlier versions read it, and its id does not change");
        final Node with = plain.withXattrs(List.of(new dev.vigil.backup.snapshot.Xattr("user.x", new byte[] {0, 1})));
        assertEquals(List.of(with), Tree.decode(Tree.encode(List.of(with)), "t"));
        assertEquals(List.of(plain), Tree.decode(tree, "t"));
    }
}
