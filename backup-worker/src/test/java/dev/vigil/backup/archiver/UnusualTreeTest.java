package dev.vigil.backup.archiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.backup.TestRepos;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.restorer.RestoreOptions;
import dev.vigil.backup.restorer.Restorer;
import dev.vigil.backup.snapshot.Snapshot;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backup and restore of real trees with what file systems allow but rarely hold. */
class UnusualTreeTest {
    @TempDir
    Path tmp;

    private Snapshot backup(final Repository repo, final Path src) {
        return new Archiver(repo, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds", Level.FULL), null).snapshot();
    }

    private static void touch(final String time, final Path... paths) throws Exception {
        final java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("touch", "-m", "-d", time));
        for (final Path p : paths) {
            cmd.add(p.toString());
        }
        assertEquals(0, new ProcessBuilder(cmd).inheritIO().start().waitFor());
    }

    @Test
    void shouldRestoreModificationTimesBefore1970WithTheirFractionOfASecond() throws Exception {
        final Path src = Files.createDirectories(tmp.resolve("src"));
        final FileTime before1970 = FileTime.from(Instant.parse("1960-01-01T00:00:00.5Z"));
        final FileTime after2038 = FileTime.from(Instant.parse("2100-01-01T00:00:00.25Z"));
        // touch(1), not the JDK's setter, which cannot set a time before 1970 with a fraction of a second
        Files.writeString(src.resolve("old"), "old");
        Files.createDirectory(src.resolve("old-dir"));
        Files.writeString(src.resolve("future"), "future");
        touch("1960-01-01 00:00:00.5 UTC", src.resolve("old"), src.resolve("old-dir"));
        touch("2100-01-01 00:00:00.25 UTC", src.resolve("future"));
        assertEquals(before1970, Files.getLastModifiedTime(src.resolve("old")));
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            final Path out = tmp.resolve("out");
            new Restorer(repo).restore(backup(repo, src), out, RestoreOptions.defaults(), null);
            assertEquals(before1970, Files.getLastModifiedTime(out.resolve("old"), LinkOption.NOFOLLOW_LINKS));
            assertEquals(before1970, Files.getLastModifiedTime(out.resolve("old-dir"), LinkOption.NOFOLLOW_LINKS));
            assertEquals(after2038, Files.getLastModifiedTime(out.resolve("future"), LinkOption.NOFOLLOW_LINKS));
        }
    }

    @Test
    void shouldStoreTheContentOfAFileWhoseSizeSaysZero() throws Exception {
        // procfs reports a size of 0 for files that read as text; sysfs, debugfs and FUSE file systems do too
        final Path proc = Path.of("/proc/sys/kernel/random");
        final String bootId = Files.readString(proc.resolve("boot_id"));
        assertEquals(0, Files.size(proc.resolve("boot_id")), "the kernel's size of a procfs file");
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            final Path out = tmp.resolve("out");
            new Restorer(repo).restore(backup(repo, proc), out, RestoreOptions.defaults(), null);
            assertEquals(bootId, Files.readString(out.resolve("boot_id")));
            assertEquals(bootId.length(), Files.size(out.resolve("boot_id")));
            assertEquals(Files.readString(proc.resolve("poolsize")), Files.readString(out.resolve("poolsize")));
        }
    }

    @Test
    void shouldRestoreCharacterAndBlockDevicesAsRoot() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "mknod(2) of a device needs root");
        final Path src = Files.createDirectories(tmp.resolve("src"));
        run("mknod", "-m", "0640", src.resolve("null").toString(), "c", "1", "3");
        run("mknod", "-m", "0600", src.resolve("loop200").toString(), "b", "7", "200");
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            final Path out = tmp.resolve("out");
            final Restorer.Result r = new Restorer(repo).restore(backup(repo, src), out, RestoreOptions.defaults(),
                    null);
            assertEquals(List.of(), r.warnings());
            assertEquals(stat(src.resolve("null")), stat(out.resolve("null")));
            assertEquals("character special file 1 3 640", stat(out.resolve("null")));
            assertEquals("block special file 7 c8 600", stat(out.resolve("loop200")));
        }
    }

    @Test
    void shouldRestoreHardLinkedSymlinksAndFifosAsHardLinks() throws Exception {
        // cp -al and rsnapshot link every entry of a tree, links and FIFOs too, not only regular files
        final Path src = Files.createDirectories(tmp.resolve("src/a"));
        Files.createDirectories(tmp.resolve("src/b"));
        Files.createSymbolicLink(src.resolve("link"), Path.of("../elsewhere"));
        run("ln", "-P", src.resolve("link").toString(), tmp.resolve("src/b/link").toString());
        run("mkfifo", src.resolve("fifo").toString());
        run("ln", src.resolve("fifo").toString(), tmp.resolve("src/b/fifo").toString());
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            final Path out = tmp.resolve("out");
            final Restorer.Result r = new Restorer(repo).restore(backup(repo, tmp.resolve("src")), out,
                    RestoreOptions.defaults(), null);
            assertEquals(List.of(), r.warnings());
            for (final String name : List.of("link", "fifo")) {
                final Object a = Files.getAttribute(out.resolve("a/" + name), "unix:ino", LinkOption.NOFOLLOW_LINKS);
                assertEquals(a, Files.getAttribute(out.resolve("b/" + name), "unix:ino", LinkOption.NOFOLLOW_LINKS),
                        name + ": one inode, as in the source");
                assertEquals(2, Files.getAttribute(out.resolve("a/" + name), "unix:nlink", LinkOption.NOFOLLOW_LINKS));
            }
            assertEquals(Path.of("../elsewhere"), Files.readSymbolicLink(out.resolve("b/link")));
        }
    }

    private static void run(final String... cmd) throws Exception {
        assertEquals(0, new ProcessBuilder(cmd).inheritIO().start().waitFor(), String.join(" ", cmd));
    }

    /** @return stat(1)'s type, major and minor (hex) and mode of a path */
    private static String stat(final Path p) throws Exception {
        final Process stat = new ProcessBuilder("stat", "-c", "%F %t %T %a", p.toString()).start();
        final String out = new String(stat.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, stat.waitFor());
        return out.strip();
    }
}
