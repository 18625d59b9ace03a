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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore where procfs is not mounted (a chroot, a container that hides it) cannot reach paths past PATH_MAX: the
 * child JVM runs in a mount namespace of its own ({@code unshare -m}, as root) with an empty tmpfs over /proc.
 */
class DeepTreeWithoutProcfsIT {
    @TempDir
    Path dir;
    Path repo;

    @BeforeEach
    void deepTreeBackedUp() throws Exception {
        assumeTrue(run(List.of("unshare", "-m", "sh", "-c", "mount -t tmpfs none /proc")) == 0,
                "needs root and unshare(1)");
        final Path src = Files.createDirectories(dir.resolve("src"));
        Files.writeString(src.resolve("top.txt"), "top");
        // relative mkdir and cd: each call's path is short; 22 names of 201 bytes pass 4,096
        assertEquals(0, run(List.of("sh", "-c", "cd \"$1\" && name=$(printf 'd%.0s' $(seq 200)) && for i in $(seq 22);"
                + " do mkdir \"$name$i\" && cd -P \"$name$i\" && echo \"level $i\" > \"f$i.txt\" || exit 1; done", "sh",
                src.toString())));
        repo = dir.resolve("repo");
        try (Repository r = TestRepos.create(repo)) {
            assertEquals(List.of(), new Archiver(r, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds", Level.FULL),
                    null).warnings());
        }
    }

    /** JUnit's removal of the temporary directory goes by path: rm(1) goes by descriptors. */
    @AfterEach
    void removeDeepTrees() throws Exception {
        run(List.of("sh", "-c", "cd \"$1\" && rm -rf ./*", "sh", dir.toString()));
    }

    @Test
    void shouldRefuseTheWholeRestoreWhenPathsPassPathMaxAndProcfsIsMissing() throws Exception {
        final Path target = dir.resolve("target");
        final Path log = dir.resolve("restore.log");

        final int exit = restoreWithoutProcfs(log, "latest", "--target", target.toString());

        final String out = Files.readString(log);
        assertEquals(ExitCodes.FAILED, exit, out);
        assertTrue(out.contains("past Linux's PATH_MAX") && out.contains("nothing was written"), out);
        assertFalse(Files.exists(target), "no partial restore: " + out);
    }

    @Test
    void shouldRestoreThePathsThatFitWithoutProcfs() throws Exception {
        final Path target = dir.resolve("target");
        final Path log = dir.resolve("restore.log");

        final int exit = restoreWithoutProcfs(log, "latest", "--target", target.toString(), "--include", "top.txt");

        assertEquals(0, exit, Files.readString(log));
        assertEquals("top", Files.readString(target.resolve("top.txt")));
    }

    @Test
    void shouldRestoreWithoutProcfsATreeWhoseDeepestEntryFitsPathMaxExactly() throws Exception {
        final Path target = dir.resolve("t");
        // an empty directory of a short name whose path in the target is 4,095 bytes, the most a path may have: no
        // temporary file is written beside a directory, so it fits (a file of that name would not: its temporary
        // file's name is 31 bytes); a first name of A bytes, then names of 200, then "e"
        final int rel = 4095 - target.toString().length() - 1;
        final int levels = (rel - 3) / 201;
        final Path src = Files.createDirectories(dir.resolve("exact"));
        assertEquals(0, run(List.of("sh", "-c", "cd \"$1\" && first=$(printf 'a%.0s' $(seq $2)) && mkdir \"$first\""
                + " && cd -P \"$first\" && name=$(printf 'd%.0s' $(seq 200)) && for i in $(seq $3);"
                + " do mkdir \"$name\" && cd -P \"$name\" || exit 1; done && mkdir e", "sh", src.toString(),
                Integer.toString(rel - 2 - levels * 201), Integer.toString(levels))));
        try (Repository r = TestRepos.create(dir.resolve("exact-repo"))) {
            new Archiver(r, Clock.systemUTC()).backup(src, ArchiveOptions.of("exact", Level.FULL), null);
        }
        repo = dir.resolve("exact-repo");
        final Path log = dir.resolve("restore.log");

        final int exit = restoreWithoutProcfs(log, "latest", "--target", target.toString());

        assertEquals(0, exit, Files.readString(log));
        assertEquals("1", run(List.of("sh", "-c", "cd \"$1\" && find . -mindepth 1 -type d -empty | wc -l", "sh",
                target.toString()), true).trim());
    }

    /** @return the exit code of {@code vigil repo restore ARGS} in a child JVM that sees no procfs */
    private int restoreWithoutProcfs(final Path log, final String... args) throws Exception {
        final String java = ProcessHandle.current().info().command().orElseThrow();
        // the launcher finds libjli through /proc/self/exe, hidden here
        final List<String> cmd = new ArrayList<>(List.of("unshare", "-m", "sh", "-c",
                "mount -t tmpfs none /proc && LD_LIBRARY_PATH=\"$1\" && export LD_LIBRARY_PATH && shift && exec \"$@\"",
                "sh", Path.of(System.getProperty("java.home"), "lib").toString(), java, "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), ChildJvm.class.getName(), "repo", "restore", "--repo",
                repo.toString()));
        cmd.addAll(List.of(args));
        final ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("VIGIL_PASSWORD", new String(TestRepos.PASSWORD));
        final Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "restore still running");
        return p.exitValue();
    }

    private static int run(final List<String> cmd) throws Exception {
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd));
        return p.exitValue();
    }

    /** @return what the command printed; it must succeed */
    private static String run(final List<String> cmd, final boolean output) throws Exception {
        final Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        final String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd));
        assertEquals(0, p.exitValue(), String.join(" ", cmd));
        return out;
    }
}
