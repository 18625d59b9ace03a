package dev.vigil.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.backup.TestRepos;
import dev.vigil.backup.archiver.ArchiveOptions;
import dev.vigil.backup.archiver.Archiver;
import dev.vigil.backup.archiver.Level;
import dev.vigil.backup.fs.NativeFs;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.snapshot.Xattr;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore as root without CAP_SYS_ADMIN (a container's default) may not set {@code trusted.*} attributes: each is a
 * warning, which must name the file the operator knows. The child JVM runs with that capability out of its bounding set.
 */
class RestoreWarningNamesIT {
    @TempDir
    Path dir;

    @Test
    void shouldNameTheRestoredFileNotItsTemporaryFileInAWarningAboutItsAttributes() throws Exception {
        assumeTrue(new ProcessBuilder("setpriv", "--bounding-set=-sys_admin", "true").start().waitFor() == 0,
                "needs root and setpriv(1)");
        final Path src = Files.createDirectories(dir.resolve("src"));
        final Path file = Files.writeString(src.resolve("data.txt"), "data");
        NativeFs.setXattr(file, new Xattr("trusted.origin", "lab".getBytes(StandardCharsets.UTF_8)));
        try (Repository repo = TestRepos.create(dir.resolve("repo"))) {
            new Archiver(repo, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds", Level.FULL), null);
        }
        final Path target = dir.resolve("target");
        final Path log = dir.resolve("restore.log");
        final ProcessBuilder pb = new ProcessBuilder("setpriv", "--bounding-set=-sys_admin",
                ProcessHandle.current().info().command().orElse("java"), "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), ChildJvm.class.getName(), "repo", "restore", "--repo",
                dir.resolve("repo").toString(), "latest", "--target", target.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("VIGIL_PASSWORD", new String(TestRepos.PASSWORD));

        final Process p = pb.start();

        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "restore still running");
        final String out = Files.readString(log);
        assertEquals(0, p.exitValue(), out);
        assertEquals("data", Files.readString(target.resolve("data.txt")));
        assertTrue(out.contains(target.resolve("data.txt") + ": extended attribute trusted.origin not restored: "),
                out);
        assertFalse(out.contains(".vigil-restore-"), out);
    }
}
