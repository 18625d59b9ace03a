package dev.vigil.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.backup.TestRepos;
import dev.vigil.backup.archiver.ArchiveOptions;
import dev.vigil.backup.archiver.Archiver;
import dev.vigil.backup.archiver.Level;
import dev.vigil.backup.migration.SnapshotCopier;
import dev.vigil.backup.retention.Pruner;
import java.time.Clock;
import dev.vigil.backup.checker.Checker;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.restorer.RestoreOptions;
import dev.vigil.backup.restorer.Restorer;
import dev.vigil.backup.snapshot.Snapshot;
import dev.vigil.backup.snapshot.SnapshotStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Slow (eight child JVMs): kill -9 or SIGTERM a child JVM in the middle of backup, prune, copy and restore. */
class CrashSafetyIT {
    private static final Map<String, String> ENV = Map.of("VIGIL_PASSWORD", new String(TestRepos.PASSWORD),
            "VIGIL_TO_PASSWORD", new String(TestRepos.PASSWORD));
    @TempDir
    Path tmp;

    /** Starts the command and kills it -9 once the repository holds at least {@code packs} packs. */
    private void killAfterPacks(final Path repo, final long atLeast, final String... args) throws Exception {
        startUntilPacks(repo, atLeast, args).destroyForcibly().waitFor(1, TimeUnit.MINUTES);
    }

