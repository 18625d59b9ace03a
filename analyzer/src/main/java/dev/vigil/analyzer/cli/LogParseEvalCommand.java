package dev.vigil.analyzer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.analyzer.logs.LoghubEvaluation;
import dev.vigil.analyzer.logs.LoghubEvaluation.SystemResult;
import dev.vigil.analyzer.logs.MinerOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vigil logparse-eval}: scores the template miner against loghub-style ground truth. */
@Command(name = "logparse-eval", mixinStandardHelpOptions = true,
        description = {
            "Score the log template miner against labelled log samples (loghub layout).",
            "Reads DIR/<Sys>/<Sys>_2k.log_structured.csv, columns LineId, Content and EventTemplate.",
            "Each system's Content column is mined in line order by a fresh miner with the default options",
            "(the same for every system), then compared with EventTemplate:",
            "  GA  grouping accuracy: share of lines whose predicted group is exactly their true group",
            "  PA  parsing accuracy: share of lines whose template equals the true one (whitespace runs and",
            "      runs of adjacent <*> collapsed)",
            "  FGA F1 of the share of predicted groups that are true groups and of true groups found",
            "Prints one row per system and the mean; --json prints one JSON document.",
            "--pred-dir writes <Sys>.csv predictions that loghub's score.py can check."})
public final class LogParseEvalCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "Labelled data, one folder per system.")
    private Path dir;

    @Option(names = "--pred-dir", paramLabel = "DIR", description = "Also write predictions there as <Sys>.csv.")
    private Path predDir;

    @Option(names = "--json", description = "Print one JSON document: systems and mean.")
    private boolean json;

    @Override
    public Integer call() throws IOException {
        final List<SystemResult> results;
        try {
            results = LoghubEvaluation.evaluate(dir, MinerOptions.DEFAULTS, predDir);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--dir: " + e.getMessage(), e);
        }
        final double ga = results.stream().mapToDouble(r -> r.metrics().ga()).average().orElse(0);
        final double pa = results.stream().mapToDouble(r -> r.metrics().pa()).average().orElse(0);
        final double fga = results.stream().mapToDouble(r -> r.metrics().fga()).average().orElse(0);
        if (json) {
            final List<Map<String, Object>> rows = new ArrayList<>();
            for (final SystemResult r : results) {
                final Map<String, Object> row = new LinkedHashMap<>();
                row.put("system", r.system());
                row.put("lines", r.lines());
                row.put("ga", r.metrics().ga());
                row.put("pa", r.metrics().pa());
                row.put("fga", r.metrics().fga());
                row.put("groups", r.metrics().groups());
                row.put("trueGroups", r.metrics().trueGroups());
                row.put("seconds", r.seconds());
                rows.add(row);
            }
            final Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("options", MinerOptions.DEFAULTS);
            doc.put("systems", rows);
            doc.put("mean", Map.of("ga", ga, "pa", pa, "fga", fga, "systems", results.size()));
            System.out.println(new ObjectMapper().writeValueAsString(doc));
            return 0;
        }
        System.out.println("| System | GA | PA | FGA | Groups (pred/true) | Mining (s) |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | ---: |");
        for (final SystemResult r : results) {
            System.out.printf("| %s | %.4f | %.4f | %.4f | %d/%d | %.3f |%n", r.system(), r.metrics().ga(),
                    r.metrics().pa(), r.metrics().fga(), r.metrics().groups(), r.metrics().trueGroups(), r.seconds());
        }
        System.out.printf("| **mean (%d)** | **%.4f** | **%.4f** | **%.4f** | | |%n", results.size(), ga, pa, fga);
        return 0;
    }
}
