package dev.vigil.backup.restorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.backup.TestRepos;
import dev.vigil.backup.archiver.ArchiveOptions;
import dev.vigil.backup.archiver.Archiver;
import dev.vigil.backup.archiver.Level;
import dev.vigil.backup.backend.Backend;
import dev.vigil.backup.backend.FileType;
import dev.vigil.backup.backend.ForwardingBackend;
import dev.vigil.backup.backend.Handle;
import dev.vigil.backup.backend.LocalBackend;
import dev.vigil.backup.pack.BlobId;
import dev.vigil.backup.pack.BlobType;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.snapshot.Node;
import dev.vigil.backup.snapshot.Snapshot;
import dev.vigil.backup.snapshot.Tree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore as root into a tree where another user owns directories: that user, a real unprivileged process, tries
 * to swap a directory for a link to a place of root's while the restore waits for the file data of that directory.
 */
class RestoreSwapTest {
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));
    private static final int NOBODY = 65534;

    @TempDir
    Path tmp;

    @Test
    void shouldNotLetTheOwnerOfADirectoryOfTheTargetRedirectTheRestoreIntoAnotherPlace() throws Exception {
        assumeTrue(ROOT && new ProcessBuilder("setpriv", "--version").start().waitFor() == 0, "root and setpriv");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x")); // nobody must reach it
        final Path src = Files.createDirectories(tmp.resolve("src/alice/docs"));
        for (int i = 1; i <= 3; i++) {
            Files.writeString(src.resolve("f" + i), "file " + i);
        }
        final GatedBackend backend = new GatedBackend(new LocalBackend(tmp.resolve("repo"), false));
        try (Repository repo = TestRepos.create(backend)) {
            final Snapshot s = new Archiver(repo, Clock.systemUTC()).backup(tmp.resolve("src"),
                    ArchiveOptions.of("ds", Level.FULL), null).snapshot();
            // the target holds the dataset as it is now: alice's directories are hers
            final Path target = tmp.resolve("target");
            final Path docs = Files.createDirectories(target.resolve("alice/docs"));
            for (final Path p : List.of(target.resolve("alice"), docs)) {
                Files.setAttribute(p, "unix:uid", NOBODY);
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            Files.setAttribute(target, "unix:mode", 01777); // as /tmp is
            final Path victim = Files.createDirectories(tmp.resolve("etc")); // root's, as /etc is
            backend.gate(dataPacks(repo, s));

            final CompletableFuture<Restorer.Result> restore = CompletableFuture.supplyAsync(() -> new Restorer(repo)
                    .restore(s, target, new RestoreOptions(List.of(), true, 1), null));
            assertTrue(backend.reached.await(60, TimeUnit.SECONDS), "the restore never read file data");
            assertEquals(01777, (Integer) Files.getAttribute(target, "unix:mode") & 07777,
                    "a sticky directory of root's is left open to all: no one can rename what is not theirs in it");
            final Process swap = new ProcessBuilder("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                    "sh", "-c", "cd " + target.resolve("alice") + " && mv docs docs.old && ln -s " + victim + " docs")
                    .redirectErrorStream(true).start();
            final String said = new String(swap.getInputStream().readAllBytes());
            swap.waitFor(60, TimeUnit.SECONDS);
            backend.open.countDown();
            restore.get(60, TimeUnit.SECONDS);

            try (Stream<Path> in = Files.list(victim)) {
                assertEquals(List.of(), in.toList(), "the restore wrote where alice's link pointed");
            }
            assertTrue(swap.exitValue() != 0, "the swap was let through: " + said); // alice/ is root's for now
            assertFalse(Files.isSymbolicLink(docs));
            assertEquals("file 2", Files.readString(docs.resolve("f2")));
        }
    }

    @Test
    void shouldGiveADirectoryItKeepsItsOwnerAndModeBack() throws Exception {
        assumeTrue(ROOT, "root");
        final Path src = Files.createDirectories(tmp.resolve("src/alice"));
        Files.writeString(src.resolve("f"), "f");
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            final Snapshot s = new Archiver(repo, Clock.systemUTC()).backup(tmp.resolve("src"),
                    ArchiveOptions.of("ds", Level.FULL), null).snapshot();
            final Path alice = Files.createDirectories(tmp.resolve("target/alice"));
            Files.setAttribute(alice, "unix:uid", NOBODY);
            Files.setPosixFilePermissions(alice, PosixFilePermissions.fromString("rwxrwx---"));

            new Restorer(repo).restore(s, tmp.resolve("target"), new RestoreOptions(List.of(), false, 1, true), null);

            assertEquals("f", Files.readString(alice.resolve("f")));
            assertEquals(NOBODY, Files.getAttribute(alice, "unix:uid", LinkOption.NOFOLLOW_LINKS));
            assertEquals("rwxrwx---", PosixFilePermissions.toString(Files.getPosixFilePermissions(alice)));
        }
    }

    /** @return the packs holding the data of the files of alice/docs */
    private static Set<String> dataPacks(final Repository repo, final Snapshot s) {
        final Set<String> packs = ConcurrentHashMap.newKeySet();
        final Node alice = child(repo, BlobId.parse(s.tree()), "alice");
        for (final Node f : Tree.decode(repo.loadBlob(BlobType.TREE, child(repo, alice.subtree(), "docs").subtree()),
                "docs")) {
            f.content().forEach(id -> packs.add(repo.index().lookup(BlobType.DATA, id).pack()));
        }
        return packs;
    }

    private static Node child(final Repository repo, final BlobId tree, final String name) {
        return Tree.decode(repo.loadBlob(BlobType.TREE, tree), name).stream().filter(n -> n.name().equals(name))
                .findFirst().orElseThrow();
    }

    /** A local store whose chosen packs cannot be read until it is opened. */
    private static final class GatedBackend extends ForwardingBackend {
        final CountDownLatch reached = new CountDownLatch(1);
        final CountDownLatch open = new CountDownLatch(1);
        volatile Set<String> gated = Set.of();

        GatedBackend(final Backend inner) {
            super(inner);
        }

        void gate(final Set<String> packs) {
            gated = packs;
        }

        private void pass(final Handle h) throws IOException {
            if (h.type() == FileType.PACK && gated.contains(h.name())) {
                reached.countDown();
                try {
                    if (!open.await(60, TimeUnit.SECONDS)) {
                        throw new IOException("gate never opened");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
        }

        @Override
        public byte[] load(final Handle handle, final long offset, final int length) throws IOException {
            pass(handle);
            return inner.load(handle, offset, length);
        }

        @Override
        public byte[] load(final Handle handle) throws IOException {
            pass(handle);
            return inner.load(handle);
        }
    }
}