    /** Starts the command and returns once the repository holds at least {@code packs} packs (or it ended). */
    private Process startUntilPacks(final Path repo, final long atLeast, final String... args) throws Exception {
        final Process p = ChildJvm.start(tmp.resolve("child.log"), ENV, args);
        final long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (p.isAlive() && TestRepos.packFiles(repo).size() < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return p;
    }

    /**
     * Sends SIGINT, as Ctrl-C does, and waits for the child to end. A JVM started with SIGINT ignored (a background job
     * of a script: CI) keeps it ignored, and so do its children: there it sends SIGTERM, which the stop treats alike.
     *
     * @return the signal's number
     */
    private static int interrupt(final Process p) throws Exception {
        int signal = 2;
        for (final String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("SigIgn:") && (Long.parseLong(line.substring(7).trim(), 16) & (1L << 1)) != 0) {
                signal = 15;
            }
        }
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start().waitFor());
        assertTrue(p.waitFor(1, TimeUnit.MINUTES), "a stop does not hang");
        return signal;
    }

    private static void dataset(final Path src, final long seed) throws Exception {
        dataset(src, seed, 60);
    }

    /** Writes {@code files} random files of 512 KiB in 7 directories, the same names for the same count. */
    private static void dataset(final Path src, final long seed, final int files) throws Exception {
        final Random r = new Random(seed);
        for (int i = 0; i < files; i++) {
            final byte[] b = new byte[512 << 10];
            r.nextBytes(b);
            Files.createDirectories(src.resolve("d" + i % 7));
            Files.write(src.resolve("d" + i % 7).resolve("f" + i + ".bin"), b);
        }
    }

    private void assertValid(final Path repo) {
        try (Repository r = TestRepos.open(repo)) {
            final Checker.Report report = new Checker(r).check(1.0, 1);
            assertTrue(report.ok(), report.errors().toString());
        }
    }

    @Test
    void shouldLeaveAValidRepositoryAndReuseStoredDataWhenBackupIsKilledAtSeveralPoints() throws Exception {
        final Path src = tmp.resolve("src");
        dataset(src, 1);
        final Path repo = tmp.resolve("repo");
        TestRepos.create(repo).close();
        for (final long at : new long[] {1, 8, 20}) {
            killAfterPacks(repo, at, "repo", "backup", "--repo", repo.toString(), "--no-fsync", src.toString());
            assertValid(repo);
        }
        final long packsBefore = TestRepos.packFiles(repo).size();
        try (Repository r = TestRepos.open(repo)) {
            final Snapshot s = new Archiver(r, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds", Level.FULL),
                    null).snapshot();
            assertTrue(new Checker(r).check(1.0, 1).ok());
            assertTrue(s.figures().bytesAdded() < 30L << 20 || packsBefore < 8,
                    "data stored by killed runs is reused: " + s.figures() + ", " + packsBefore + " packs before");
            final Path out = tmp.resolve("out");
            new Restorer(r).restore(s, out, RestoreOptions.defaults(), null);
            assertEquals(TestRepos.manifest(src), TestRepos.manifest(out));
        }
    }

    @Test
    void shouldReleaseItsLockAndSaySoWhenStoppedBySigterm() throws Exception {
        final Path src = tmp.resolve("src");
        dataset(src, 3);
        final Path repo = tmp.resolve("repo");
        TestRepos.create(repo).close();
        final Path log = tmp.resolve("child.log");
        // with fsync, as by default: a pack is then being written most of the time, and the stop lands in one
        final Process p = startUntilPacks(repo, 2, "repo", "backup", "--repo", repo.toString(), src.toString());
        assertTrue(p.isAlive(), "stopped while it works: " + Files.readString(log));
        p.destroy(); // SIGTERM, as Ctrl-C or a service manager would
        p.waitFor(1, TimeUnit.MINUTES);
        try (Stream<Path> locks = Files.list(repo.resolve("locks"))) {
            assertEquals(0, locks.count(), "no lock left for other hosts to wait on");
        }
        assertTrue(Files.readString(log).contains("stopped before the end"), Files.readString(log));
        try (Stream<Path> files = Files.walk(repo)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().startsWith(".tmp-")).toList(),
                    "the pack being written when stopped is not left behind");
        }
        assertValid(repo);
    }

    @Test
    void shouldIndexThePacksItWroteWholeWhenBackupIsStoppedByCtrlCSoTheNextRunReusesThem() throws Exception {
        final Path src = tmp.resolve("src");
        dataset(src, 7);
        final long size = 60L * (512 << 10);
        final Path repo = tmp.resolve("repo");
        TestRepos.create(repo).close();
        final Path log = tmp.resolve("child.log");
        // stopped after its first packs: an index file names every 4th, so some are written whole and not named yet
        final Process p = startUntilPacks(repo, 2, "repo", "backup", "--repo", repo.toString(), src.toString());
        assertTrue(p.isAlive(), "stopped while it works: " + Files.readString(log));
        assertEquals(128 + interrupt(p), p.exitValue(), "ended by the signal: " + Files.readString(log));
        final long stored = TestRepos.packFiles(repo).size();
        try (Stream<Path> locks = Files.list(repo.resolve("locks"))) {
            assertEquals(0, locks.count(), "its lock is released");
        }
        try (Repository r = TestRepos.open(repo)) {
            final Checker.Report report = new Checker(r).check(1.0, 1);
            assertTrue(report.ok(), report.errors().toString());
            assertTrue(report.hints().stream().noneMatch(h -> h.contains("not indexed")),
                    "every pack written whole is indexed: " + report.hints() + "\n" + Files.readString(log));
            final Snapshot next = new Archiver(r, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds", Level.FULL),
                    null).snapshot();
            // at least 2 packs of 1 MiB were stored before the stop: their data is not stored again
            assertTrue(next.figures().bytesAdded() < size - (1 << 20), "the " + stored + " packs of the stopped run "
                    + "are re-used: " + next.figures().bytesAdded() + " of " + size + " bytes added");
        }
        assertValid(repo);
    }

    @Test
    void shouldIndexThePacksItWroteWholeToTheTargetWhenCopyIsStoppedByCtrlC() throws Exception {
        final Path src = tmp.resolve("src");
        dataset(src, 8);
        final long size = 60L * (512 << 10);
        final Path repo = tmp.resolve("repo");
        try (Repository r = TestRepos.create(repo)) {
            new Archiver(r, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds", Level.FULL), null);
        }
        final Path offsite = tmp.resolve("offsite");
        TestRepos.create(offsite).close();
        final Path log = tmp.resolve("child.log");
        final Process p = startUntilPacks(offsite, 2, "repo", "copy", "--repo", repo.toString(), "--to",
                offsite.toString());
        assertTrue(p.isAlive(), "stopped while it works: " + Files.readString(log));
        assertEquals(128 + interrupt(p), p.exitValue(), "ended by the signal: " + Files.readString(log));
        try (Repository r = TestRepos.open(repo); Repository o = TestRepos.open(offsite)) {
            final Checker.Report report = new Checker(o).check(1.0, 1);
            assertTrue(report.ok(), report.errors().toString());
            assertTrue(report.hints().stream().noneMatch(h -> h.contains("not indexed")),
                    "every pack written whole is indexed: " + report.hints() + "\n" + Files.readString(log));
            final SnapshotCopier.Result next = new SnapshotCopier(r, o).copy(s -> true);
            assertEquals(1, next.copied().size(), next.toString());
            // at least 2 packs of 1 MiB were stored before the stop: their data is not stored again
            assertTrue(next.bytesAdded() < size - (1 << 20), "the packs of the stopped copy are re-used: "
                    + next.bytesAdded() + " of " + size + " bytes added");
        }
        assertValid(offsite);
    }

    @Test
    void shouldLeaveAValidRepositoryWhenPruneOrCopyIsKilled() throws Exception {
        final Path src = tmp.resolve("src");
        dataset(src, 2);
        final Path repo = tmp.resolve("repo");
        final Path offsite = tmp.resolve("offsite");
        TestRepos.create(offsite).close();
        final String first;
        try (Repository r = TestRepos.create(repo)) {
            first = new Archiver(r, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds", Level.FULL), null)
                    .snapshot().id();
            dataset(src, 3);
            new Archiver(r, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds", Level.FULL), null);
        }
        final Map<String, String> expected = TestRepos.manifest(src);
        killAfterPacks(offsite, 10, "repo", "copy", "--repo", repo.toString(), "--to", offsite.toString());
        assertValid(offsite);
        try (Repository r = TestRepos.open(repo); Repository o = TestRepos.open(offsite)) {
            new SnapshotCopier(r, o).copy(s -> true);
            new SnapshotStore(r).remove(first);
        }
        assertValid(offsite);
        final Process prune = ChildJvm.start(tmp.resolve("child.log"), ENV, "repo", "prune", "--repo",
                repo.toString());
        final long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (prune.isAlive() && System.nanoTime() < deadline && !(Files.exists(tmp.resolve("child.log"))
                && Files.readString(tmp.resolve("child.log")).contains("prune started"))) {
            Thread.sleep(20);
        }
        Thread.sleep(300);
        prune.destroyForcibly().waitFor(1, TimeUnit.MINUTES);
        assertValid(repo);
        try (Repository r = TestRepos.open(repo)) {
            new Pruner(r).prune(0.5);
        }
        assertValid(repo);
        for (final Path r : new Path[] {repo, offsite}) {
            try (Repository opened = TestRepos.open(r)) {
                final Path out = tmp.resolve("out-" + r.getFileName());
                new Restorer(opened).restore(new SnapshotStore(opened).resolve("latest", null), out,
                        RestoreOptions.defaults(), null);
                assertEquals(expected, TestRepos.manifest(out));
            }
        }
    }

    /** An overwriting restore of 200 files on one thread, in a child JVM, caught once a few files are back. */
    private record OverwritingRestore(Path src, Path repo, String snapshot, Map<String, String> v1,
                                      Map<String, String> v2, long files, Path log, Process process) {
    }

    private OverwritingRestore overwritingRestoreUnderway() throws Exception {
        final Path src = tmp.resolve("src");
        // 100 MiB on one thread: about a second of restoring, which the kill lands well inside of
        dataset(src, 4, 200);
        final Map<String, String> v1 = TestRepos.manifest(src);
        final Path repo = tmp.resolve("repo");
        final String snapshot;
        try (Repository r = TestRepos.create(repo)) {
            snapshot = new Archiver(r, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds", Level.FULL), null)
                    .snapshot().id();
        }
        dataset(src, 5, 200); // every file rewritten: what the restore replaces
        final Map<String, String> v2 = TestRepos.manifest(src);
        final long files = v1.values().stream().filter(line -> !line.endsWith(" dir")).count();
        final Path log = tmp.resolve("child.log");
        final Process p = ChildJvm.start(log, ENV, "repo", "restore", "--repo", repo.toString(), snapshot,
                "--target", src.toString(), "--overwrite", "--threads", "1");
        // Caught once a few files are back (a restored file has the snapshot's mtime again), long before the last.
        int back = 0;
        final long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (p.isAlive() && back < 5 && System.nanoTime() < deadline) {
            Thread.sleep(2);
            back = 0;
            for (final String rel : v1.keySet()) {
                final Path f = src.resolve(rel);
                if (Files.isRegularFile(f) && v1.get(rel).endsWith(" " + Files.getLastModifiedTime(f))) {
                    back++;
                }
            }
        }
        assertTrue(p.isAlive(), "the restore ended before it was stopped: " + Files.readString(log));
        return new OverwritingRestore(src, repo, snapshot, v1, v2, files, log, p);
    }

    /** Each file is one version or the other, whole; none is missing; nothing else but the restore's temporaries. */
    private static List<String> assertWholeOldOrNew(final OverwritingRestore run) throws Exception {
        final Map<String, String> after = TestRepos.manifest(run.src());
        final List<String> temporaries = new java.util.ArrayList<>();
        int restored = 0;
        for (final Map.Entry<String, String> e : after.entrySet()) {
            final String name = e.getKey().substring(e.getKey().lastIndexOf('/') + 1);
            if (name.startsWith(".vigil-restore-")) {
                temporaries.add(e.getKey());
                continue;
            }
            final String content = withoutTime(e.getValue());
            final boolean old = content.equals(withoutTime(run.v1().get(e.getKey())));
            assertTrue(old || content.equals(withoutTime(run.v2().get(e.getKey()))), e.getKey() + " is neither "
                    + "version: " + e.getValue());
            restored += old && !e.getValue().endsWith(" dir") ? 1 : 0;
        }
        assertTrue(restored > 0 && restored < run.files(), restored + " of " + run.files() + " files restored when "
                + "stopped");
        for (final String rel : run.v2().keySet()) {
            assertTrue(after.containsKey(rel), rel + " is missing after the stop");
        }
        return temporaries;
    }

    @Test
    void shouldLeaveEveryFileWholeOldOrNewWhenAnOverwritingRestoreIsKilled() throws Exception {
        final OverwritingRestore run = overwritingRestoreUnderway();
        run.process().destroyForcibly().waitFor(1, TimeUnit.MINUTES);

        assertWholeOldOrNew(run);
        // The next overwriting restore finishes the work and, alone in the repository, removes the killed one's
        // temporary files at once (another restore beside it would leave those untouched for less than 10 minutes)
        final Process again = ChildJvm.start(run.log(), ENV, "repo", "restore", "--repo", run.repo().toString(),
                run.snapshot(), "--target", run.src().toString(), "--overwrite");
        assertEquals(0, again.waitFor(), Files.readString(run.log()));
        assertEquals(run.v1(), TestRepos.manifest(run.src()));
    }

    @Test
    void shouldLeaveOnlyWholeFilesWhenARestoreIntoANewDirectoryIsKilledAndFinishItWithMissingOnly() throws Exception {
        final Path src = tmp.resolve("src");
        dataset(src, 6, 200);
        final Map<String, String> v1 = TestRepos.manifest(src);
        final Path repo = tmp.resolve("repo");
        try (Repository r = TestRepos.create(repo)) {
            new Archiver(r, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds", Level.FULL), null);
        }
        final Path target = tmp.resolve("target");
        final Path log = tmp.resolve("child.log");
        final Process p = ChildJvm.start(log, ENV, "repo", "restore", "--repo", repo.toString(), "latest", "--target",
                target.toString(), "--threads", "1");
        final long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (p.isAlive() && System.nanoTime() < deadline && restoredFiles(target) < 5) {
            Thread.sleep(2);
        }
        assertTrue(p.isAlive(), "the restore ended before it was killed: " + Files.readString(log));
        p.destroyForcibly().waitFor(1, TimeUnit.MINUTES);

        // every file at its real name is whole (its content and mode are the snapshot's); the rest are temporaries
        for (final Map.Entry<String, String> e : TestRepos.manifest(target).entrySet()) {
            if (!e.getKey().substring(e.getKey().lastIndexOf('/') + 1).startsWith(".vigil-restore-")
                    && !e.getValue().endsWith(" dir")) {
                assertEquals(withoutTime(v1.get(e.getKey())), withoutTime(e.getValue()), e.getKey());
            }
        }
        final Process again = ChildJvm.start(log, ENV, "repo", "restore", "--repo", repo.toString(), "latest",
                "--target", target.toString(), "--missing-only");
        assertEquals(0, again.waitFor(), Files.readString(log));
        assertEquals(v1, TestRepos.manifest(target), "finished, and no temporary file left");
    }

    private static long restoredFiles(final Path target) throws Exception {
        if (!Files.isDirectory(target)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(target)) {
            return s.filter(f -> Files.isRegularFile(f) && !f.getFileName().toString().startsWith(".vigil-restore-"))
                    .count();
        } catch (java.io.UncheckedIOException e) {
            return 0; // a file renamed while the walk read its directory: count again
        }
    }

    @Test
    void shouldLeaveNoTemporaryFileWhenAnOverwritingRestoreIsStoppedBySigterm() throws Exception {
        final OverwritingRestore run = overwritingRestoreUnderway();
        run.process().destroy(); // SIGTERM, as Ctrl-C or a service manager would
        run.process().waitFor(1, TimeUnit.MINUTES);

        assertEquals(List.of(), assertWholeOldOrNew(run), "its temporary files go with it: "
                + Files.readString(run.log()));
    }

    /** @return a manifest line without its mtime: the content and mode */
    private static String withoutTime(final String line) {
        return line == null ? null : line.substring(0, line.lastIndexOf(' '));
    }
}
