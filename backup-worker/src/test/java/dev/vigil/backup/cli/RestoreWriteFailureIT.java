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
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore that cannot write a file (the disk fills up) restores the rest, fails naming that file, and leaves no file
 * at its real name that looks whole but is cut short. The child JVM runs under {@code ulimit -f}: the JVM ignores SIGXFSZ, so a write past the limit fails
 * with "File too large", as one on a full disk fails with "No space left on device".
 */
class RestoreWriteFailureIT {
    @TempDir
    Path dir;

    @Test
    void shouldLeaveNoTruncatedFileWhenAWriteFails() throws Exception {
        final Path src = Files.createDirectories(dir.resolve("src"));
        final byte[] big = new byte[4 << 20];
        new Random(5).nextBytes(big);
        Files.write(src.resolve("big.bin"), big);
        Files.writeString(src.resolve("small.txt"), "small");
        try (Repository repo = TestRepos.create(dir.resolve("repo"))) {
            new Archiver(repo, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds", Level.FULL), null);
        }
        final Path target = dir.resolve("target");
        final Path log = dir.resolve("restore.log");
        final List<String> cmd = new ArrayList<>(List.of("bash", "-c", "ulimit -f 1024; exec \"$@\"", "bash",
                ProcessHandle.current().info().command().orElse("java"), "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), ChildJvm.class.getName(), "repo", "restore", "--repo",
                dir.resolve("repo").toString(), "latest", "--target", target.toString()));
        final ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("VIGIL_PASSWORD", new String(TestRepos.PASSWORD));

        assertEquals(ExitCodes.FAILED, pb.start().waitFor(), Files.readString(log));
        assertTrue(Files.readString(log).contains("big.bin: cannot write: File too large"), Files.readString(log));
        assertFalse(Files.exists(target.resolve("big.bin")), "no cut-short file at the real name");
        assertEquals("small", Files.readString(target.resolve("small.txt")), "the rest is restored");
    }
}
