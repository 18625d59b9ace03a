package dev.vigil.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.backup.TestRepos;
import dev.vigil.backup.archiver.ArchiveOptions;
import dev.vigil.backup.archiver.Archiver;
import dev.vigil.backup.archiver.Level;
import dev.vigil.backup.fs.OpenDirectory;
import dev.vigil.backup.repository.Repository;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tree nested almost to PATH_MAX that then spreads into many sibling directories, each of whose entries' paths pass
 * it, restored by a child JVM under {@code ulimit -n} far below the number of siblings: the restore must not hold a
 * descriptor per directory it passed.
 */
class WideDeepTreeIT {
    private static final int SIBLINGS = 1500;
    private static final int OPEN_FILES = 256;

    @TempDir
    Path dir;

    /** JUnit's removal of the temporary directory goes by path: rm(1) goes by descriptors. */
    @AfterEach
    void removeDeepTrees() throws Exception {
        sh(dir, "rm -rf ./*");
    }

    @Test
    void shouldRestoreThousandsOfSiblingDirectoriesPastPathMaxWithFewDescriptors() throws Exception {
        assumeTrue(OpenDirectory.byDescriptor(), "needs Linux with procfs");
        final Path src = Files.createDirectories(dir.resolve("src"));
        // 18 names of 201 bytes (3,636 bytes with their slashes), then siblings of 200: each sibling's entries pass
        // 4,096 under the target, the directory above them does not; relative mkdir and cd keep each call short
        sh(src, "name=$(printf 'd%.0s' $(seq 200)); for i in $(seq 18); do mkdir \"$name$i\" && cd -P \"$name$i\""
                + " || exit 1; done; sib=$(printf 's%.0s' $(seq 196)); for j in $(seq " + SIBLINGS + "); do"
                + " mkdir \"$sib$j\" && echo \"$j\" > \"$sib$j/f\" && ln -s f \"$sib$j/l\" || exit 1; done;"
                + " touch -d '2020-01-02 03:04:05' \"$sib\"*");
        final Path repo = dir.resolve("repo");
        try (Repository r = TestRepos.create(repo)) {
            assertEquals(List.of(), new Archiver(r, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds", Level.FULL),
                    null).warnings());
        }
        final Path target = dir.resolve("target");
        final Path log = dir.resolve("restore.log");
        final ProcessBuilder pb = new ProcessBuilder("bash", "-c", "ulimit -n " + OPEN_FILES + " && exec \"$@\"", "bash",
                ProcessHandle.current().info().command().orElse("java"), "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), ChildJvm.class.getName(), "repo", "restore", "--repo",
                repo.toString(), "latest", "--target", target.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("VIGIL_PASSWORD", new String(TestRepos.PASSWORD));

        final Process p = pb.start();

        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "restore still running");
        assertEquals(0, p.exitValue(), Files.readString(log));
        // a directory's size is its file system's business (entries added and removed leave it larger)
        final String listing = "find . -mindepth 1 \\( -type d -printf '%P|%y|%m|%T@\\n' \\)"
                + " -o -printf '%P|%y|%m|%s|%T@|%l\\n' | sort | sha256sum"
                + " && find . -type f -exec cat {} + | sort -n | sha256sum && find . | wc -l";
        assertEquals(sh(src, listing), sh(target, listing));
    }

    /** @return what the command printed, run by sh in that directory; it must succeed */
    private static String sh(final Path dir, final String command) throws Exception {
        final Process p = new ProcessBuilder("sh", "-c", command).directory(dir.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), command);
        assertEquals(0, p.exitValue(), command);
        return out;
    }
}
