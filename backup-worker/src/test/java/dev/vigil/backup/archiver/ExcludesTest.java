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

    private static boolean file(final Excludes e, final String rel) {
        return e.excludes(rel, rel.substring(rel.lastIndexOf('/') + 1), false);
    }

    private static boolean dir(final Excludes e, final String rel) {
        return e.excludes(rel, rel.substring(rel.lastIndexOf('/') + 1), true);
    }

    @Test
    void matchesAsGitignoreDoes() {
        final Excludes e = Excludes.of(List.of("*.tmp", "node_modules", "logs/*.gz", "/cache", "build/**", "out/",
                "**/target", "docs/**/draft", "img[0-9].{png,jpg}", "a\\*b")).forRoot(Path.of("/data/ds"));
        assertTrue(file(e, "a.tmp"));
        assertTrue(file(e, "x/y/z.tmp"));
        assertFalse(file(e, "a.tmpx"));
        assertTrue(dir(e, "web/node_modules"));
        assertTrue(file(e, "logs/old.gz"));
        assertFalse(file(e, "app/logs/old.gz"), "a slash anchors at the root");
        assertFalse(file(e, "logs/x/old.gz"), "* stays within a name");
        assertTrue(dir(e, "cache"));
        assertFalse(dir(e, "app/cache"));
        assertTrue(file(e, "build/a/b.o"), "/** at the end: everything inside");
        assertFalse(dir(e, "build"), "but not the directory itself");
        assertTrue(dir(e, "out") && dir(e, "src/out"));
        assertFalse(file(e, "out"), "a slash at the end: directories only");
        assertTrue(dir(e, "target") && dir(e, "a/b/target"), "**/ at the start: any number of directories, none too");
        assertTrue(file(e, "docs/draft") && file(e, "docs/a/b/draft"));
        assertTrue(file(e, "img3.png") && file(e, "x/img7.jpg"));
        assertFalse(file(e, "img3.gif") || file(e, "imgA.png"));
        assertTrue(file(e, "a*b"));
        assertFalse(file(e, "axb"), "a quoted star is a star");
        assertTrue(Excludes.NONE.isEmpty());
        assertFalse(file(Excludes.NONE, "anything"));
    }

    @Test
    void aPatternThatStartsWithTheDatasetsOwnPathIsTakenFromThere() {
        final Excludes e = Excludes.of(List.of("/home/ann/.cache", "/home/ann/*/target"))
                .forRoot(Path.of("/home/ann"), Path.of("/mnt/disk/ann"));
        assertTrue(dir(e, ".cache"));
        assertTrue(dir(e, "proj/target"));
        assertFalse(dir(e, "proj/.cache"));
        // given through a link, the dataset's resolved path works too
        assertTrue(dir(Excludes.of(List.of("/mnt/disk/ann/.cache")).forRoot(Path.of("/home/ann"),
                Path.of("/mnt/disk/ann")), ".cache"));
    }

    @Test
    void matchesNamesThatAreNotUtf8OrThatTheLocaleCannotEncode() {
        final String raw = FileNames.decode(new byte[] {'c', 'a', 'f', (byte) 0xE9, '.', 't', 'm', 'p'});
        final Excludes tmp = Excludes.of(List.of("*.tmp"));
        assertTrue(file(tmp, raw));
        assertFalse(file(Excludes.of(List.of("*.log")), raw));
        assertTrue(file(tmp, "dir/café.tmp") && file(tmp, "日本.tmp"));
        assertTrue(file(Excludes.of(List.of("café")), "x/café"));
    }

    @Test
    void refusesBadPatternsNegationAndPatternsThatLeaveOutEverything() throws Exception {
        for (final String bad : List.of("a[b", "{a,b", "x{a,{b}}", "trailing\\")) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> Excludes.of(List.of(bad))).getMessage()
                    .contains("'" + bad + "' is not a valid glob"), bad);
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Excludes.of(List.of("!keep.txt")))
                .getMessage().contains("negation"));
        for (final String all : List.of("/", "*", "**", "/**", "*/")) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> Excludes.of(List.of(all))).getMessage()
                    .contains("whole dataset"), all);
        }
        for (final String all : List.of("/srv/data", "/srv/data/", "/srv/data/**")) {
            final Excludes e = Excludes.of(List.of(all));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> e.forRoot(Path.of("/srv/data")))
                    .getMessage().contains("whole dataset"), all);
        }
        assertThrows(IllegalArgumentException.class, () -> Excludes.of(List.of(" ")));
    }

    @Test
    void readsAPatternFileAndRefusesABadLineByNumber() throws Exception {
        final Path file = tmp.resolve("excludes");
        Files.write(file, List.of("\uFEFF# caches", "", "  *.tmp  ", "logs/{a,b"));
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Excludes.read(file));
        assertTrue(e.getMessage().startsWith("exclude file " + file + ":4: "), e.getMessage());
        Files.write(file, List.of("\uFEFF*.bak", "", "  *.tmp  ", "logs/{a,b}"));
        assertEquals(List.of("*.bak", "*.tmp", "logs/{a,b}"), Excludes.read(file), "a byte order mark is not the name's");
        Files.write(file, new byte[] {'*', '.', 't', (byte) 0xE9, '\n'});
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Excludes.read(file)).getMessage()
                .contains("not UTF-8"));
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
        Files.writeString(src.resolve("build"), "#!/bin/sh\n"); // a file: 'build/' leaves out directories only
        Files.createDirectories(src.resolve("docs/build"));
        Files.writeString(src.resolve("docs/build/out.o"), "object");
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            final Archiver archiver = new Archiver(repo, Clock.systemUTC());
            final Excludes excludes = Excludes.of(List.of("/cache", "*.tmp", "build/"));
            final Archiver.Result r = archiver.backup(src, ArchiveOptions.of("ds", Level.FULL)
                    .withExcludes(excludes), null);
            assertEquals(List.of(), r.warnings());
            assertEquals(List.of("/cache", "*.tmp", "build/"), r.snapshot().excludes());

            final Path out = tmp.resolve("out");
            new Restorer(repo).restore(r.snapshot(), out, RestoreOptions.defaults(), null);
            final Map<String, String> expected = TestRepos.manifest(src);
            expected.keySet().removeIf(p -> p.equals("cache") || p.startsWith("cache/") || p.endsWith(".tmp")
                    || p.startsWith("docs/build"));
            assertTrue(expected.containsKey("build"));
            assertEquals(expected, TestRepos.manifest(out));

            // Without the patterns the next backup takes them in, as new files.
            final Snapshot all = archiver.backup(src, ArchiveOptions.of("ds", Level.INCREMENTAL), null).snapshot();
            assertNull(all.excludes());
            assertEquals(3, all.figures().filesNew(), all.figures().toString());
        }
    }

    @Test
    void aBackupLeavesOutDirectoriesThatHoldAMarkerAndCacheDirectoriesByTheirTag() throws Exception {
        final Path src = tmp.resolve("src");
        TestTrees.awkward(src, 5);
        final Path cache = Files.createDirectories(src.resolve("home/.cache/thumbnails"));
        Files.writeString(cache.getParent().resolve("CACHEDIR.TAG"),
                "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag.\n");
        Files.writeString(cache.resolve("a.png"), "png");
        // A CACHEDIR.TAG without the signature is not a tag: that directory is kept.
        final Path notCache = Files.createDirectories(src.resolve("home/notes"));
        Files.writeString(notCache.resolve("CACHEDIR.TAG"), "just a file named so\n");
        final Path scratch = Files.createDirectories(src.resolve("scratch"));
        Files.writeString(scratch.resolve(".nobackup"), "");
        Files.writeString(scratch.resolve("big.bin"), "scratch data");
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            final Archiver archiver = new Archiver(repo, Clock.systemUTC());
            final Snapshot s = archiver.backup(src, ArchiveOptions.of("ds", Level.FULL).withExcludes(
                    Excludes.of(List.of(), List.of(Excludes.CACHES, ".nobackup"))), null).snapshot();
            assertEquals(List.of(Excludes.CACHES, ".nobackup"), s.excludeIfPresent());
            assertNull(s.excludes());
            final Path out = tmp.resolve("out");
            new Restorer(repo).restore(s, out, RestoreOptions.defaults(), null);
            final Map<String, String> expected = TestRepos.manifest(src);
            expected.keySet().removeIf(p -> p.startsWith("home/.cache") || p.startsWith("scratch"));
            assertTrue(expected.containsKey("home/notes/CACHEDIR.TAG"));
            assertEquals(expected, TestRepos.manifest(out));
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Excludes.of(List.of(), List.of("a/b")))
                .getMessage().contains("exclude marker 'a/b'"));
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
            assertTrue(changed.journal().reason().contains("exclude patterns or markers differ"), changed.journal().reason());
            assertEquals(1, changed.figures().filesNew(), "the scan takes in the image no longer excluded");
        }
    }
}
