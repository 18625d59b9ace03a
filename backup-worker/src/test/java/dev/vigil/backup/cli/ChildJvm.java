package dev.vigil.backup.cli;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/** Runs {@code vigil repo} or {@code vigil worker} in a child JVM, so tests can kill -9 it. */
public final class ChildJvm {
    private ChildJvm() {
    }

    /**
     * Entry point of the child.
     *
     * @param args "repo ..." or "worker ..."
     */
    public static void main(final String[] args) {
        final Object cmd = args[0].equals("worker") ? new WorkerCommand() : new RepoCommand();
        final String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        System.exit(new CommandLine(cmd).setCaseInsensitiveEnumValuesAllowed(true).execute(rest));
    }

    /**
     * @param log where its stdout and stderr go
     * @param env extra environment
     * @param args the command line after "vigil"
     * @return the started process
     * @throws java.io.IOException when it cannot start
     */
    public static Process start(final Path log, final Map<String, String> env, final String... args)
            throws java.io.IOException {
        final List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("-Xmx256m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ChildJvm.class.getName());
        cmd.addAll(List.of(args));
        final ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        return pb.start();
    }

    /** @return the path separator-joined class path, for messages */
    static String classPath() {
        return System.getProperty("java.class.path").replace(File.pathSeparator, "\n");
    }
}
