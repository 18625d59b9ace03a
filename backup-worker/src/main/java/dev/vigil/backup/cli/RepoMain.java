package dev.vigil.backup.cli;

import dev.vigil.backup.crypto.BlobHasher;
import dev.vigil.backup.crypto.KeyFile;
import dev.vigil.backup.crypto.MasterKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import picocli.CommandLine;

/**
 * A lean entry point for {@code vigil repo} alone ({@code java -jar lib/vigil-backup-worker-*.jar
 * init ...}, or {@code scripts/vigil-repo}): it builds only the repository commands, not the whole
 * {@code vigil} command tree with every service, so short runs (a no-change backup) start faster.
 * {@code --class-archive-training DIR} runs the commands once on a scratch tree, for an AppCDS
 * archive (see {@link ClassArchiveTraining}).
 */
public final class RepoMain {
    private RepoMain() {
    }

    /**
     * @param args the arguments after {@code vigil repo}
     * @throws Exception when the training tree cannot be written
     */
    public static void main(final String[] args) throws Exception {
        if (System.getenv("VIGIL_LOG_LEVEL") == null && System.getProperty("slf4j.provider") == null) {
            // Commands report to the user themselves; starting Logback (XML config, ~500 classes) would cost
            // more than a no-change backup's own work. VIGIL_LOG_LEVEL brings the logs back.
            System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
            System.setProperty("slf4j.internal.verbosity", "WARN");
        }
        if (System.getProperty("jna.platform.library.path") == null) {
            // JNA otherwise runs `ldconfig -p` in a child process on every start to build a search path; the one
            // library loaded here, libcrypto by its versioned name, is found by the dynamic loader itself.
            System.setProperty("jna.platform.library.path", "");
        }
        if (args.length > 0 && !args[0].startsWith("-")) {
            warmUp();
        }
        if (args.length == 2 && "--class-archive-training".equals(args[0])) {
            System.exit(ClassArchiveTraining.run(Files.createDirectories(Path.of(args[1]))));
        }
        final CommandLine commandLine = JsonUsageErrors.applyTo(VersionProvider.applyTo(PathArguments.applyTo(
                commandLine(args))));
        System.exit(commandLine.setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    /**
     * While the main thread parses the command line, a second core loads and initializes what opening any
     * repository needs: the native crypto libraries (with OpenSSL's known-answer check), Jackson's key file
     * mapping, the scrypt code (on a key of the smallest cost, thrown away). Wall time only: the work is the
     * same, done in parallel.
     */
    private static void warmUp() {
        final Thread t = new Thread(() -> {
            final KeyFile k = KeyFile.create(MasterKey.random(), new char[] {'x'}, 1024, Instant.EPOCH, "", "");
            KeyFile.parse(k.toBytes(), "warm-up").open(new char[] {'y'}, "warm-up");
            BlobHasher.implementation();
        }, "vigil-warm-up");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Builds picocli's model of the one subcommand being run, when the first argument names one: picocli
     * otherwise reflects on all twelve commands (a quarter of a no-change backup's start-up). Help, errors
     * and exit codes are the same; the usage line reads "vigil repo backup ..." either way.
     */
    static CommandLine commandLine(final String[] args) {
        if (args.length > 0) {
            for (final Class<?> sub : RepoCommand.class.getAnnotation(CommandLine.Command.class).subcommands()) {
                if (sub.getAnnotation(CommandLine.Command.class).name().equals(args[0])) {
                    return new CommandLine(new RepoCommand.Alone()).addSubcommand(sub).setCommandName("vigil repo");
                }
            }
        }
        return new CommandLine(new RepoCommand()).setCommandName("vigil repo");
    }
}
