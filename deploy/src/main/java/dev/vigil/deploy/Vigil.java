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
            // Run it
            dev.vigil.deploy.demo.DemoCommand.class,
            dev.vigil.deploy.local.LocalCommand.class,
            BrokerCommand.class,
            TopicsCommand.class,
            KeysCommand.class,
            // The services
            dev.vigil.collector.cli.CollectorCommand.class,
            dev.vigil.analyzer.cli.AnalyzerCommand.class,
            dev.vigil.decision.cli.DecisionEngineCommand.class,
            dev.vigil.backup.cli.WorkerCommand.class,
            // Operate it
            PublishCommand.class,
            WatchCommand.class,
            dev.vigil.analyzer.cli.StatsCommand.class,
            dev.vigil.decision.cli.DatasetsCommand.class,
            dev.vigil.decision.cli.ApproveCommand.class,
            dev.vigil.decision.cli.RejectCommand.class,
            dev.vigil.decision.cli.DecideCommand.class,
            dev.vigil.backup.cli.RepoCommand.class,
            // Measure it
            dev.vigil.analyzer.cli.NabCommand.class,
            dev.vigil.analyzer.cli.NabScoreCommand.class,
            dev.vigil.analyzer.cli.LogParseCommand.class,
            dev.vigil.analyzer.cli.LogParseEvalCommand.class,
            dev.vigil.analyzer.cli.LogParseBenchCommand.class,
            dev.vigil.analyzer.cli.BenchCommand.class,
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
                .registerConverter(java.time.Duration.class, new DurationConverter())
                .setExecutionExceptionHandler(new ErrorHandler());
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
