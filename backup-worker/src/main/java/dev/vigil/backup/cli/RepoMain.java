package dev.vigil.backup.cli;

import java.nio.file.Files;
import java.nio.file.Path;
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
        if (args.length == 2 && "--class-archive-training".equals(args[0])) {
            System.exit(ClassArchiveTraining.run(Files.createDirectories(Path.of(args[1]))));
        }
        System.exit(new CommandLine(new RepoCommand()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }
}
