package dev.vigil.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/vigil-repo} started as cron and systemd start jobs, with an empty environment (the C locale): a path
 * that is not ASCII still reaches the JVM whole.
 */
class LauncherLocaleIT {
    @TempDir
    Path dir;

    private int run(final Path log, final String... args) throws Exception {
        final java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(
                Path.of("../scripts/vigil-repo").toAbsolutePath().toString()));
        command.addAll(java.util.List.of(args));
        final ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        final Map<String, String> env = pb.environment();
        final String path = env.get("PATH");
        env.clear(); // as 'env -i': no LANG, no LC_*
        env.putAll(Map.of("PATH", path, "HOME", dir.toString(), "VIGIL_PASSWORD", "pw", "VIGIL_NO_CDS", "1"));
        final Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "vigil-repo " + String.join(" ", args) + " did not end");
        return p.exitValue();
    }

    @Test
    void shouldTakeANonAsciiPathInTheCLocale() throws Exception {
        final Path src = Files.createDirectories(dir.resolve("café"));
        Files.writeString(src.resolve("menu"), "crêpes");
        final Path log = dir.resolve("log");

        assertEquals(0, run(log, "init", "--repo", dir.resolve("repo").toString(), "--kdf-n", "1024"),
                Files.readString(log, StandardCharsets.UTF_8));
        assertEquals(0, run(log, "backup", "--repo", dir.resolve("repo").toString(), src.toString()),
                Files.readString(log, StandardCharsets.UTF_8));
        assertTrue(Files.readString(log, StandardCharsets.UTF_8).contains("FULL backup of " + src),
                Files.readString(log, StandardCharsets.UTF_8));
    }
}
