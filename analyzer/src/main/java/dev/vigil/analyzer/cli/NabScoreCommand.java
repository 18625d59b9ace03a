package dev.vigil.analyzer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vigil.analyzer.nab.NabFile;
import dev.vigil.analyzer.nab.NabResults;
import dev.vigil.analyzer.nab.NabScorer;
import dev.vigil.analyzer.nab.NabWindows;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vigil nab-score}: NAB's scoring of a detector's results, in Java. */
@Command(name = "nab-score", mixinStandardHelpOptions = true,
        description = {
            "Score anomaly detection results with the rules of the Numenta Anomaly Benchmark (NAB v1.1): labelled "
                + "windows, scaled sigmoid, the standard / reward_low_FP_rate / reward_low_FN_rate profiles, one "
                + "threshold per profile optimized over the whole corpus (exhaustive sweep), normalized so that the "
                + "null detector scores 0 and the perfect one 100.",
            "--results is one detector's directory in NAB's layout: <category>/<detector>_<file>.csv with an "
                + "anomaly_score column, one row per data row in file order. Every file named in --windows is scored.",
            "Example: vigil nab-score --data nab/data --windows nab/labels/combined_windows.json "
                + "--results nab/results/numenta"})
public final class NabScoreCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, description = "Corpus data directory (<category>/<file>.csv).")
    Path data;

    @Option(names = "--windows", required = true, description = "NAB labels file (combined_windows.json).")
    Path windows;

    @Option(names = "--results", required = true, description = "One detector's results directory.")
    Path results;

    @Option(names = "--per-file", description = "Also print each file's share of the standard score.")
    boolean perFile;

    @Option(names = "--json", description = "One JSON document: every profile with threshold, raw and normalized "
            + "score, and per-file shares.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        final NabWindows labels = NabWindows.read(windows);
        final List<NabFile> files = new ArrayList<>();
        final List<double[]> scores = new ArrayList<>();
        for (final String name : labels.byFile().keySet()) {
            final NabFile file = NabFile.read(data, name);
            files.add(file);
            scores.add(NabResults.readScores(results, file));
        }
        print(results.getFileName().toString(), NabScorer.score(files, scores, labels), json, perFile, System.out);
        return 0;
    }

    /**
     * Prints a score report.
     *
     * @param detector the detector's name
     * @param scores one per profile
     * @param json one JSON document instead of a table
     * @param perFile add each file's share of the standard score
     * @param out where to print
     * @throws Exception when JSON writing fails
     */
    static void print(final String detector, final List<NabScorer.ProfileScore> scores, final boolean json,
                      final boolean perFile, final PrintStream out) throws Exception {
        if (json) {
            final Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("detector", detector);
            doc.put("profiles", scores);
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
            return;
        }
        out.printf("NAB scores of %s (%d files, %d windows)%n", detector, scores.get(0).files().size(),
                (int) Math.round(scores.get(0).perfectRaw() / scores.get(0).profile().tpWeight()));
        out.printf("%-20s %10s %10s %12s %9s %9s%n", "PROFILE", "SCORE", "THRESHOLD", "RAW", "DETECTED", "FP_ROWS");
        for (final NabScorer.ProfileScore s : scores) {
            out.printf("%-20s %10.1f %10.6f %12.4f %5d/%-3d %9d%n", s.profile().nabName(), s.normalized(),
                    s.threshold(), s.raw(), s.detected(), s.files().stream().mapToInt(NabScorer.FileScore::windows)
                            .sum(), s.falsePositives());
        }
        if (perFile) {
            out.printf("%nstandard profile, per file:%n%-60s %9s %9s %7s%n", "FILE", "RAW", "DETECTED", "FP_ROWS");
            for (final NabScorer.FileScore f : scores.get(0).files()) {
                out.printf("%-60s %9.3f %5d/%-3d %7d%n", f.file(), f.raw(), f.detected(), f.windows(),
                        f.falsePositives());
            }
        }
    }
}
