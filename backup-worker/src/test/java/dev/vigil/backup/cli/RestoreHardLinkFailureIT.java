package dev.vigil.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.backup.TestRepos;
import dev.vigil.backup.archiver.ArchiveOptions;
import dev.vigil.backup.archiver.Archiver;
import dev.vigil.backup.archiver.Level;
import dev.vigil.backup.repository.Repository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore whose target refuses a hard-linked file (a full disk; here {@code ulimit -f}, as in {@link
 * RestoreWriteFailureIT}) cannot make its other links either: they are as unwritten as it, and the repository is whole.
 */
class RestoreHardLinkFailureIT {
    @TempDir
    Path dir;

    @Test
    void shouldReportTheLinksOfAFileTheTargetRefusedAsNotWrittenNotAsDamagedData() throws Exception {
        final Path src = Files.createDirectories(dir.resolve("src"));
        final byte[] big = new byte[4 << 20];
        new Random(7).nextBytes(big);
        Files.createDirectories(src.resolve("a"));
        Files.createDirectories(src.resolve("b"));
        Files.write(src.resolve("a/big.bin"), big);
        Files.createLink(src.resolve("b/big-link.bin"), src.resolve("a/big.bin"));
        try (Repository repo = TestRepos.create(dir.resolve("repo"))) {
            new Archiver(repo, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds", Level.FULL), null);
        }
        final Path target = dir.resolve("target");
        final Path log = dir.resolve("restore.log");
        final ProcessBuilder pb = new ProcessBuilder("bash", "-c", "ulimit -f 1024; exec \"$@\"", "bash",
                ProcessHandle.current().info().command().orElse("java"), "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), ChildJvm.class.getName(), "repo", "restore", "--repo",
                dir.resolve("repo").toString(), "latest", "--target", target.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("VIGIL_PASSWORD", new String(TestRepos.PASSWORD));

        assertEquals(ExitCodes.FAILED, pb.start().waitFor(), Files.readString(log));

        final String out = Files.readString(log);
        assertTrue(out.contains("a/big.bin: cannot write: File too large"), out);
        assertTrue(out.contains("b/big-link.bin: cannot write: a hard link to " + target.resolve("a/big.bin")), out);
        assertFalse(out.contains("not restored:") || out.contains("damaged or missing in the repository"), out);
    }
}
