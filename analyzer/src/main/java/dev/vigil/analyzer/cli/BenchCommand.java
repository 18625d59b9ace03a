package dev.vigil.analyzer.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine;

/** {@code vigil bench}: benchmarks anyone can rerun. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks that print their figures with a baseline measured in the same run.",
        subcommands = {BenchAnalyzerCommand.class})
public final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
