package dev.vigil.deploy;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code vigil}: the entry point of every command. */
@Command(name = "vigil",
        description = {
            "Vigil watches hosts through Kafka and decides when and how to back up their data.",
            "",
            "Start with 'vigil demo'. Every command has --help."},
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        subcommands = {
            BrokerCommand.class,
            TopicsCommand.class,
            PublishCommand.class,
            WatchCommand.class,
            KeysCommand.class,
            dev.vigil.analyzer.cli.NabCommand.class,
            dev.vigil.analyzer.cli.NabScoreCommand.class,
            dev.vigil.collector.cli.CollectorCommand.class,
            dev.vigil.decision.cli.DecisionEngineCommand.class,
            dev.vigil.decision.cli.DatasetsCommand.class,
            dev.vigil.decision.cli.ApproveCommand.class,
            dev.vigil.decision.cli.RejectCommand.class,
            dev.vigil.decision.cli.DecideCommand.class,
            CommandLine.HelpCommand.class,
        })
public final class Vigil implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /**
     * @param args command line
     */
    public static void main(final String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** @return the configured command line, for main and for tests */
    public static CommandLine commandLine() {
        return new CommandLine(new Vigil())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(new ErrorHandler());
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
