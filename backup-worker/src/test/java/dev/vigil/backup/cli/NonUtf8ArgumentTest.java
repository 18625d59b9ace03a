package dev.vigil.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.backup.TestRepos;
import dev.vigil.backup.archiver.ArchiveOptions;
import dev.vigil.backup.archiver.Archiver;
import dev.vigil.backup.archiver.Level;
import dev.vigil.backup.repository.Repository;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A path on the command line whose bytes are not UTF-8 reaches the JVM with U+FFFD in their place: it names another
 * path than the one typed, so it is refused, not used.
 */
class NonUtf8ArgumentTest {
    @TempDir
    Path tmp;

    @Test
    void shouldRefuseARestoreTargetThatIsNotUtf8InsteadOfWritingElsewhere() throws Exception {
        final Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(src.resolve("f"), "content");
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            new Archiver(repo, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds", Level.FULL), null);
        }
        final Path log = tmp.resolve("child.log");
        // bash passes the byte 0xFE as it is; a Java ProcessBuilder would encode the argument itself
        final ProcessBuilder pb = new ProcessBuilder("bash", "-c", "exec \"$0\" -cp \"$1\" "
                + "--add-opens java.base/sun.nio.fs=ALL-UNNAMED dev.vigil.backup.cli.RepoMain restore --repo \"$2\" "
                + "latest --target \"$3\"$'\\xfe'",
                ProcessHandle.current().info().command().orElse("java"), System.getProperty("java.class.path"),
                tmp.resolve("repo").toString(), tmp.resolve("out-").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("VIGIL_PASSWORD", new String(TestRepos.PASSWORD));
        pb.environment().put("LC_ALL", "C.UTF-8"); // as scripts/vigil-repo and ./vigil run it
        final Process p = pb.start();
        assertTrue(p.waitFor(2, TimeUnit.MINUTES));
        final String out = Files.readString(log);

        assertEquals(ExitCodes.USAGE, p.exitValue(), out);
        assertTrue(out.contains("not valid UTF-8"), out);
        assertFalse(Files.exists(tmp.resolve("out-\uFFFD")), "nothing restored into a directory no one named: " + out);
        try (var listing = Files.list(tmp)) {
            assertEquals(0, listing.filter(f -> f.getFileName().toString().startsWith("out-")).count(), out);
        }
        assertEquals("content", Files.readString(src.resolve("f"), StandardCharsets.UTF_8));
    }
}
