package dev.vigil.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.backup.TestRepos;
import dev.vigil.backup.archiver.ArchiveOptions;
import dev.vigil.backup.archiver.Archiver;
import dev.vigil.backup.archiver.Level;
import dev.vigil.backup.repository.Repository;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore by a user who is not root gives a file back its group when the user is in that group (as cp -a, rsync -a
 * and restic do). The child JVM runs as nobody with two groups (setpriv, as root), from a copy of the class path that
 * nobody may read.
 */
class UserRestoreGroupIT {
    private static final int NOBODY = 65534;
    private static final int MEMBER = 4242;
    private static final int OTHER = 4343;

    @TempDir
    Path dir;

    @Test
    void shouldGiveBackTheGroupsTheRestoringUserIsIn() throws Exception {
        assumeTrue(new ProcessBuilder("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "true")
                .start().waitFor() == 0, "needs root and setpriv(1)");
        final Path src = Files.createDirectories(dir.resolve("src"));
        final Path member = Files.writeString(src.resolve("member.txt"), "a group of the user's");
        final Path other = Files.writeString(src.resolve("other.txt"), "a group the user is not in");
        Files.setAttribute(member, "unix:gid", MEMBER);
        Files.setAttribute(other, "unix:gid", OTHER);
        try (Repository repo = TestRepos.create(dir.resolve("repo"))) {
            new Archiver(repo, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds", Level.FULL), null);
        }
        final String classPath = copyClassPath(dir.resolve("cp"));
        assertEquals(0, new ProcessBuilder("chmod", "-R", "a+rX", dir.toString()).start().waitFor());
        final Path out = Files.createDirectories(dir.resolve("out"));
        Files.setAttribute(out, "unix:uid", NOBODY);
        final Path log = dir.resolve("restore.log");
        final ProcessBuilder pb = new ProcessBuilder("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY,
                "--groups=" + NOBODY + "," + MEMBER, ProcessHandle.current().info().command().orElse("java"),
                "-Xmx256m", "-cp", classPath, ChildJvm.class.getName(), "repo", "restore", "--repo",
                dir.resolve("repo").toString(), "--no-lock", "latest", "--target", out.resolve("t").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("VIGIL_PASSWORD", new String(TestRepos.PASSWORD));

        final Process p = pb.start();

        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "restore still running");
        final String text = Files.readString(log);
        assertEquals(0, p.exitValue(), text);
        assertEquals(MEMBER, Files.getAttribute(out.resolve("t/member.txt"), "unix:gid", LinkOption.NOFOLLOW_LINKS),
                text);
        assertEquals(NOBODY, Files.getAttribute(out.resolve("t/other.txt"), "unix:gid", LinkOption.NOFOLLOW_LINKS));
        assertFalse(text.contains("warning"), text);
    }

    /** @return the class path of this JVM, copied where every user may read it (root's home is closed) */
    private static String copyClassPath(final Path to) throws Exception {
        final List<String> copied = new ArrayList<>();
        Files.createDirectories(to);
        int i = 0;
        for (final String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            final Path from = Path.of(entry);
            if (!Files.exists(from)) {
                continue;
            }
            final Path copy = to.resolve(i++ + "-" + from.getFileName());
            if (Files.isDirectory(from)) {
                try (Stream<Path> all = Files.walk(from)) {
                    for (final Path f : (Iterable<Path>) all::iterator) {
                        Files.copy(f, copy.resolve(from.relativize(f).toString()));
                    }
                }
            } else {
                Files.copy(from, copy);
            }
            copied.add(copy.toString());
        }
        return String.join(File.pathSeparator, copied);
    }
}
