package dev.vigil.backup.restorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.backup.BackupException;
import dev.vigil.backup.TestRepos;
import dev.vigil.backup.archiver.ArchiveOptions;
import dev.vigil.backup.archiver.Archiver;
import dev.vigil.backup.archiver.Level;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.snapshot.Snapshot;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a restore finds in its target: links it must not follow, things in the way, paths that are not there. */
class RestoreTargetTest {
    @TempDir
    Path tmp;
    private Repository repo;
    private Snapshot snapshot;
    private Map<String, String> source;

    @BeforeEach
    void backUp() throws Exception {
        final Path src = Files.createDirectories(tmp.resolve("src/d"));
        Files.writeString(src.resolve("f"), "inside");
        Files.writeString(tmp.resolve("src/g"), "a file");
        source = TestRepos.manifest(tmp.resolve("src"));
        repo = TestRepos.create(tmp.resolve("repo"));
        snapshot = new Archiver(repo, Clock.systemUTC()).backup(tmp.resolve("src"), ArchiveOptions.of("ds", Level.FULL),
                null).snapshot();
    }

    @org.junit.jupiter.api.AfterEach
    void close() {
        repo.close();
    }

    private Restorer.Result restore(final Path target, final boolean overwrite, final String... include) {
        return new Restorer(repo).restore(snapshot, target, new RestoreOptions(List.of(include), overwrite, 2), null);
    }

    private static List<Path> under(final Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !p.equals(dir)).toList();
        }
    }

    @Test
    void shouldGiveATargetItMakesTheSnapshotRootsModeButLeaveAnExistingTargetsAlone() throws Exception {
        final Path src = tmp.resolve("src");
        Files.setPosixFilePermissions(src, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-x---"));
        final Snapshot s = new Archiver(repo, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds", Level.FULL), null)
                .snapshot();
        final Path made = tmp.resolve("made");
        new Restorer(repo).restore(s, made, RestoreOptions.defaults(), null);
        assertEquals("rwxr-x---", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(made)));

        final Path existing = Files.createDirectories(tmp.resolve("existing"));
        Files.setPosixFilePermissions(existing, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        new Restorer(repo).restore(s, existing, RestoreOptions.defaults(), null);
        assertEquals("rwxrwxrwx", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(existing)), "the operator's directory keeps its mode");
        assertEquals(source, TestRepos.manifest(existing));
    }

    @Test
    void shouldNeverWriteThroughALinkInsideTheTarget() throws Exception {
        final Path outside = Files.createDirectories(tmp.resolve("outside"));
        final Path target = Files.createDirectories(tmp.resolve("target"));
        Files.createSymbolicLink(target.resolve("d"), outside);
        final BackupException e = assertThrows(BackupException.class, () -> restore(target, false));
        assertTrue(e.getMessage().contains("/d") && e.getMessage().contains("exist already"), e.getMessage());
        assertEquals(List.of(), under(outside), "nothing written through the link");
        assertEquals(List.of(target.resolve("d")), under(target), "nothing written at all");

        restore(target, true);
        assertEquals(List.of(), under(outside), "overwrite replaces the link, not what it points to");
        assertFalse(Files.isSymbolicLink(target.resolve("d")));
        assertEquals(source, TestRepos.manifest(target));
    }

    @Test
    void shouldRestoreIntoATargetThatIsALinkToADirectory() throws Exception {
        final Path real = Files.createDirectories(tmp.resolve("real"));
        final Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
        restore(link, false);
        assertEquals(source, TestRepos.manifest(real));
    }

    @Test
    void shouldLeaveADirectoryWhereTheSnapshotHasAFileAndSaySo() throws Exception {
        final Path target = Files.createDirectories(tmp.resolve("target"));
        Files.createDirectories(target.resolve("g/kept"));
        final BackupException e = assertThrows(BackupException.class, () -> restore(target, true));
        assertTrue(e.getMessage().contains("a directory where the snapshot has a file"), e.getMessage());
        assertTrue(Files.isDirectory(target.resolve("g/kept"), LinkOption.NOFOLLOW_LINKS));
        try (Stream<Path> s = Files.list(target)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".vigil-restore")),
                    "no temporary file left");
        }
    }

    @Test
    void shouldFindAnIncludedNameWithABackslashAsLsShowsItAndAsTheFileSystemNamesIt() throws Exception {
        Files.writeString(tmp.resolve("src/back\\slash"), "b");
        snapshot = new Archiver(repo, Clock.systemUTC()).backup(tmp.resolve("src"), ArchiveOptions.of("ds", Level.FULL),
                null).snapshot();
        assertEquals(List.of(), restore(tmp.resolve("t1"), false, "/back\\x5Cslash").notFound());
        assertEquals(List.of(), restore(tmp.resolve("t2"), false, "/back\\slash").notFound());
        assertEquals("b", Files.readString(tmp.resolve("t2/back\\slash")));
    }

    @Test
    void shouldRefuseBeforeWritingAnythingWhenPathsExistAlreadyWithoutOverwrite() throws Exception {
        final Path target = Files.createDirectories(tmp.resolve("target/d"));
        Files.writeString(target.resolve("f"), "mine");
        final BackupException e = assertThrows(BackupException.class, () -> restore(target.getParent(), false));
        assertTrue(e.getMessage().startsWith("1 paths of snapshot") && e.getMessage().contains("/d/f"), e.getMessage());
        assertFalse(Files.exists(target.getParent().resolve("g")), "nothing written");
        assertEquals("mine", Files.readString(target.resolve("f")));
        assertEquals(0, restore(target.getParent(), false, "/g").notFound().size(), "what does not collide is fine");
        assertEquals("a file", Files.readString(target.getParent().resolve("g")));
    }

    @Test
    void shouldReportIncludedPathsThatAreNotInTheSnapshot() {
        final Restorer.Result r = restore(tmp.resolve("target"), false, "/d/f", "/nope", "d/typo");
        assertEquals(List.of("/nope", "d/typo"), r.notFound());
        assertEquals(1, r.files());
        final Restorer.Result nested = restore(tmp.resolve("target2"), false, "d", "d/f", "/d/nope");
        assertEquals(List.of("/d/nope"), nested.notFound(), "an include inside another is found too, a typo is not");
        assertEquals(1, nested.files());
    }

    @Test
    void shouldLeaveTheTargetAsItWasWhenAnIncludeNamesNothing() throws Exception {
        // "//d//f" has empty names in it, which no path of a snapshot has: d/ was made, and left behind empty
        final Path made = tmp.resolve("new/target");
        assertEquals(List.of("//d//f"), restore(made, false, "//d//f").notFound());
        assertFalse(Files.exists(made.getParent()), "no target made");
        final Path existing = Files.createDirectories(tmp.resolve("existing"));
        Files.writeString(existing.resolve("mine"), "mine");
        assertEquals(List.of("//d//f", "d/nope"), restore(existing, false, "//d//f", "d/nope").notFound());
        assertEquals(List.of(existing.resolve("mine")), under(existing));
        final Path partial = tmp.resolve("partial");
        assertEquals(List.of("d/nope"), restore(partial, false, "g", "d/nope").notFound());
        assertEquals(List.of(partial.resolve("g")), under(partial), "no empty d/ beside what was restored");
    }
}
