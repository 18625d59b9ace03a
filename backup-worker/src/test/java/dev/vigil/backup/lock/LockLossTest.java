package dev.vigil.backup.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.backup.RetriableBackupException;
import dev.vigil.backup.TestRepos;
import dev.vigil.backup.archiver.ArchiveOptions;
import dev.vigil.backup.archiver.Archiver;
import dev.vigil.backup.archiver.Level;
import dev.vigil.backup.backend.FileInfo;
import dev.vigil.backup.backend.FileType;
import dev.vigil.backup.backend.ForwardingBackend;
import dev.vigil.backup.backend.Handle;
import dev.vigil.backup.backend.LocalBackend;
import dev.vigil.backup.checker.Checker;
import dev.vigil.backup.repository.Repository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A holder whose lock was removed as stale (a paused process, a host whose clock runs ahead) must not write an index
 * or a snapshot: another process may have pruned the packs they would name.
 */
class LockLossTest {
    @TempDir
    Path tmp;

    /** 6 MiB of incompressible data: several 1 MiB packs, so packs are written before any index file. */
    private Path source() throws IOException {
        final Path src = tmp.resolve("src");
        Files.createDirectories(src);
        final Random random = new Random(7);
        for (int i = 0; i < 6; i++) {
            final byte[] data = new byte[1 << 20];
            random.nextBytes(data);
            Files.write(src.resolve("file-" + i), data);
        }
        return src;
    }

    @Test
    void shouldFailTheBackupWithoutASnapshotWhenAnotherProcessRemovedItsLockAndPrunedItsFirstPack() throws Exception {
        final Path src = source();
        final Path dir = tmp.resolve("repo");
        TestRepos.create(dir).close();
        final LocalBackend local = new LocalBackend(dir, false);
        final AtomicBoolean pruned = new AtomicBoolean();
        // Once the backup's first pack is saved, another process takes its lock for stale, removes it, and prunes
        // that pack, which no index names yet.
        final ForwardingBackend store = new ForwardingBackend(local) {
            @Override
            public void save(final Handle handle, final byte[] data, final int length) throws IOException {
                super.save(handle, data, length);
                if (handle.type() == FileType.PACK && pruned.compareAndSet(false, true)) {
                    for (final FileInfo lock : inner.list(FileType.LOCK)) {
                        inner.remove(lock.handle());
                    }
                    inner.remove(handle);
                }
            }
        };
        try (Repository repo = Repository.open(store, TestRepos.PASSWORD);
             RepoLock lock = RepoLock.acquire(repo, false, Clock.systemUTC())) {
            final RetriableBackupException lost = assertThrows(RetriableBackupException.class,
                    () -> new Archiver(repo, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds", Level.FULL), null));
            assertTrue(lost.getMessage().contains("lost"), lost.getMessage());
        }
        assertTrue(pruned.get());
        assertEquals(0, local.list(FileType.SNAPSHOT).size(), "no snapshot naming a deleted pack");
        assertEquals(0, local.list(FileType.INDEX).size(), "no index naming a deleted pack");
        try (Repository repo = TestRepos.open(dir)) {
            final Checker.Report report = new Checker(repo).check(1.0, 1);
            assertTrue(report.ok(), report.errors().toString());
        }
    }

    @Test
    void shouldFailTheBackupWhenItsLockWasNotRefreshedForLongerThanTheStaleTime() throws Exception {
        final Path src = source();
        final Path dir = tmp.resolve("repo");
        TestRepos.create(dir).close();
        final Instant start = Instant.now();
        final Clock[] now = {Clock.fixed(start, ZoneOffset.UTC)};
        final Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(final java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0].instant();
            }
        };
        try (Repository repo = TestRepos.open(dir); RepoLock lock = RepoLock.acquire(repo, false, clock)) {
            // the process was stopped (SIGSTOP, a suspended machine) past the stale time: its lock file is still
            // there, but any other process was free to remove it and prune
            now[0] = Clock.fixed(start.plus(RepoLock.STALE).plus(Duration.ofMinutes(1)), ZoneOffset.UTC);
            assertThrows(RetriableBackupException.class,
                    () -> new Archiver(repo, clock).backup(src, ArchiveOptions.of("ds", Level.FULL), null));
            assertThrows(RetriableBackupException.class, () -> lock.checkHeld("a snapshot"));
        }
        try (Repository repo = TestRepos.open(dir)) {
            assertEquals(0, repo.backend().list(FileType.SNAPSHOT).size());
            final Checker.Report report = new Checker(repo).check(1.0, 1);
            assertTrue(report.ok(), report.errors().toString());
        }
    }

    @Test
    void shouldWriteNoIndexOrSnapshotOnceAStopReleasedItsLockWhileTheCommandStillRuns() throws Exception {
        final Path src = source();
        final Path dir = tmp.resolve("repo");
        TestRepos.create(dir).close();
        final StopOrder stop = new StopOrder(Duration.ofSeconds(5));
        try (Repository repo = TestRepos.open(dir);
             RepoLock lock = RepoLock.acquire(repo, false, Clock.systemUTC(), stop)) {
            // SIGTERM of the worker: the stop releases its lock while the command it runs goes on (its close waits
            // for it), as a prune of another host may now delete the packs that command has not indexed yet
            stop.stop();
            assertEquals(0, repo.backend().list(FileType.LOCK).size(), "released");
            final RetriableBackupException refused = assertThrows(RetriableBackupException.class,
                    () -> new Archiver(repo, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds", Level.FULL), null));
            assertTrue(refused.getMessage().contains("released"), refused.getMessage());
            assertEquals(0, repo.backend().list(FileType.INDEX).size(), "no index written without the lock");
            assertEquals(0, repo.backend().list(FileType.SNAPSHOT).size(), "no snapshot written without the lock");
        }
    }

    @Test
    void shouldKeepALockThatIsRefreshedAndInPlace() throws Exception {
        final Path src = source();
        try (Repository repo = TestRepos.create(tmp.resolve("repo"));
             RepoLock lock = RepoLock.acquire(repo, false, Clock.systemUTC())) {
            new Archiver(repo, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds", Level.FULL), null);
            lock.checkHeld("a snapshot");
            assertEquals(1, repo.backend().list(FileType.SNAPSHOT).size());
        }
    }
}
