package dev.vigil.backup.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.backup.BackupException;
import dev.vigil.backup.TestRepos;
import dev.vigil.backup.archiver.ArchiveOptions;
import dev.vigil.backup.archiver.Archiver;
import dev.vigil.backup.archiver.Level;
import dev.vigil.backup.backend.FileType;
import dev.vigil.backup.backend.ForwardingBackend;
import dev.vigil.backup.backend.Handle;
import dev.vigil.backup.backend.LocalBackend;
import dev.vigil.backup.checker.Checker;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.restorer.RestoreOptions;
import dev.vigil.backup.restorer.Restorer;
import dev.vigil.backup.snapshot.Snapshot;
import dev.vigil.backup.snapshot.SnapshotStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A prune that fails with an ordinary error (not a kill) at each of its steps, on a real repository: repacking (a
 * pack's save), the new index, the removal of the old index files, the removal of unused packs. Each leaves a
 * repository that checks clean and restores, and the next prune finishes the work and leaves nothing behind.
 */
class InterruptedPruneTest {
    @TempDir
    Path dir;

    /** Fails the n-th save or remove of one kind of file, as a full disk or a store that went away would. */
    private static final class FailingOnce extends ForwardingBackend {
        private final FileType type;
        private final String op;
        private final AtomicInteger left;

        FailingOnce(final Path root, final FileType type, final String op, final int nth) {
            super(new LocalBackend(root, false));
            this.type = type;
            this.op = op;
            this.left = new AtomicInteger(nth);
        }

        private void maybeFail(final String what, final Handle h) throws IOException {
            if (what.equals(op) && h.type() == type && left.decrementAndGet() == 0) {
                throw new IOException("injected: cannot " + op + " " + h);
            }
        }

        @Override
        public void save(final Handle handle, final byte[] data) throws IOException {
            maybeFail("save", handle);
            super.save(handle, data);
        }

        @Override
        public void save(final Handle handle, final byte[] data, final int length) throws IOException {
            maybeFail("save", handle);
            super.save(handle, data, length);
        }

        @Override
        public void remove(final Handle handle) throws IOException {
            maybeFail("remove", handle);
            super.remove(handle);
        }
    }

    private static void write(final Path file, final long seed) throws IOException {
        final byte[] data = new byte[1_500_000];
        new Random(seed).nextBytes(data);
        Files.write(file, data);
    }

    @ParameterizedTest(name = "the {2}. {1} of a {0} fails")
    @CsvSource({"PACK, save, 1", "INDEX, save, 1", "INDEX, remove, 1", "PACK, remove, 1", "PACK, remove, 2"})
    void shouldLeaveAValidRepositoryThatTheNextPruneFinishes(final FileType type, final String op, final int nth)
            throws Exception {
        final Path src = Files.createDirectories(dir.resolve("src"));
        write(src.resolve("a"), 1);
        write(src.resolve("b"), 2);
        Files.writeString(src.resolve("c"), "kept all along");
        final Path repoDir = dir.resolve("repo");
        try (Repository repo = TestRepos.create(repoDir)) {
            final Archiver archiver = new Archiver(repo, Clock.systemUTC());
            final SnapshotStore store = new SnapshotStore(repo);
            final Snapshot first = archiver.backup(src, ArchiveOptions.of("ds", Level.FULL), null).snapshot();
            write(src.resolve("a"), 3);
            final Snapshot second = archiver.backup(src, ArchiveOptions.of("ds", Level.INCREMENTAL), null).snapshot();
            write(src.resolve("b"), 4);
            archiver.backup(src, ArchiveOptions.of("ds", Level.INCREMENTAL), null);
            store.remove(first.id());
            store.remove(second.id());
        }

        // min-used 1: the first backup's packs hold c, still used, beside data no snapshot uses: all repacked
        final BackupException e = assertThrows(BackupException.class, () -> {
            try (Repository repo = Repository.open(new FailingOnce(repoDir, type, op, nth), TestRepos.PASSWORD)) {
                new Pruner(repo).prune(1.0);
            }
        });
        assertTrue(e.getMessage().contains("injected"), e.toString());

        try (Repository repo = TestRepos.open(repoDir)) {
            final Checker.Report after = new Checker(repo).check(1.0, 1);
            assertTrue(after.ok(), "valid after the failed prune: " + after.errors());
            final Path out = dir.resolve("out");
            new Restorer(repo).restore(new SnapshotStore(repo).resolve("latest", null), out, RestoreOptions.defaults(),
                    null);
            assertEquals(TestRepos.manifest(src), TestRepos.manifest(out));

            final Pruner.Result next = new Pruner(repo).prune(1.0);
            assertTrue(next.packsDeleted() + next.packsRepacked() > 0, "the next prune finishes the work: " + next);
        }
        try (Repository repo = TestRepos.open(repoDir)) {
            final Checker.Report clean = new Checker(repo).check(1.0, 1);
            assertTrue(clean.ok(), clean.errors().toString());
            assertEquals(java.util.List.of(), clean.hints(), "nothing left behind");
            assertEquals(new Pruner.Result(0, 0, 0, 0), new Pruner(repo).prune(1.0), "nothing left to prune");
        }
    }
}
