package dev.vigil.backup.archiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.backup.TestRepos;
import dev.vigil.backup.TestTrees;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.restorer.RestoreOptions;
import dev.vigil.backup.restorer.Restorer;
import dev.vigil.backup.snapshot.Snapshot;
import dev.vigil.schemas.FileActivity;
import dev.vigil.schemas.json.RecordJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChangeJournalTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    @TempDir
    Path tmp;

    static FileActivity interval(final long seq, final Instant start, final Instant end, final String epoch,
                                 final boolean complete, final List<String> changed, final List<String> deleted) {
        return FileActivity.newBuilder().setDataset("ds").setIntervalStart(start).setIntervalEnd(end)
                .setJournalSequence(seq).setWatcherEpoch(epoch).setComplete(complete).setChangedPaths(changed)
                .setDeletedPaths(deleted).build();
    }

    private static ChangeJournal.Plan plan(final FileActivity... intervals) {
        return new ChangeJournal(List.of(intervals)).plan("ds", T0.plusSeconds(30), T0.plusSeconds(60));
    }

    @Test
    void shouldBeUsableWhenContiguousCompleteAndCoveringTheParent() {
        final ChangeJournal.Plan p = plan(interval(1, T0, T0.plusSeconds(60), "e", true, List.of("a/b"), List.of()),
                interval(2, T0.plusSeconds(60), T0.plusSeconds(120), "e", true, List.of("./c/"), List.of("d")));
        assertTrue(p.usable(), p.reason());
        assertEquals(java.util.Set.of("a/b", "c"), p.changed());
        assertEquals(T0.plusSeconds(120), p.coveredUntil());
    }

    @Test
    void shouldFallBackOnAGapARestartAnIncompleteIntervalALateStartOrAPathOutsideOrNotUtf8() {
        assertTrue(plan(interval(1, T0, T0.plusSeconds(60), "e", true, List.of(), List.of()),
                interval(3, T0.plusSeconds(120), T0.plusSeconds(180), "e", true, List.of(), List.of()))
                .reason().contains("gap"));
        assertTrue(plan(interval(1, T0, T0.plusSeconds(60), "e", true, List.of(), List.of()),
                interval(2, T0.plusSeconds(61), T0.plusSeconds(120), "e", true, List.of(), List.of()))
                .reason().contains("interval 2 started at"), "a gap in time is a gap too");
        assertTrue(plan(interval(1, T0, T0.plusSeconds(60), "e", true, List.of(), List.of()),
                interval(2, T0.plusSeconds(60), T0.plusSeconds(120), "f", true, List.of(), List.of()))
                .reason().contains("restarted"));
        assertTrue(plan(interval(1, T0, T0.plusSeconds(60), "e", false, List.of(), List.of()))
                .reason().contains("incomplete"));
        assertTrue(plan(interval(1, T0.plusSeconds(40), T0.plusSeconds(60), "e", true, List.of(), List.of()))
                .reason().contains("after the parent"));
        assertFalse(plan(interval(1, T0, T0.plusSeconds(60), "e", true, List.of("../etc/passwd"), List.of()))
                .usable());
        // the collector's JVM wrote U+FFFD for a name that is not UTF-8: which file changed is not known exactly
        assertTrue(plan(interval(1, T0, T0.plusSeconds(60), "e", true, List.of(), List.of("d/caf\uFFFD")))
                .reason().contains("not valid UTF-8"));
        assertTrue(new ChangeJournal(List.of(interval(1, T0, T0.plusSeconds(60), "e", true, List.of(), List.of())))
                .plan("ds", T0.plusSeconds(30), T0.plusSeconds(61)).reason()
                .contains("later changes are not known yet"), "a change after the journal's end is not in it");
    }

    @Test
    void shouldReadOnlyJournaledPathsAndStillRestoreTheWholeTree() throws Exception {
        final Path src = tmp.resolve("src");
        TestTrees.awkward(src, 5);
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            final Archiver archiver = new Archiver(repo, Clock.systemUTC());
            final Snapshot parent = archiver.backup(src, ArchiveOptions.of("ds", Level.FULL), null).snapshot();
            final Instant start = Instant.parse(parent.coveredFrom()).minusSeconds(1);

            Files.writeString(src.resolve("docs/deep/er/still/note.md"), "# changed note\n");
            Files.writeString(src.resolve("docs/new.txt"), "new");
            Files.delete(src.resolve("empty"));
            // Changed but not journaled: a journal backup must not see it (proof that it did not scan).
            Files.writeString(src.resolve("spaces in name.txt"), "sneaky change");
            final Path journal = tmp.resolve("journal.jsonl");
            final List<String> lines = new ArrayList<>();
            final Instant end = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            lines.add(RecordJson.write(interval(7, start, end, "epoch-1", true,
                    List.of("docs/deep/er/still/note.md", "docs/new.txt"), List.of("empty"))));
            Files.write(journal, lines);

            final Snapshot j = archiver.backup(src, ArchiveOptions.of("ds", Level.INCREMENTAL)
                    .withJournal(ChangeJournal.read(journal), end), null).snapshot();
            assertTrue(j.journal().used(), j.journal().reason());
            assertEquals(1, j.figures().filesNew());
            assertEquals(1, j.figures().filesChanged());
            assertEquals(1, j.figures().filesRemoved());
            assertTrue(j.figures().bytesRead() < 100, "read only the journaled files: " + j.figures());

            final Path out = tmp.resolve("out");
            new Restorer(repo).restore(j, out, RestoreOptions.defaults(), null);
            assertEquals("# changed note\n", Files.readString(out.resolve("docs/deep/er/still/note.md")));
            assertEquals("new", Files.readString(out.resolve("docs/new.txt")));
            assertFalse(Files.exists(out.resolve("empty")));
            assertEquals("spaces", Files.readString(out.resolve("spaces in name.txt")));

            final Instant end2 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            Files.write(journal, List.of(RecordJson.write(interval(9, Instant.parse(j.coveredFrom()).plusMillis(1),
                    end2, "epoch-1", true, List.of(), List.of()))));
            final Snapshot gap = archiver.backup(src, ArchiveOptions.of("ds", Level.INCREMENTAL)
                    .withJournal(ChangeJournal.read(journal), end2), null).snapshot();
            assertFalse(gap.journal().used(), "interval 9 starts after the journal backup's coverage: scan");
            assertEquals(1, gap.figures().filesChanged(), "the scan finds the change the journal missed");
        }
    }

    @Test
    void shouldBackUpAJournaledFileWhoseNameHoldsABackslash() throws Exception {
        final Path src = Files.createDirectories(tmp.resolve("src"));
        final Path file = Files.writeString(src.resolve("a\\b.txt"), "before");
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            final Archiver archiver = new Archiver(repo, Clock.systemUTC());
            final Snapshot parent = archiver.backup(src, ArchiveOptions.of("ds", Level.FULL), null).snapshot();
            Files.writeString(file, "after, longer");
            final Path journal = tmp.resolve("journal.jsonl");
            final Instant end = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            // what the collector sends on Linux: the name as it is, '/' alone separating directories
            Files.write(journal, List.of(RecordJson.write(interval(1, Instant.parse(parent.coveredFrom())
                    .minusSeconds(1), end, "e", true, List.of("a\\b.txt"), List.of()))));
            final Snapshot j = archiver.backup(src, ArchiveOptions.of("ds", Level.INCREMENTAL)
                    .withJournal(ChangeJournal.read(journal), end), null).snapshot();
            assertTrue(j.journal().used(), j.journal().reason());
            assertEquals(1, j.figures().filesChanged(), j.figures().toString());
            final Path out = tmp.resolve("out");
            new Restorer(repo).restore(j, out, RestoreOptions.defaults(), null);
            assertEquals("after, longer", Files.readString(out.resolve("a\\b.txt")));
        }
    }

    @Test
    void shouldStoreLargeJournaledFilesStartedBeforeTheWalkOnceEach() throws Exception {
        final Path src = tmp.resolve("src");
        TestTrees.awkward(src, 7);
        final java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        final byte[] image = new byte[3 << 20];
        for (int i = 0; i < image.length; i++) {
            image[i] = (byte) random.nextInt();
        }
        Files.createDirectories(src.resolve("vm"));
        Files.write(src.resolve("vm/disk.img"), image);
        Files.write(src.resolve("vm/gone.img"), image);
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            final Archiver archiver = new Archiver(repo, Clock.systemUTC());
            final Snapshot parent = archiver.backup(src, ArchiveOptions.of("ds", Level.FULL), null).snapshot();
            image[1 << 20] ^= 1;
            Files.write(src.resolve("vm/disk.img"), image);
            Files.write(src.resolve("docs/big-new.bin"), java.util.Arrays.copyOf(image, 2 << 20));
            Files.delete(src.resolve("vm/gone.img"));
            final Path journal = tmp.resolve("journal.jsonl");
            // gone.img is named as changed although it was deleted since: the early start must skip it.
            final Instant end = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            Files.write(journal, List.of(RecordJson.write(interval(1, Instant.parse(parent.coveredFrom())
                    .minusSeconds(1), end, "e", true,
                    List.of("vm/disk.img", "docs/big-new.bin", "vm/gone.img"), List.of()))));
            final Snapshot j = archiver.backup(src, ArchiveOptions.of("ds", Level.INCREMENTAL)
                    .withJournal(ChangeJournal.read(journal), end), null).snapshot();
            assertTrue(j.journal().used(), j.journal().reason());
            assertEquals(1, j.figures().filesChanged());
            assertEquals(1, j.figures().filesNew());
            assertEquals(1, j.figures().filesRemoved());
            assertEquals((3 << 20) + (2 << 20), j.figures().bytesRead(), "each large file read once: " + j.figures());
            final Path out = tmp.resolve("out");
            new Restorer(repo).restore(j, out, RestoreOptions.defaults(), null);
            assertEquals(TestRepos.manifest(src), TestRepos.manifest(out));
        }
    }

    @Test
    void shouldNotReadFilesAgainUnderADirectoryTheJournalSaysWasRenamed() throws Exception {
        final Path src = tmp.resolve("src");
        TestTrees.awkward(src, 6);
        Files.write(src.resolve("docs/deep/er/big.bin"), new byte[3 << 20]);
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            final Archiver archiver = new Archiver(repo, Clock.systemUTC());
            final Snapshot parent = archiver.backup(src, ArchiveOptions.of("ds", Level.FULL), null).snapshot();
            Files.move(src.resolve("docs/deep"), src.resolve("docs/moved"));
            final Path journal = tmp.resolve("journal.jsonl");
            final Instant end = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            Files.write(journal, List.of(RecordJson.write(interval(1, Instant.parse(parent.coveredFrom())
                    .minusSeconds(1), end, "e", true, List.of("docs/moved", "docs/moved/er/big.bin"),
                    List.of("docs/deep")))));
            final Snapshot j = archiver.backup(src, ArchiveOptions.of("ds", Level.INCREMENTAL)
                    .withJournal(ChangeJournal.read(journal), end), null).snapshot();
            assertTrue(j.journal().used(), j.journal().reason());
            assertEquals(0, j.figures().bytesRead(), "matched by inode, not read: " + j.figures());
            assertEquals(2, j.figures().filesNew());
            assertEquals(2, j.figures().filesRemoved());
            assertEquals(parent.figures().bytesTotal(), j.figures().bytesTotal());
            final Path out = tmp.resolve("out");
            new Restorer(repo).restore(j, out, RestoreOptions.defaults(), null);
            assertEquals(TestRepos.manifest(src), TestRepos.manifest(out));
        }
    }

    @Test
    void shouldScanInsteadOfTrustingTheJournalWhileAnIndexFileIsDamaged() throws Exception {
        final Path src = tmp.resolve("src");
        TestTrees.awkward(src, 6);
        final Instant start;
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            start = Instant.parse(new Archiver(repo, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds",
                    Level.FULL), null).snapshot().coveredFrom()).minusSeconds(1);
        }
        final Path index;
        try (java.util.stream.Stream<Path> s = Files.list(tmp.resolve("repo/index"))) {
            index = s.findFirst().orElseThrow();
        }
        final byte[] bytes = Files.readAllBytes(index);
        bytes[bytes.length / 2] ^= 1;
        Files.write(index, bytes);
        Files.writeString(src.resolve("spaces in name.txt"), "changed, not journaled");
        final Path journal = tmp.resolve("journal.jsonl");
        final Instant end = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Files.write(journal, List.of(RecordJson.write(interval(7, start, end, "epoch-1", true, List.of("empty"),
                List.of()))));
        try (Repository repo = TestRepos.open(tmp.resolve("repo"))) {
            // the journal's unchanged paths would keep the parent's entries, whose blobs only the damaged file names
            final Snapshot j = new Archiver(repo, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds",
                    Level.INCREMENTAL).withJournal(ChangeJournal.read(journal), end), null).snapshot();
            assertFalse(j.journal().used());
            assertTrue(j.journal().reason().contains("an index file is damaged"), j.journal().reason());
            final Path out = tmp.resolve("out");
            new Restorer(repo).restore(j, out, RestoreOptions.defaults(), null);
            assertEquals(TestRepos.manifest(src), TestRepos.manifest(out), "scanned: the change the journal missed too");
        }
    }
}
