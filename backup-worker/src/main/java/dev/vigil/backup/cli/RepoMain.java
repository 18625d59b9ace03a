package dev.vigil.backup.cli;

import picocli.CommandLine;

/**
 * A lean entry point for {@code vigil repo} alone ({@code java -cp vigil.jar
 * dev.vigil.backup.cli.RepoMain init ...}): it builds only the repository commands, not the whole
 * {@code vigil} command tree with every service, so short runs (a no-change backup) start faster.
 */
public final class RepoMain {
    private RepoMain() {
    }

    /** @param args the arguments after {@code vigil repo} */
    public static void main(final String[] args) {
        if (System.getenv("VIGIL_LOG_LEVEL") == null && System.getProperty("slf4j.provider") == null) {
            // Commands report to the user themselves; starting Logback (XML config, ~500 classes) would cost
            // more than a no-change backup's own work. VIGIL_LOG_LEVEL brings the logs back.
            System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
            System.setProperty("slf4j.internal.verbosity", "WARN");
        }
        System.exit(new CommandLine(new RepoCommand()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }
}
