package dev.vigil.analyzer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.analyzer.logs.LoghubEvaluation;
import dev.vigil.analyzer.logs.MinerBenchmark;
import dev.vigil.analyzer.logs.TemplateCsv;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vigil logparse-bench}: single-threaded throughput of the template miner. */
@Command(name = "logparse-bench", mixinStandardHelpOptions = true,
        description = {
            "Measure the log template miner's single-threaded throughput against a baseline.",
            "The baseline, run in the same JVM on the same messages, only splits each message into tokens;",
            "both are printed in messages per second of the thread's CPU time (steady on a loaded machine)",
            "and of wall-clock time, with their ratio.",
            "Messages: the Content column of every <Sys>/<Sys>_2k.log_structured.csv under --dir (loghub layout), or",
            "the lines of --input, or by default 10,000 synthetic short messages (fixed seed).",
            "Run it on an idle machine and note the load (uptime): the figures are wall-clock."})
public final class LogParseBenchCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", description = "Loghub-layout folder to take messages from.")
    private Path dir;

    @Option(names = "--input", paramLabel = "FILE", description = "File of messages, one per line.")
    private Path input;

    @Option(names = "--lines", defaultValue = "2000000", paramLabel = "N",
            description = "Messages per measured pass (default: ${DEFAULT-VALUE}).")
    private long lines;

    @Option(names = "--json", description = "Print the result as one JSON object.")
    private boolean json;

    @Override
    public Integer call() throws IOException {
        if (lines < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--lines must be >= 1, was " + lines);
        }
        final List<String> corpus = corpus();
        if (corpus.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "no messages found to benchmark with");
        }
        final MinerBenchmark.Result r = MinerBenchmark.run(corpus, lines);
        if (json) {
            System.out.println(new ObjectMapper().writeValueAsString(r));
        } else {
            System.out.printf("corpus: %d distinct messages, %.1f chars on average%n", corpus.size(),
                    (double) r.bytes() / r.lines());
            System.out.printf("baseline (tokenize only): %,.0f messages per CPU second (%,.0f per wall second)%n",
                    r.baselinePerSec(), r.baselineWallPerSec());
            System.out.printf("template miner:           %,.0f messages per CPU second (%,.0f per wall second)%n",
                    r.minerPerSec(), r.minerWallPerSec());
            System.out.printf("ratio miner / baseline:   %.3f%n", r.ratio());
            System.out.printf("templates: %d, state: %,d bytes%n", r.templates(), r.stateBytes());
        }
        return 0;
    }

    private List<String> corpus() throws IOException {
        final List<String> out = new ArrayList<>();
        if (dir != null) {
            for (final Path f : LoghubEvaluation.truthFiles(dir)) {
                TemplateCsv.read(f, "Content").forEach(row -> out.add(row[0]));
            }
        } else if (input != null) {
            try (BufferedReader r = LogParseCommand.reader(input)) {
                r.lines().forEach(out::add);
            }
        } else {
            out.addAll(MinerBenchmark.synthetic(10_000, 42));
        }
        return out;
    }
}
