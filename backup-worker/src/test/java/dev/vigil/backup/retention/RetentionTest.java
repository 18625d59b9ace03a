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

    /** @return the times kept by the policy in the zone, newest first */
    private static List<String> kept(final RetentionPolicy policy, final String zone, final String... times) {
        final List<Snapshot> all = new ArrayList<>();
        for (final String t : times) {
            all.add(at(t, false));
        }
        return policy.apply(all, java.time.ZoneId.of(zone)).stream().filter(RetentionPolicy.Decision::keep)
                .map(x -> x.snapshot().time()).toList();
    }

    @Test
    void shouldCountTheRepeatedHourOfADstChangeAsOneHourAsResticDoes() {
        // Berlin, 2024-10-27: 03:00 CEST (01:00Z) becomes 02:00 CET; 00:00Z-01:59Z are both 02:xx on the clock
        final String[] halfHours = new String[12];
        for (int i = 0; i < halfHours.length; i++) {
            halfHours[i] = Instant.parse("2024-10-26T22:00:00Z").plusSeconds(1800L * i).toString();
        }
        assertEquals(List.of("2024-10-27T03:30:00Z", "2024-10-27T02:30:00Z", "2024-10-27T01:30:00Z",
                "2024-10-26T23:30:00Z"), kept(new RetentionPolicy(0, 4, 0, 0, 0, 0), "Europe/Berlin", halfHours));
        // a 30-minute zone: Asia/Kolkata's hours start at :30 UTC
        assertEquals(List.of("2024-06-01T01:29:00Z", "2024-06-01T00:29:00Z"), kept(new RetentionPolicy(0, 2, 0, 0,
                0, 0), "Asia/Kolkata", "2024-06-01T00:00:00Z", "2024-06-01T00:29:00Z", "2024-06-01T00:30:00Z",
                "2024-06-01T01:29:00Z"));
    }

    @Test
    void shouldUseIsoWeeksAcrossYearEndsAndKeepALeapDayAsADay() {
        final List<String> days = new ArrayList<>();
        for (java.time.LocalDate d = java.time.LocalDate.of(2020, 12, 26); !d.isAfter(java.time.LocalDate.of(2021, 1,
                10)); d = d.plusDays(1)) {
            days.add(d + "T12:00:00Z");
        }
        // 2020-W53 runs from Monday December 28 to Sunday January 3
        assertEquals(List.of("2021-01-10T12:00:00Z", "2021-01-03T12:00:00Z", "2020-12-27T12:00:00Z"),
                kept(new RetentionPolicy(0, 0, 0, 3, 0, 0), "UTC", days.toArray(String[]::new)));
        // January 1, 2023 is a Sunday: in 2022-W52, while its year is 2023
        final String[] newYear = {"2022-12-30T12:00:00Z", "2022-12-31T12:00:00Z", "2023-01-01T12:00:00Z",
            "2023-01-02T12:00:00Z", "2023-01-03T12:00:00Z"};
        assertEquals(List.of("2023-01-03T12:00:00Z", "2023-01-01T12:00:00Z"),
                kept(new RetentionPolicy(0, 0, 0, 2, 0, 0), "UTC", newYear));
        assertEquals(List.of("2023-01-03T12:00:00Z", "2022-12-31T12:00:00Z"),
                kept(new RetentionPolicy(0, 0, 0, 0, 0, 2), "UTC", newYear));
        final String[] leap = {"2024-02-28T12:00:00Z", "2024-02-29T06:00:00Z", "2024-02-29T12:00:00Z",
            "2024-03-01T12:00:00Z"};
        assertEquals(List.of("2024-03-01T12:00:00Z", "2024-02-29T12:00:00Z", "2024-02-28T12:00:00Z"),
                kept(new RetentionPolicy(0, 0, 3, 0, 0, 0), "UTC", leap));
        assertEquals(List.of("2024-03-01T12:00:00Z", "2024-02-29T12:00:00Z"),
                kept(new RetentionPolicy(0, 0, 0, 0, 2, 0), "UTC", leap));
    }

    @Test
    void shouldTakeTheLowerIdAsTheNewerOfTwoSnapshotsWithTheSameTimeWhateverTheOrderGiven() {
        final String t = "2026-01-10T10:00:00Z";
        final Snapshot a = new Snapshot("aa", t, t, "h", "u", "ds", "/p", "00", "FULL", null, List.of(), false, null,
                null, null, null, null, null, null, null);
        final Snapshot b = new Snapshot("bb", t, t, "h", "u", "ds", "/p", "00", "FULL", null, List.of(), false, null,
                null, null, null, null, null, null, null);
        for (final List<Snapshot> order : List.of(List.of(a, b), List.of(b, a))) {
            final List<String> kept = new RetentionPolicy(1, 0, 0, 0, 0, 0).apply(order, ZoneOffset.UTC).stream()
                    .filter(RetentionPolicy.Decision::keep).map(d -> d.snapshot().id()).toList();
            assertEquals(List.of("aa"), kept, "given " + order.stream().map(Snapshot::id).toList());
        }
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
