package dev.vigil.backup.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.backup.TestRepos;
import dev.vigil.backup.TestTrees;
import dev.vigil.backup.archiver.ArchiveOptions;
import dev.vigil.backup.archiver.Archiver;
import dev.vigil.backup.archiver.Level;
import dev.vigil.backup.checker.Checker;
import dev.vigil.backup.lock.RepoLock;
import dev.vigil.backup.migration.SnapshotCopier;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.restorer.RestoreOptions;
import dev.vigil.backup.restorer.Restorer;
import dev.vigil.backup.snapshot.Snapshot;
import dev.vigil.backup.snapshot.SnapshotStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetentionTest {
    @TempDir
    Path tmp;

    private static Snapshot at(final String time, final boolean protect) {
        return new Snapshot(time, time, time, "h", "u", "ds", "/p", "00", "FULL", null, List.of(), protect, null, null,
                null, null, null, null, null, null);
    }

    @Test
    void shouldKeepByRulesAndAlwaysKeepProtectedSnapshots() {
        final List<Snapshot> all = new ArrayList<>();
        for (int day = 1; day <= 10; day++) {
            all.add(at(String.format("2026-01-%02dT10:00:00Z", day), day == 2));
            all.add(at(String.format("2026-01-%02dT18:00:00Z", day), false));
        }
        final List<RetentionPolicy.Decision> d = new RetentionPolicy(2, 0, 3, 0, 0, 0).apply(all, ZoneOffset.UTC);
        final List<String> kept = d.stream().filter(RetentionPolicy.Decision::keep).map(x -> x.snapshot().time())
                .toList();
        assertEquals(List.of("2026-01-10T18:00:00Z", "2026-01-10T10:00:00Z", "2026-01-09T18:00:00Z",
                "2026-01-08T18:00:00Z", "2026-01-02T10:00:00Z"), kept);
    }

    @Test
    void shouldPruneForgottenDataAndKeepTheRestRestorableAndCopyable() throws Exception {
        final Path src = tmp.resolve("src");
        TestTrees.awkward(src, 8);
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            final Archiver archiver = new Archiver(repo, Clock.systemUTC());
            final Snapshot first = archiver.backup(src, ArchiveOptions.of("ds", Level.FULL), null).snapshot();
            final byte[] other = new byte[4 << 20];
            new java.util.Random(3).nextBytes(other);
            Files.write(src.resolve("random.bin"), other);
            final Map<String, String> kept = TestRepos.manifest(src);
            final Snapshot second = archiver.backup(src, ArchiveOptions.of("ds", Level.INCREMENTAL), null).snapshot();
            final long before = Files.walk(tmp.resolve("repo")).filter(Files::isRegularFile)
                    .mapToLong(p -> p.toFile().length()).sum();
            new SnapshotStore(repo).remove(first.id());
            final List<Path> files = Files.walk(tmp.resolve("repo")).filter(Files::isRegularFile).sorted().toList();
            final Pruner.Result dry = new Pruner(repo).prune(0.5, true);
            assertEquals(files, Files.walk(tmp.resolve("repo")).filter(Files::isRegularFile).sorted().toList(),
                    "a dry run changes nothing");
            final Pruner.Result r = new Pruner(repo).prune(0.5);
            assertEquals(r.packsDeleted(), dry.packsDeleted());
            assertEquals(r.packsRepacked(), dry.packsRepacked());
            assertEquals(r.blobsRemoved(), dry.blobsRemoved());
            assertTrue(Math.abs(dry.bytesFreed() - r.bytesFreed()) < Math.max(64 << 10, r.bytesFreed() / 20),
                    dry + " against " + r);
            assertTrue(r.bytesFreed() > 2 << 20, "the first random.bin is gone: " + r);
            final long after = Files.walk(tmp.resolve("repo")).filter(Files::isRegularFile)
                    .mapToLong(p -> p.toFile().length()).sum();
            assertTrue(after < before - (2 << 20), before + " -> " + after);
        }
        try (Repository repo = TestRepos.open(tmp.resolve("repo"));
             Repository offsite = TestRepos.create(tmp.resolve("offsite"))) {
            final Checker.Report afterPrune = new Checker(repo).check(1.0, 2);
            assertTrue(afterPrune.ok(), afterPrune.errors().toString());
            final Snapshot s = new SnapshotStore(repo).resolve("latest", null);
            final SnapshotCopier.Result copy = new SnapshotCopier(repo, offsite).copy(x -> true);
            assertEquals(1, copy.copied().size());
            assertEquals(0, new SnapshotCopier(repo, offsite).copy(x -> true).copied().size(), "copied once");
            final Snapshot copied = new SnapshotStore(offsite).resolve("latest", null);
            assertEquals(s.id(), copied.original());
            final Path out = tmp.resolve("out");
            new Restorer(offsite).restore(copied, out, RestoreOptions.defaults(), null);
            assertEquals(TestRepos.manifest(src), TestRepos.manifest(out));
            assertTrue(new Checker(offsite).check(1.0, 3).ok());
            assertTrue(Instant.parse(copied.time()).equals(s.instant()));
        }
    }

    @Test
    void shouldNotTrustAnIndexLoadedBeforeTheLockWhenAPruneRanInBetween() throws Exception {
        final Path src = tmp.resolve("src");
        Files.createDirectories(src);
        final byte[] data = new byte[3 << 20];
        new java.util.Random(5).nextBytes(data);
        Files.write(src.resolve("data.bin"), data);
        final Snapshot first;
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            first = new Archiver(repo, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds", Level.FULL), null)
                    .snapshot();
        }
        // a backup has opened the repository (index loaded) but not yet locked it when another host prunes
        try (Repository late = TestRepos.open(tmp.resolve("repo"))) {
            try (Repository pruning = TestRepos.open(tmp.resolve("repo"));
                 RepoLock exclusive = RepoLock.acquire(pruning, true, Clock.systemUTC())) {
                new SnapshotStore(pruning).remove(first.id());
                assertTrue(new Pruner(pruning).prune(0.5).packsDeleted() > 0);
            }
            try (RepoLock shared = RepoLock.acquire(late, false, Clock.systemUTC())) {
                new Archiver(late, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds", Level.FULL), null);
            }
        }
        try (Repository repo = TestRepos.open(tmp.resolve("repo"))) {
            final Checker.Report report = new Checker(repo).check(1.0, 2);
            assertTrue(report.ok(), "the second backup stored data.bin again: " + report.errors());
            final Path out = tmp.resolve("out");
            new Restorer(repo).restore(new SnapshotStore(repo).resolve("latest", null), out, RestoreOptions.defaults(),
                    null);
            assertEquals(TestRepos.manifest(src), TestRepos.manifest(out));
        }
    }
}
