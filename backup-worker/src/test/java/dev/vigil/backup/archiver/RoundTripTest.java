package dev.vigil.backup.archiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.backup.TestRepos;
import dev.vigil.backup.TestTrees;
import dev.vigil.backup.checker.Checker;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.restorer.RestoreOptions;
import dev.vigil.backup.restorer.Restorer;
import dev.vigil.backup.snapshot.Snapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoundTripTest {
    @TempDir
    Path tmp;

    private Snapshot backup(final Repository repo, final Path src, final Level level) {
        return new Archiver(repo, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds", level), null).snapshot();
    }

    private Path restore(final Repository repo, final Snapshot s, final String name) {
        final Path target = tmp.resolve(name);
        new Restorer(repo).restore(s, target, RestoreOptions.defaults(), null);
        return target;
    }

    @Test
    void shouldRestoreEveryLevelByteIdenticalWithMetadataWhenFilesChangeBetweenLevels() throws Exception {
        final Path src = tmp.resolve("src");
        TestTrees.awkward(src, 1);
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            final Map<String, String> m1 = TestRepos.manifest(src);
            final Snapshot full = backup(repo, src, Level.INCREMENTAL);
            assertEquals("FULL", full.level(), "an INCREMENTAL without parent becomes FULL");
            assertNull(full.parent());

            Files.writeString(src.resolve("docs/readme.txt"), "changed\n");
            Files.delete(src.resolve("spaces in name.txt"));
            Files.move(src.resolve("docs/deep"), src.resolve("moved-deep"));
            Files.writeString(src.resolve("added.txt"), "new file");
            final Map<String, String> m2 = TestRepos.manifest(src);
            final Snapshot incr = backup(repo, src, null);
            assertEquals("INCREMENTAL", incr.level());
            assertEquals(full.id(), incr.parent());
            assertEquals(2, incr.figures().filesNew(), "added.txt and moved-deep/er/still/note.md");
            assertEquals(1, incr.figures().filesChanged());
            assertEquals(2, incr.figures().filesRemoved());
            assertTrue(incr.figures().bytesRead() < 100_000, "unchanged files are not read: " + incr.figures());

            Files.writeString(src.resolve("added.txt"), "changed again, longer");
            final Map<String, String> m3 = TestRepos.manifest(src);
            final Snapshot diff = backup(repo, src, Level.DIFFERENTIAL);
            assertEquals(full.id(), diff.parent(), "a differential's parent is the latest FULL");

            assertEquals(m1, TestRepos.manifest(restore(repo, full, "r1")));
            assertEquals(m2, TestRepos.manifest(restore(repo, incr, "r2")));
            assertEquals(m3, TestRepos.manifest(restore(repo, diff, "r3")));
            final Checker.Report report = new Checker(repo).check(1.0, 1);
            assertTrue(report.ok(), report.errors().toString());
        }
    }

    @Test
    void shouldRestoreSparseFilesSparseAndHardLinksAsLinks() throws Exception {
        final Path src = tmp.resolve("src");
        TestTrees.awkward(src, 2);
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            final Path out = restore(repo, backup(repo, src, Level.FULL), "out");
            final Process du = new ProcessBuilder("du", "-k", out.resolve("sparse.img").toString()).start();
            final long allocatedKiB = Long.parseLong(new String(du.getInputStream().readAllBytes()).split("\\s+")[0]);
            assertTrue(allocatedKiB <= 128, "16 MiB sparse file restored with " + allocatedKiB + " KiB allocated");
            assertEquals(Files.getAttribute(out.resolve("docs/hard-a"), "unix:ino"),
                    Files.getAttribute(out.resolve("hard-b"), "unix:ino"));
            assertEquals(04755, (Integer) Files.getAttribute(out.resolve("tool.sh"), "unix:mode") & 07777);
        }
    }

    @Test
    void shouldRestoreOnlyChosenPathsAndReplaceExistingFilesWithOverwrite() throws Exception {
        final Path src = tmp.resolve("src");
        TestTrees.awkward(src, 3);
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            final Snapshot s = backup(repo, src, Level.FULL);
            final Path out = tmp.resolve("some");
            new Restorer(repo).restore(s, out, new RestoreOptions(List.of("docs/deep"), false, 2), null);
            assertTrue(Files.exists(out.resolve("docs/deep/er/still/note.md")));
            assertTrue(Files.notExists(out.resolve("docs/readme.txt")));

            Files.writeString(src.resolve("docs/readme.txt"), "ransomware was here");
            new Restorer(repo).restore(s, src, new RestoreOptions(List.of(), true, 2), null);
            assertEquals("hello vigil\n".repeat(1000), Files.readString(src.resolve("docs/readme.txt")));
            try (var files = Files.list(src)) {
                assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith(".vigil-restore-")));
            }
        }
    }

    @Test
    void shouldStoreIdenticalContentOnceAcrossFilesAndSnapshots() throws Exception {
        final Path src = tmp.resolve("src");
        Files.createDirectories(src);
        final byte[] data = new byte[2 << 20];
        new java.util.Random(7).nextBytes(data);
        Files.write(src.resolve("a.bin"), data);
        Files.write(src.resolve("copy-of-a.bin"), data);
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            final Snapshot s = backup(repo, src, Level.FULL);
            assertTrue(s.figures().bytesAdded() < data.length * 1.1, "stored once: " + s.figures());
            final Snapshot again = backup(repo, src, Level.FULL);
            assertTrue(again.figures().bytesAdded() < 20_000, "a second FULL adds only trees: " + again.figures());
        }
    }

    @Test
    void shouldWarnInsteadOfSilentlySkippingANameThatIsNotUtf8() throws Exception {
        final Path src = tmp.resolve("src");
        Files.createDirectories(src);
        Files.writeString(src.resolve("ok.txt"), "ok");
        final Process touch = new ProcessBuilder("bash", "-c", "touch $'\\xff\\xfe-invalid'").directory(src.toFile())
                .start();
        assertEquals(0, touch.waitFor());
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            final Archiver.Result r = new Archiver(repo, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds",
                    Level.FULL), null);
            assertTrue(r.warnings().stream().anyMatch(w -> w.contains("not valid UTF-8")), r.warnings().toString());
            assertEquals(1, r.snapshot().figures().filesNew());
        }
    }
}
