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
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
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
    void shouldKeepADiskImageWhoseZeroedRegionsChangeExactAtEveryLevel() throws Exception {
        final Path src = Files.createDirectories(tmp.resolve("src"));
        final Path image = src.resolve("disk.img");
        try (RandomAccessFile raf = new RandomAccessFile(image.toFile(), "rw")) {
            raf.setLength(40L << 20); // zeros, a hole
            raf.seek(5L << 20);
            raf.write("a boot sector".repeat(1000).getBytes(StandardCharsets.UTF_8));
        }
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            final Snapshot full = backup(repo, src, Level.FULL);
            final Map<String, String> m1 = TestRepos.manifest(src);
            try (RandomAccessFile raf = new RandomAccessFile(image.toFile(), "rw")) {
                raf.seek(23L << 20); // inside a zero chunk: the parent's zero chunks around it are matched
                raf.write("a new file in the image".getBytes(StandardCharsets.UTF_8));
                raf.seek(raf.length());
                raf.write(new byte[3 << 20]); // grown by zeros that end in the middle of a chunk
            }
            final Snapshot incr = backup(repo, src, Level.INCREMENTAL);

            assertEquals(m1, TestRepos.manifest(restore(repo, full, "r1")));
            assertEquals(TestRepos.manifest(src), TestRepos.manifest(restore(repo, incr, "r2")));
            assertTrue(incr.figures().bytesAdded() < (1 << 20), "one changed chunk, compressed: "
                    + incr.figures().bytesAdded());
            final Checker.Report report = new Checker(repo).check(1.0, 1);
            assertTrue(report.ok(), report.errors().toString());
        }
    }

    @Test
    void shouldNeverBackUpItsOwnRepositoryKeptInsideTheSource() throws Exception {
        final Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(src.resolve("notes.txt"), "the data");
        try (Repository repo = TestRepos.create(src.resolve("backups/repo"))) {
            backup(repo, src, Level.FULL);
            final Snapshot second = backup(repo, src, Level.INCREMENTAL);

            final Path out = restore(repo, second, "out");
            assertTrue(Files.exists(out.resolve("notes.txt")));
            assertTrue(Files.isDirectory(out.resolve("backups")), "what holds the repository is backed up");
            assertTrue(!Files.exists(out.resolve("backups/repo")), "the repository itself is not: it would store "
                    + "itself, growing with every backup");
        }
    }

    @Test
    void shouldNeverBackUpItsOwnRepositoryNamedThroughALink() throws Exception {
        final Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(src.resolve("notes.txt"), "the data");
        final Path link = Files.createSymbolicLink(tmp.resolve("repo-link"),
                Files.createDirectories(src.resolve("backups/repo")));
        try (Repository repo = TestRepos.create(link)) {
            final Snapshot s = backup(repo, src, Level.FULL);
            assertTrue(!Files.exists(restore(repo, s, "out").resolve("backups/repo")));
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
    void shouldFollowADatasetRootThatIsALinkButKeepLinksInside() throws Exception {
        final Path real = Files.createDirectories(tmp.resolve("real"));
        Files.writeString(real.resolve("a.txt"), "through the link");
        Files.createSymbolicLink(real.resolve("inner"), Path.of("a.txt"));
        final Path link = Files.createSymbolicLink(tmp.resolve("data"), real);
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            final Snapshot s = backup(repo, link, Level.FULL);
            final Path out = tmp.resolve("out");
            new Restorer(repo).restore(s, out, RestoreOptions.defaults(), null);
            assertEquals("through the link", Files.readString(out.resolve("a.txt")));
            assertTrue(Files.isSymbolicLink(out.resolve("inner")));
        }
    }

    @Test
    void shouldRestoreNamesThatAreNotUtf8ByteForByteAndFifos() throws Exception {
        final Path src = tmp.resolve("src");
        Files.createDirectories(src);
        // Latin-1 and broken bytes next to the same word in UTF-8 (caf\xc3\xa9): each must stay itself
        sh(src, "printf one > $'\\xff\\xfe-invalid'; mkdir $'caf\\xe9' café; printf two > $'caf\\xe9/na\\xefve.txt';"
                + " printf three > café/x; ln -s $'caf\\xe9/na\\xefve.txt' $'lnk-\\xe9'; mkfifo -m 640 $'pipe-\\xe9';"
                + " ln -s 'café//x/' slashes");
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            final Archiver.Result r = new Archiver(repo, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds",
                    Level.FULL), null);
            assertEquals(List.of(), r.warnings());
            assertEquals(3, r.snapshot().figures().filesNew());
            final Path target = restore(repo, r.snapshot(), "restored");
            // the listing (names, types, modes, times to the nanosecond, link targets) and the contents, as bytes,
            // by tools outside the JVM
            assertEquals(sh(src, "find . -printf '%y %m %T@ %p %l\\n' | LC_ALL=C sort"),
                    sh(target, "find . -printf '%y %m %T@ %p %l\\n' | LC_ALL=C sort"));
            final String fifo = "find . -type p -printf '%m %T@ %p'";
            assertEquals(sh(src, fifo), sh(target, fifo), "the FIFO, its mode and time");
            assertTrue(sh(target, fifo).startsWith("640 "));
            assertTrue(sh(src, "find . -printf '%p\\n'").contains("caf\\xe9"), "non-UTF-8 names listed");
            assertEquals("", sh(tmp, "diff -r --no-dereference --exclude='pipe-*' src restored"));
            // a path chosen as ls shows it
            final Path some = tmp.resolve("some");
            new Restorer(repo).restore(r.snapshot(), some, new RestoreOptions(List.of("caf\\xE9"), false, 2), null);
            assertEquals("./caf\\xe9/na\\xefve.txt", sh(some, "find . -type f -printf '%p'"));
            // again over itself, replacing every entry (the FIFO and links through a temporary name)
            new Restorer(repo).restore(r.snapshot(), target, new RestoreOptions(List.of(), true, 2), null);
            assertEquals(sh(src, "find . -printf '%y %m %T@ %p %l\\n' | LC_ALL=C sort"),
                    sh(target, "find . -printf '%y %m %T@ %p %l\\n' | LC_ALL=C sort"));
            assertTrue(new Checker(repo).check(1.0, 1).ok());
        }
    }

    /** @return the command's standard output, non-UTF-8 bytes as {@code \xNN} (it must exit 0) */
    private static String sh(final Path dir, final String command) throws Exception {
        final Process p = new ProcessBuilder("bash", "-c", command).directory(dir.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        final byte[] out = p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor(), command);
        final StringBuilder s = new StringBuilder();
        for (final byte b : out) {
            s.append(b >= 0 ? Character.toString(b) : String.format("\\x%02x", b & 0xff));
        }
        return s.toString();
    }
}
