package dev.vigil.backup.archiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.backup.TestRepos;
import dev.vigil.backup.TestTrees;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.restorer.RestoreOptions;
import dev.vigil.backup.restorer.Restorer;
import dev.vigil.backup.snapshot.FileNames;
import dev.vigil.backup.snapshot.Snapshot;
import dev.vigil.schemas.json.RecordJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExcludesTest {
    @TempDir
    Path tmp;

    @Test
    void aPatternWithoutSlashMatchesNamesAtAnyDepthOneWithSlashThePathFromTheRoot() {
        final Excludes e = Excludes.of(List.of("*.tmp", "node_modules", "logs/*.gz", "/cache", "build/**"))
                .forRoot(Path.of("/data/ds"));
        assertTrue(e.excludes("a.tmp", "a.tmp"));
        assertTrue(e.excludes("x/y/z.tmp", "z.tmp"));
        assertTrue(e.excludes("web/node_modules", "node_modules"));
        assertTrue(e.excludes("logs/old.gz", "old.gz"));
        assertFalse(e.excludes("app/logs/old.gz", "old.gz"), "anchored at the root");
        assertTrue(e.excludes("cache", "cache"));
        assertFalse(e.excludes("app/cache", "cache"), "a leading slash anchors at the root");
        assertTrue(e.excludes("build/a/b.o", "b.o"));
        assertFalse(e.excludes("build", "build"), "build/** keeps the directory itself");
        assertFalse(e.excludes("a.tmpx", "a.tmpx"));
        assertTrue(Excludes.NONE.isEmpty());
        assertFalse(Excludes.NONE.excludes("anything", "anything"));
    }

    @Test
    void aPatternThatStartsWithTheDatasetsOwnPathIsTakenFromThere() {
        final Excludes e = Excludes.of(List.of("/home/ann/.cache", "/home/ann/*/target")).forRoot(Path.of("/home/ann"));
        assertTrue(e.excludes(".cache", ".cache"));
        assertTrue(e.excludes("proj/target", "target"));
        assertFalse(e.excludes("proj/.cache", ".cache"));
    }

    @Test
    void aNameThatIsNotUtf8IsMatchedAsDisplayed() {
        final String name = FileNames.decode(new byte[] {'c', 'a', 'f', (byte) 0xE9, '.', 't', 'm', 'p'});
        assertTrue(Excludes.of(List.of("*.tmp")).excludes(name, name));
        assertFalse(Excludes.of(List.of("*.log")).excludes(name, name));
    }

    @Test
    void badPatternsAndFileLinesAreRefusedByName() throws Exception {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Excludes.of(List.of("a[b")))
                .getMessage().contains("'a[b' is not a valid glob"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Excludes.of(List.of("/")))
                .getMessage().contains("whole dataset"));
        assertThrows(IllegalArgumentException.class, () -> Excludes.of(List.of(" ")));
        final Path file = tmp.resolve("excludes");
        Files.write(file, List.of("# caches", "", "  *.tmp  ", "logs/{a,b"));
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Excludes.read(file));
        assertTrue(e.getMessage().startsWith("exclude file " + file + ":4: "), e.getMessage());
        Files.write(file, List.of("# caches", "", "  *.tmp  ", "logs/{a,b}"));
        assertEquals(List.of("*.tmp", "logs/{a,b}"), Excludes.read(file));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Excludes.read(tmp.resolve("none")))
                .getMessage().contains("cannot read"));
    }

    @Test
    void aBackupLeavesExcludedPathsOut() throws Exception {
        final Path src = tmp.resolve("src");
        TestTrees.awkward(src, 3);
        Files.createDirectories(src.resolve("cache/deep"));
        Files.writeString(src.resolve("cache/deep/blob"), "cached");
        Files.writeString(src.resolve("docs/scratch.tmp"), "temporary");
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            final Archiver archiver = new Archiver(repo, Clock.systemUTC());
            final Excludes excludes = Excludes.of(List.of("/cache", "*.tmp"));
            final Archiver.Result r = archiver.backup(src, ArchiveOptions.of("ds", Level.FULL)
                    .withExcludes(excludes), null);
            assertEquals(List.of(), r.warnings());
            assertEquals(List.of("/cache", "*.tmp"), r.snapshot().excludes());

            final Path out = tmp.resolve("out");
            new Restorer(repo).restore(r.snapshot(), out, RestoreOptions.defaults(), null);
            final Map<String, String> expected = TestRepos.manifest(src);
            expected.keySet().removeIf(p -> p.equals("cache") || p.startsWith("cache/") || p.endsWith(".tmp"));
            assertEquals(expected, TestRepos.manifest(out));

            // Without the patterns the next backup takes them in, as new files.
            final Snapshot all = archiver.backup(src, ArchiveOptions.of("ds", Level.INCREMENTAL), null).snapshot();
            assertNull(all.excludes());
            assertEquals(2, all.figures().filesNew(), all.figures().toString());
        }
    }

    @Test
    void aJournalBackupLeavesOutExcludedChangesAndScansWhenThePatternsChanged() throws Exception {
        final Path src = tmp.resolve("src");
        TestTrees.awkward(src, 4);
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            final Archiver archiver = new Archiver(repo, Clock.systemUTC());
            final Excludes excludes = Excludes.of(List.of("*.iso"));
            final Snapshot parent = archiver.backup(src, ArchiveOptions.of("ds", Level.FULL).withExcludes(excludes),
                    null).snapshot();
            Files.write(src.resolve("docs/disc.iso"), new byte[3 << 20]);
            Files.writeString(src.resolve("docs/new.txt"), "new");
            final Path journal = tmp.resolve("journal.jsonl");
            // rounded up: the journal keeps milliseconds, and a fast backup may have begun in this one
            final Instant end = Instant.now().truncatedTo(ChronoUnit.MILLIS).plusMillis(1);
            Files.write(journal, List.of(RecordJson.write(ChangeJournalTest.interval(1,
                    Instant.parse(parent.coveredFrom()).minusSeconds(1), end, "e", true,
                    List.of("docs/disc.iso", "docs/new.txt"), List.of()))));

            final Snapshot j = archiver.backup(src, ArchiveOptions.of("ds", Level.INCREMENTAL).withExcludes(excludes)
                    .withJournal(ChangeJournal.read(journal), end), null).snapshot();
            assertTrue(j.journal().used(), j.journal().reason());
            assertEquals(1, j.figures().filesNew());
            assertEquals(3, j.figures().bytesRead(), "the excluded image is not read: " + j.figures());

            // A journal that covers everything since, without a change: usable, but not with other patterns.
            final Instant end2 = Instant.now().truncatedTo(ChronoUnit.MILLIS).plusMillis(1);
            Files.write(journal, List.of(RecordJson.write(ChangeJournalTest.interval(2, end, end2, "e", true,
                    List.of(), List.of()))));
            final Snapshot changed = archiver.backup(src, ArchiveOptions.of("ds", Level.INCREMENTAL)
                    .withJournal(ChangeJournal.read(journal), end2), null).snapshot();
            assertFalse(changed.journal().used());
            assertTrue(changed.journal().reason().contains("exclude patterns differ"), changed.journal().reason());
            assertEquals(1, changed.figures().filesNew(), "the scan takes in the image no longer excluded");
        }
    }
}
