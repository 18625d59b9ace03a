package dev.vigil.backup.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a {@code vigil repo} command in a child JVM with a small heap: what a command holds per entry shows as exit 3. */
final class SmallHeapRepoCommand {
    private SmallHeapRepoCommand() {
    }

    /**
     * @param dir holds {@code repo} and its password file {@code pw}
     * @param heap the child's {@code -Xmx...}
     * @param out where stdout goes; stderr goes to {@code out}.err
     * @param args the command and its arguments
     * @return the exit code (3 when the heap ran out: {@code -XX:+ExitOnOutOfMemoryError})
     */
    static int run(final Path dir, final String heap, final Path out, final String... args) throws Exception {
        final List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                heap, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError", "--add-opens",
                "java.base/sun.nio.fs=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                RepoMain.class.getName()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--repo", dir.resolve("repo").toString(), "--password-file", dir.resolve("pw").toString()));
        final Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile())
                .redirectError(Path.of(out + ".err").toFile()).start();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("still running after 2 minutes: " + cmd);
        }
        return p.exitValue();
    }
}
