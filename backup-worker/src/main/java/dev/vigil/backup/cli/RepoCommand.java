package dev.vigil.backup.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code vigil repo}: the backup repository from the command line, without Kafka. */
@Command(name = "repo", mixinStandardHelpOptions = true,
        description = {"Work with a backup repository directly, without Kafka (restic-like).",
            "The password comes from --password-file, $VIGIL_PASSWORD_FILE, $VIGIL_PASSWORD, or a prompt; the repository from --repo or "
                + "$VIGIL_REPOSITORY.", ExitCodes.HELP},
        subcommands = {InitCommand.class, BackupCommand.class, SnapshotsCommand.class, LsCommand.class,
            FindCommand.class, StatsCommand.class, DiffCommand.class, RestoreCommand.class, CopyCommand.class,
            CheckCommand.class, ForgetCommand.class, PruneCommand.class, RepairCommand.class, KeyCommand.class,
            UnlockCommand.class})
public final class RepoCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code vigil repo} with no subcommand declared, for {@link RepoMain} to add the one being run. */
    @Command(name = "repo", mixinStandardHelpOptions = true)
    static final class Alone implements Runnable {
        @Override
        public void run() {
            // Never runs: RepoMain adds the subcommand named by the first argument.
        }
    }
}
