package dev.vigil.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.backup.TestRepos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A JVM started without {@code --add-opens java.base/sun.nio.fs} (as ChildJvm does) cannot keep such names. */
class NamesWithoutRawAccessTest {
    @TempDir
    Path tmp;

    @Test
    void shouldSayWhyANameThatIsNotUtf8IsSkippedAndExitIncomplete() throws Exception {
        final Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(src.resolve("ok.txt"), "ok");
        assertEquals(0, new ProcessBuilder("bash", "-c", "touch $'\\xff\\xfe-invalid'").directory(src.toFile())
                .start().waitFor());
        TestRepos.create(tmp.resolve("repo")).close();
        final Path log = tmp.resolve("child.log");
        final Process p = ChildJvm.start(log, Map.of("VIGIL_PASSWORD", new String(TestRepos.PASSWORD)), "repo",
                "backup", "--repo", tmp.resolve("repo").toString(), "--dataset", "ds", src.toString());
        assertTrue(p.waitFor(2, TimeUnit.MINUTES));
        final String out = Files.readString(log);
        assertEquals(ExitCodes.INCOMPLETE, p.exitValue(), out);
        assertTrue(out.contains("not valid UTF-8 and the JVM runs without --add-opens"), out);
    }
}
