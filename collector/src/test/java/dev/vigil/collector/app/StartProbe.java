package dev.vigil.collector.app;

import dev.vigil.collector.cli.CollectorCommand;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * Mounts something with a shell command, then runs {@code vigil collector} as an operator does, with the settings
 * file given, until it is stopped; run by {@link CollectorStartTest} in a child JVM in a mount namespace of its own.
 * Prints the command's first line (MOUNTED once done); the agent's own output goes to stderr.
 */
public final class StartProbe {
    private StartProbe() {
    }

    /** @param args the shell command, the settings file */
    public static void main(final String[] args) throws Exception {
        final Process command = new ProcessBuilder("sh", "-c", args[0]).redirectErrorStream(true).start();
        System.out.println(new BufferedReader(new InputStreamReader(command.getInputStream(),
                StandardCharsets.UTF_8)).readLine());
        System.out.flush();
        if (!Files.isRegularFile(Path.of(args[1]))) {
            throw new IllegalArgumentException("no settings file " + args[1]);
        }
        System.exit(new CommandLine(new CollectorCommand()).execute("--config", args[1]));
    }
}
