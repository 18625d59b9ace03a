package dev.vigil.backup.archiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.backup.BackupException;
import dev.vigil.backup.TestRepos;
import dev.vigil.backup.TestTrees;
import dev.vigil.backup.backend.Backend;
import dev.vigil.backup.backend.FaultyBackend;
import dev.vigil.backup.backend.MemoryBackend;
import dev.vigil.backup.backend.RetryingBackend;
import dev.vigil.backup.checker.Checker;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.restorer.RestoreOptions;
import dev.vigil.backup.restorer.Restorer;
import dev.vigil.backup.snapshot.Snapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The repository over a store that fails: flaky requests are retried, a store that stops leaves no damage. */
class FaultyStoreTest {
    @TempDir
    Path tmp;

    private static Repository init(final FaultyBackend store) {
        return TestRepos.create(new RetryingBackend(store, 3, 1));
    }

    private static Repository open(final FaultyBackend store) {
        return Repository.open(new RetryingBackend(store, 3, 1), TestRepos.PASSWORD);
    }

    /** @return 3 MiB that do not compress, so the backup needs several 1 MiB packs */
    private static byte[] random(final long seed) {
        final byte[] data = new byte[3 << 20];
        new Random(seed).nextBytes(data);
        return data;
    }

    private Snapshot backup(final Repository repo, final Path src) {
        return new Archiver(repo, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds", null), null).snapshot();
    }

    private Map<String, String> restored(final Repository repo, final Snapshot s, final String name) throws Exception {
        final Path target = tmp.resolve(name);
        new Restorer(repo).restore(s, target, RestoreOptions.defaults(), null);
        return TestRepos.manifest(target);
    }

    @Test
    void shouldBackUpAndRestoreThroughAStoreThatDropsEveryFifthRequest() throws Exception {
        final Path src = tmp.resolve("src");
        TestTrees.awkward(src, 3);
        final FaultyBackend store = new FaultyBackend(new MemoryBackend());
        try (Repository repo = init(store)) {
            store.failEvery(5);
            final Snapshot s = backup(repo, src);
            assertEquals(TestRepos.manifest(src), restored(repo, s, "out"));
            final Checker.Report report = new Checker(repo).check(1.0, 1);
            assertTrue(report.ok(), report.errors().toString());
            assertTrue(store.injected.get() >= store.calls.get() / 10, "requests dropped: " + store.injected);
        }
    }

    @Test
    void shouldLeaveAValidRepositoryWhenTheStoreStopsMidBackupAndFinishOnTheNextRun() throws Exception {
        final Path src = tmp.resolve("src");
        TestTrees.awkward(src, 4);
        Files.write(src.resolve("big.bin"), random(4));
        final FaultyBackend store = new FaultyBackend(new MemoryBackend());
        final Snapshot first;
        try (Repository repo = init(store)) {
            first = backup(repo, src);
        }
        Files.writeString(src.resolve("added.txt"), "after the first backup");
        Files.write(src.resolve("big2.bin"), random(5));

        store.failSavesAfter(1);
        final BackupException e = assertThrows(BackupException.class, () -> {
            try (Repository repo = open(store)) {
                backup(repo, src);
            }
        });
        assertTrue(e.getMessage().contains("no space left"), "the reason: " + e);

        store.failSavesAfter(-1);
        try (Repository repo = open(store)) {
            final Checker.Report afterFailure = new Checker(repo).check(1.0, 1);
            assertTrue(afterFailure.ok(), "a failed backup leaves no damage: " + afterFailure.errors());
            final Map<String, String> now = TestRepos.manifest(src);
            assertEquals(now, restored(repo, backup(repo, src), "second"));
            assertEquals(now.size() - 2, restored(repo, first, "first").size(), "the first snapshot is intact");
        }
    }

    @Test
    void shouldIndexThePacksAFailedBackupWroteWholeSoTheNextRunStoresOnlyTheRest() throws Exception {
        final Path src = Files.createDirectories(tmp.resolve("src"));
        long size = 0;
        for (int i = 0; i < 6; i++) {
            final byte[] data = new byte[700 << 10]; // random: about 4 MiB of 1 MiB packs in all
            new Random(10 + i).nextBytes(data);
            size += Files.write(src.resolve("file" + i), data).toFile().length();
        }
        final Path dir = tmp.resolve("repo");
        TestRepos.create(dir).close();
        // a real repository on disk whose file system fills up at the 4th pack: an index file, small, still fits
        final Backend filling = TestRepos.fullFromPack(dir, 4);
        final BackupException e = assertThrows(BackupException.class, () -> {
            try (Repository repo = Repository.open(filling, TestRepos.PASSWORD)) {
                backup(repo, src);
            }
        });
        assertTrue(e.getMessage().contains("No space left"), "the reason: " + e);
        assertEquals(3, TestRepos.packFiles(dir).size(), "the packs written before the disk was full");

        try (Repository repo = TestRepos.open(dir)) {
            final Checker.Report afterFailure = new Checker(repo).check(0, 1);
            assertTrue(afterFailure.ok(), afterFailure.errors().toString());
            assertTrue(afterFailure.hints().stream().noneMatch(h -> h.contains("not indexed")),
                    "every pack written whole is indexed: " + afterFailure.hints());
            final Snapshot next = backup(repo, src);
            assertTrue(next.figures().bytesAdded() < size - (2 << 20), "the 3 packs of the failed run are re-used: "
                    + next.figures().bytesAdded() + " of " + size + " bytes added");
            assertEquals(TestRepos.manifest(src), restored(repo, next, "out"));
            assertTrue(new Checker(repo).check(1.0, 1).ok());
        }
    }
}
