package dev.vigil.backup.restorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.backup.BackupException;
import dev.vigil.backup.TestRepos;
import dev.vigil.backup.archiver.ArchiveOptions;
import dev.vigil.backup.archiver.Archiver;
import dev.vigil.backup.archiver.Level;
import dev.vigil.backup.index.MasterIndex;
import dev.vigil.backup.pack.BlobId;
import dev.vigil.backup.pack.BlobType;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.snapshot.Node;
import dev.vigil.backup.snapshot.Snapshot;
import dev.vigil.backup.snapshot.Tree;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restore with overwrite onto a target that holds the snapshot's paths already, some as another type. */
class RestoreOverwriteTest {
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
        Files.writeString(tmp.resolve("src/suid"), "set-uid, say");
        Files.createSymbolicLink(tmp.resolve("src/linkdir"), Path.of("d"));
        source = TestRepos.manifest(tmp.resolve("src"));
        repo = TestRepos.create(tmp.resolve("repo"));
        snapshot = new Archiver(repo, Clock.systemUTC()).backup(tmp.resolve("src"), ArchiveOptions.of("ds", Level.FULL),
                null).snapshot();
    }

    @AfterEach
    void close() {
        repo.close();
    }

    private Restorer.Result restore(final Path target) {
        return new Restorer(repo).restore(snapshot, target, new RestoreOptions(List.of(), true, 2), null);
    }

    private static List<Path> temps(final Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(".vigil-restore-")).toList();
        }
    }

    @Test
    void shouldRefuseEveryDirectoryWhereTheSnapshotHasAFileOrLinkBeforeWritingAnything() throws Exception {
        final Path target = tmp.resolve("ow2");
        restore(target);
        Files.delete(target.resolve("linkdir"));
        Files.createDirectories(target.resolve("linkdir/x"));
        Files.delete(target.resolve("suid"));
        Files.createDirectories(target.resolve("suid"));
        Files.writeString(target.resolve("suid/y"), "kept");
        Files.writeString(target.resolve("g"), "changed");
        Files.writeString(target.resolve("d/f"), "changed too");
        final Map<String, String> before = TestRepos.manifest(target);

        final BackupException e = assertThrows(BackupException.class, () -> restore(target));
        final String m = e.getMessage();
        assertTrue(m.startsWith("2 paths of snapshot") && m.contains("nothing was written"), m);
        assertTrue(m.contains("/linkdir: a directory where the snapshot has a symlink"), m);
        assertTrue(m.contains("/suid: a directory where the snapshot has a file"), m);
        assertEquals(before, TestRepos.manifest(target), "nothing written");
        assertEquals(List.of(), temps(target), "no temporary file left");

        Files.delete(target.resolve("linkdir/x"));
        Files.delete(target.resolve("linkdir"));
        Files.delete(target.resolve("suid/y"));
        Files.delete(target.resolve("suid"));
        restore(target);
        assertEquals(source, TestRepos.manifest(target));
    }

    @Test
    void shouldStillReplaceFilesLinksAndWhatIsAtADirectorysPlace() throws Exception {
        final Path target = tmp.resolve("target");
        restore(target);
        Files.writeString(target.resolve("g"), "changed");
        Files.delete(target.resolve("linkdir"));
        Files.writeString(target.resolve("linkdir"), "a file where the snapshot has a link");
        Files.delete(target.resolve("suid"));
        Files.createSymbolicLink(target.resolve("suid"), Path.of("g"));
        Files.delete(target.resolve("d/f"));
        Files.delete(target.resolve("d"));
        Files.writeString(target.resolve("d"), "a file where the snapshot has a directory");
        Files.writeString(target.resolve("extra"), "not in the snapshot");
        restore(target);
        final Map<String, String> after = TestRepos.manifest(target);
        assertEquals("not in the snapshot", Files.readString(target.resolve("extra")), "overwrite deletes nothing");
        after.remove("extra");
        assertEquals(source, after);
        assertEquals(List.of(), temps(target));
    }

    @Test
    void shouldRestoreOnlyWhatIsMissingAndKeepWhatCameBack() throws Exception {
        final Path target = tmp.resolve("target");
        restore(target);
        Files.delete(target.resolve("d/f"));
        Files.delete(target.resolve("g"));
        Files.writeString(target.resolve("suid"), "put back by hand, then edited");
        Files.setAttribute(target.resolve("d"), "unix:mode", 0700);

        final Restorer.Result result = new Restorer(repo).restore(snapshot, target, new RestoreOptions(
                List.of("d/f", "g", "suid"), true, 2, true), null);

        assertEquals("inside", Files.readString(target.resolve("d/f")));
        assertEquals("a file", Files.readString(target.resolve("g")));
        assertEquals("put back by hand, then edited", Files.readString(target.resolve("suid")), "never overwritten");
        assertEquals(1, result.kept());
        assertEquals(2, result.files());
        assertEquals(0700, (Integer) Files.getAttribute(target.resolve("d"), "unix:mode") & 0777,
                "an existing directory keeps its metadata");
    }

    @Test
    void shouldRemoveTheTemporaryFilesOfARestoreThatWasKilled() throws Exception {
        final Path target = tmp.resolve("target");
        restore(target);
        final Path stale = Files.writeString(target.resolve(".vigil-restore-1f2e3d4c5b6a7980"), "half a file");
        final Path staleLink = Files.createSymbolicLink(target.resolve("d/.vigil-restore-42"), Path.of("f"));
        final Path notOurs = Files.writeString(target.resolve(".vigil-restore-notes"), "an operator's file");
        restore(target);
        assertTrue(Files.exists(stale), "a temporary file touched minutes ago may be another restore's, running");

        new Restorer(repo, java.time.Clock.offset(java.time.Clock.systemUTC(), java.time.Duration.ofMinutes(11)))
                .restore(snapshot, target, new RestoreOptions(List.of(), true, 2), null);

        assertTrue(!Files.exists(stale, java.nio.file.LinkOption.NOFOLLOW_LINKS), "kill -9 leaves them; the next "
                + "restore removes them");
        assertTrue(!Files.exists(staleLink, java.nio.file.LinkOption.NOFOLLOW_LINKS), "in every directory it writes");
        assertEquals("an operator's file", Files.readString(notOurs), "only names of the exact pattern");
    }

    @Test
    void shouldRemoveAKilledRunsTemporaryFilesAtOnceWhenToldThatRunWasKilled() throws Exception {
        final Path target = tmp.resolve("target");
        restore(target);
        final Path left = Files.writeString(target.resolve(".vigil-restore-1f2e3d4c5b6a7980"), "half a file");
        Thread.sleep(20); // its ctime is before the run below began

        new Restorer(repo).restore(snapshot, target, new RestoreOptions(List.of(), true, 2).afterKilledRun(), null);

        assertTrue(!Files.exists(left), "the worker re-runs a killed restore: nothing else writes there");
    }

    @Test
    void shouldLeaveNoTemporaryFileWhenAFilesDataIsDamaged() throws Exception {
        final Path target = tmp.resolve("target");
        restore(target);
        Files.writeString(target.resolve("g"), "changed");
        // Damage the content of g in its pack: the write of g fails once its temporary file exists.
        final Node g = Tree.decode(repo.loadBlob(BlobType.TREE, BlobId.parse(snapshot.tree())), "root").stream()
                .filter(n -> n.name().equals("g")).findFirst().orElseThrow();
        final MasterIndex.Location loc = repo.index().lookup(BlobType.DATA, g.content().get(0));
        final Path pack = tmp.resolve("repo/data").resolve(loc.pack().substring(0, 2)).resolve(loc.pack());
        try (RandomAccessFile f = new RandomAccessFile(pack.toFile(), "rw")) {
            final long at = loc.blob().offset() + loc.blob().storedLength() / 2;
            f.seek(at);
            final int b = f.read();
            f.seek(at);
            f.write(b ^ 0xff);
        }
        final Restorer.Result result = restore(target);
        assertEquals(1, result.unrestored().size(), result.unrestored().toString());
        assertTrue(result.unrestored().get(0).startsWith(target.resolve("g") + ": "), result.unrestored().toString());
        assertEquals(List.of(), temps(target), "no temporary file left");
        assertEquals("changed", Files.readString(target.resolve("g")), "the old file stays whole");
    }
}
