package dev.vigil.backup.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.backup.RepositoryLockedException;
import dev.vigil.backup.TestRepos;
import dev.vigil.backup.TestTrees;
import dev.vigil.backup.WrongPasswordException;
import dev.vigil.backup.archiver.ArchiveOptions;
import dev.vigil.backup.archiver.Archiver;
import dev.vigil.backup.archiver.Level;
import dev.vigil.backup.backend.FileType;
import dev.vigil.backup.backend.Handle;
import dev.vigil.backup.backend.S3LikeBackend;
import dev.vigil.backup.checker.Checker;
import dev.vigil.backup.checker.IndexRebuilder;
import dev.vigil.backup.lock.RepoLock;
import dev.vigil.backup.migration.SnapshotCopier;
import dev.vigil.backup.restorer.RestoreOptions;
import dev.vigil.backup.restorer.Restorer;
import dev.vigil.backup.retention.Pruner;
import dev.vigil.backup.snapshot.Snapshot;
import dev.vigil.backup.snapshot.SnapshotStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every repository operation over a store with S3's semantics (no rename, paged listings, no locks). */
class S3SemanticsTest {
    @TempDir
    Path tmp;

    private static Repository open(final S3LikeBackend s3) {
        return Repository.open(s3, TestRepos.PASSWORD);
    }

    private static Snapshot backup(final Repository repo, final Path src, final Level level) {
        return new Archiver(repo, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds", level), null).snapshot();
    }

    private Map<String, String> restored(final Repository repo, final Snapshot s, final String name) throws Exception {
        final Path out = tmp.resolve(name);
        new Restorer(repo).restore(s, out, RestoreOptions.defaults(), null);
        return TestRepos.manifest(out);
    }

    private static void random(final Path file, final int bytes, final long seed) throws Exception {
        final byte[] data = new byte[bytes];
        new Random(seed).nextBytes(data);
        Files.write(file, data);
    }

    private static void assertValid(final Repository repo) {
        final Checker.Report report = new Checker(repo).check(1.0, 1);
        assertTrue(report.ok(), report.errors().toString());
    }

    @Test
    void shouldRunEveryOperationOverAStoreWithS3Semantics() throws Exception {
        final Path src = tmp.resolve("src");
        TestTrees.awkward(src, 4);
        random(src.resolve("big.bin"), 3 << 20, 1);
        final S3LikeBackend s3 = new S3LikeBackend(2);
        final S3LikeBackend offsite = new S3LikeBackend(2);
        final Snapshot first;
        try (Repository repo = TestRepos.create(s3)) {
            try (RepoLock lock = RepoLock.acquire(repo, false, Clock.systemUTC())) {
                first = backup(repo, src, Level.FULL);
                assertThrows(RepositoryLockedException.class, () -> RepoLock.acquire(repo, true, Clock.systemUTC()));
            }
            assertEquals(TestRepos.manifest(src), restored(repo, first, "out1"));
            repo.addKey("second".toCharArray(), 1024, Clock.systemUTC());
        }
        assertTrue(s3.keys().stream().noneMatch(k -> k.contains(".tmp")), "no temporary names: " + s3.keys());
        random(src.resolve("big.bin"), 3 << 20, 2);
        final Map<String, String> now = TestRepos.manifest(src);
        try (Repository repo = Repository.open(s3, "second".toCharArray())) {
            backup(repo, src, Level.INCREMENTAL);
            assertValid(repo);
            try (RepoLock lock = RepoLock.acquire(repo, true, Clock.systemUTC())) {
                new SnapshotStore(repo).remove(first.id());
                final Pruner.Result pr = new Pruner(repo).prune(0.5);
                assertTrue(pr.bytesFreed() > 1 << 20, pr.toString());
            }
        }
        try (Repository repo = Repository.open(s3, "second".toCharArray())) {
            final Snapshot second = new SnapshotStore(repo).resolve("latest", null);
            assertValid(repo);
            assertEquals(now, restored(repo, second, "out2"));
            try (Repository target = TestRepos.create(offsite)) {
                assertEquals(1, new SnapshotCopier(repo, target).copy(x -> true).copied().size());
                assertValid(target);
                assertEquals(now, restored(target, new SnapshotStore(target).resolve("latest", null), "out3"));
            }
            try (RepoLock lock = RepoLock.acquire(repo, true, Clock.systemUTC())) {
                new IndexRebuilder(repo).rebuild();
            }
            for (final var f : repo.backend().list(FileType.KEY)) {
                if (!f.handle().name().equals(repo.keyName())) {
                    repo.backend().remove(f.handle());
                }
            }
        }
        assertThrows(WrongPasswordException.class, () -> open(s3), "the first key is gone");
        try (Repository repo = Repository.open(s3, "second".toCharArray())) {
            assertValid(repo);
            assertTrue(RepoLock.list(repo, Clock.systemUTC()).isEmpty(), "every lock released");
        }
    }

    @Test
    void shouldKeepAnIndexFileThatTheListingShowedOnlyAfterPruneLoadedTheIndex() throws Exception {
        final Path src = tmp.resolve("src");
        Files.createDirectories(src);
        random(src.resolve("old.bin"), 2 << 20, 1);
        final S3LikeBackend s3 = new S3LikeBackend(2);
        try (Repository repo = TestRepos.create(s3)) {
            new SnapshotStore(repo).remove(backup(repo, src, Level.FULL).id());
        }
        Files.delete(src.resolve("old.bin"));
        random(src.resolve("new.bin"), 2 << 20, 2);
        s3.lagListing();
        try (Repository repo = open(s3)) {
            backup(repo, src, Level.FULL); // a backup that just finished: nothing of it is listed yet
        }
        try (Repository repo = open(s3); RepoLock lock = RepoLock.acquire(repo, true, Clock.systemUTC())) {
            s3.catchUp(FileType.INDEX); // its index file is listed while prune runs, its packs and snapshot later
            new Pruner(repo).prune(0.5);
        }
        s3.catchUp();
        try (Repository repo = open(s3)) {
            assertValid(repo);
            assertEquals(TestRepos.manifest(src), restored(repo, new SnapshotStore(repo).resolve("latest", null),
                    "out"));
        }
    }

    @Test
    void shouldListAndCheckTheSnapshotsLeftWhenOneListedWasForgottenSinceTheListing() throws Exception {
        final S3LikeBackend s3 = new S3LikeBackend();
        final Path src = Files.createDirectories(tmp.resolve("src"));
        random(src.resolve("a"), 10_000, 1);
        try (Repository repo = TestRepos.create(s3)) {
            final Snapshot first = backup(repo, src, Level.FULL);
            random(src.resolve("b"), 10_000, 2);
            backup(repo, src, Level.INCREMENTAL);
            // a forget at the same time, seen through a listing that lags behind removes
            s3.lagListing(FileType.SNAPSHOT);
            new SnapshotStore(repo).remove(first.id());
            final SnapshotStore store = new SnapshotStore(repo);
            assertEquals(1, store.list().size());
            assertTrue(store.damaged().isEmpty(), store.damaged().toString());
            assertValid(repo);
        }
    }
}
