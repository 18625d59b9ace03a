package dev.vigil.analyzer.cli;

import dev.vigil.analyzer.anomaly.DetectorOptions;
import dev.vigil.analyzer.nab.NabRunner;
import dev.vigil.analyzer.nab.NabScorer;
import dev.vigil.analyzer.nab.NabWindows;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vigil nab}: Vigil's series detector over a NAB corpus, written in NAB's results layout. */
@Command(name = "nab", mixinStandardHelpOptions = true,
        description = {
            "Run Vigil's anomaly detector (the same SeriesDetector code and default options as the analyzer "
                + "topology) over every file of a Numenta Anomaly Benchmark corpus, one fresh detector per file fed "
                + "the rows in file order, and write NAB's results layout: "
                + "<out>/<detector>/<category>/<detector>_<file>.csv with columns timestamp,value,anomaly_score,label.",
            "Rows of the warm-up get score 0. The files run are those named in --windows. With --score the results "
                + "are scored right away, as 'vigil nab-score' would. Prints the detector's CPU time per row and, "
                + "measured in the same run, a rolling z-score's.",
            "Example: vigil nab --data nab/data --windows nab/labels/combined_windows.json --out /tmp/nab --score"})
public final class NabCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, description = "Corpus data directory (<category>/<file>.csv).")
    Path data;

    @Option(names = "--windows", required = true, description = "NAB labels file (combined_windows.json).")
    Path windows;

    @Option(names = "--out", required = true, description = "Results directory; <detector>/ is created in it.")
    Path out;

    @Option(names = "--detector", defaultValue = "vigil", description = "Detector name in the layout "
            + "(default: ${DEFAULT-VALUE}).")
    String detector;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--threads", defaultValue = "1", description = "Files run in parallel (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--option", description = "Override a detector option, e.g. --option anomaly.trees=50 "
            + "(for experiments; reported figures use the defaults).")
    Map<String, String> overrides = Map.of();

    @Option(names = "--seed", defaultValue = "" + NabRunner.SEED, description = "Seed of every file's detector "
            + "(default: ${DEFAULT-VALUE}); other seeds show how much the forest's randomness moves the scores.")
    long seed;

    @Option(names = "--passes", defaultValue = "1", description = "Run the corpus this many times and report the CPU "
            + "time of the last pass, when the JIT has compiled the detector (default: ${DEFAULT-VALUE}).")
    int passes;

    @Option(names = "--score", description = "Score the results after the run.")
    boolean score;

    @Option(names = "--json", description = "With --score: the score report as one JSON document.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        final Properties props = DetectorOptions.defaults().toProperties();
        for (final String key : overrides.keySet()) {
            if (!props.containsKey(key)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--option " + key + ": not a detector "
                        + "option; one of " + new java.util.TreeSet<>(props.stringPropertyNames()));
            }
        }
        if (threads < 1 || passes < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--threads and --passes must be at least 1");
        }
        overrides.forEach(props::setProperty);
        final DetectorOptions options = DetectorOptions.of(props);
        final NabWindows labels = NabWindows.read(windows);
        final long start = System.nanoTime();
        List<NabRunner.FileRun> runs = List.of();
        for (int pass = 0; pass < Math.max(1, passes); pass++) {
            runs = NabRunner.runCorpus(data, labels, out.resolve(detector), options, seed, Math.max(1, threads));
        }
        final long rows = runs.stream().mapToLong(r -> r.scores().length).sum();
        final long detectorNanos = runs.stream().mapToLong(NabRunner.FileRun::nanos).sum();
        final long baselineNanos = Math.max(1, runs.stream().mapToLong(NabRunner.FileRun::baselineNanos).sum());
        final String summary = String.format("%d files, %d rows in %.1f s; detector %.2f us CPU/row, rolling z-score "
                        + "baseline %.3f us CPU/row (ratio %.0f); results in %s", runs.size(), rows,
                (System.nanoTime() - start) / 1e9, detectorNanos / 1e3 / rows, baselineNanos / 1e3 / rows,
                (double) detectorNanos / baselineNanos, out.resolve(detector));
        if (!score) {
            System.out.println(summary);
            return 0;
        }
        System.err.println(summary);
        final List<NabScorer.ProfileScore> scores = NabScorer.score(
                runs.stream().map(NabRunner.FileRun::data).toList(),
                runs.stream().map(NabRunner.FileRun::scores).toList(), labels);
        NabScoreCommand.print(detector, scores, json, !json, System.out);
        return 0;
    }
}
