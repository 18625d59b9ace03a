package dev.vigil.decision.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.decision.DecisionException;
import dev.vigil.decision.simulate.Scenario;
import dev.vigil.decision.simulate.Simulator;
import dev.vigil.decision.tree.Examples;
import dev.vigil.decision.tree.FeedbackExamples;
import dev.vigil.decision.tree.Label;
import dev.vigil.decision.tree.ModelReport;
import dev.vigil.decision.tree.NetworkModel;
import dev.vigil.decision.tree.TreeModel;
import dev.vigil.schemas.DecisionRecord;
import dev.vigil.schemas.Feedback;
import dev.vigil.schemas.config.ClusterOptions;
import dev.vigil.schemas.json.RecordJson;
import dev.vigil.schemas.topic.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vigil decide}: train the model, simulate scenarios. */
@Command(name = "decide", mixinStandardHelpOptions = true,
        description = "Tools for the decision engine's model and rules: 'train' (re)trains and compares the models, "
                + "'simulate' replays a scenario through the engine without Kafka.",
        subcommands = {DecideCommand.Train.class, DecideCommand.Simulate.class, DecideCommand.Bench.class})
public final class DecideCommand implements Runnable {
    @picocli.CommandLine.Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = {"Train the decision tree on labelled examples plus operator feedback (approvals,",
                "rejections, overrides of decisions that carry the model's features, read from the cluster),",
                "print it, and write the combined examples to --out; point tree.examples.file at that file and",
                "restart the engine to use it. --report also trains the network and compares both by",
                "cross-validation. --offline uses the examples file only."})
    static final class Train implements Callable<Integer> {
        @Mixin
        ClusterOptions cluster;

        @Option(names = "--examples", paramLabel = "FILE", description = "Labelled examples CSV (default: the "
                + "shipped examples).")
        Path examples;

        @Option(names = "--out", paramLabel = "FILE", description = "Write the combined examples here.")
        Path out;

        @Option(names = "--offline", description = "Do not read feedback from the cluster.")
        boolean offline;

        @Option(names = "--report", description = "Compare tree and network by cross-validation.")
        boolean report;

        @Option(names = "--folds", defaultValue = "5", description = "Cross-validation folds (default: "
                + "${DEFAULT-VALUE}).")
        int folds;

        @Option(names = "--print-tree", description = "Print the whole tree.")
        boolean printTree;

        @Option(names = "--json", description = "One JSON document with the figures, for scripts.")
        boolean json;

        @Override
        public Integer call() throws IOException {
            Examples all = Examples.read(examples);
            final int base = all.size();
            int fromFeedback = 0;
            int skipped = 0;
            if (!offline) {
                final FeedbackExamples.Result fb = feedback();
                skipped = fb.skipped();
                if (fb.examples() != null) {
                    fromFeedback = fb.examples().size();
                    all = all.plus(fb.examples());
                }
            }
            final TreeModel tree = TreeModel.train(all, TreeModel.Options.defaults());
            final Map<Label, Integer> counts = new EnumMap<>(Label.class);
            all.y().forEach(l -> counts.merge(l, 1, Integer::sum));
            if (out != null) {
                Files.writeString(out, all.toCsv(List.of("Vigil decision tree examples: " + base + " from "
                        + (examples == null ? "the shipped file" : examples.toString()) + ", " + fromFeedback
                        + " from operator feedback.", "Columns: see dev.vigil.decision.tree.Features.")),
                        StandardCharsets.UTF_8);
            }
            final ModelReport comparison = report ? ModelReport.compare(all, folds, TreeModel.Options.defaults(),
                    NetworkModel.Options.defaults()) : null;
            if (json) {
                final ObjectNode doc = RecordJson.MAPPER.createObjectNode();
                doc.put("examples", all.size()).put("fromFeedback", fromFeedback).put("feedbackSkipped", skipped)
                        .put("model", tree.version()).put("leaves", tree.leaves()).put("depth", tree.depth());
                final ObjectNode labels = doc.putObject("labels");
                counts.forEach((l, n) -> labels.put(l.name(), n));
                if (comparison != null) {
                    doc.set("report", RecordJson.MAPPER.valueToTree(comparison));
                    doc.put("networkClearlyBetter", comparison.networkClearlyBetter());
                }
                if (out != null) {
                    doc.put("out", out.toString());
                }
                System.out.println(RecordJson.MAPPER.writeValueAsString(doc));
                return 0;
            }
            System.out.println("examples: " + all.size() + " (" + base + " from the examples file, " + fromFeedback
                    + " from operator feedback" + (skipped > 0 ? ", " + skipped + " answers without features skipped"
                    : "") + ")");
            System.out.println("labels:   " + counts);
            System.out.println("model:    " + tree.version() + ", " + tree.leaves() + " leaves, depth " + tree.depth());
            if (printTree) {
                System.out.println(tree);
            }
            if (comparison != null) {
                System.out.println(comparison.describe());
            }
            if (out != null) {
                System.out.println("written:  " + out + " (set tree.examples.file=" + out + " and restart the engine)");
            }
            return 0;
        }

        private FeedbackExamples.Result feedback() {
            final List<Feedback> answers = new ArrayList<>();
            TopicReader.read(cluster.client(), Topics.FEEDBACK.withPrefix(cluster.prefix()), null, r -> {
                if (r.value() != null) {
                    answers.add(r.value());
                }
            });
            final Set<String> wanted = new HashSet<>();
            answers.forEach(f -> wanted.add(f.getDecisionId()));
            final Map<String, DecisionRecord> decisions = new HashMap<>();
            if (!wanted.isEmpty()) {
                TopicReader.read(cluster.client(), Topics.DECISIONS.withPrefix(cluster.prefix()), null, r -> {
                    if (r.value() != null && wanted.contains(r.value().getId())) {
                        decisions.put(r.value().getId(), r.value());
                    }
                });
            }
            return FeedbackExamples.from(decisions, answers);
        }
    }

    @Command(name = "simulate", mixinStandardHelpOptions = true,
            description = {"Replay a scenario (datasets, timestamped anomalies, events, forecasts, results, approvals)",
                "through the same engine the service runs, without Kafka, and print every decision with its",
                "explanation; check the scenario's expectations. Shipped scenarios: decision-engine/scenarios/.",
                "Exit codes: 0 every expectation met, 1 one was not, 3 scenario or rule file refused."})
    static final class Simulate implements Callable<Integer> {
        @Option(names = "--scenario", required = true, paramLabel = "FILE", description = "Scenario file (YAML).")
        Path scenario;

        @Option(names = "--rules", paramLabel = "FILE", description = "Rule file to test instead of the scenario's.")
        Path rules;

        @Option(names = "--json", description = "One JSON document: decisions, commands, failed expectations.")
        boolean json;

        @Override
        public Integer call() throws IOException {
            final Simulator.Run run;
            try {
                run = Simulator.run(Scenario.read(scenario), rules);
            } catch (DecisionException e) {
                System.err.println("vigil decide simulate: " + e.getMessage());
                return 3;
            }
            if (json) {
                final ObjectNode doc = RecordJson.MAPPER.createObjectNode();
                doc.put("scenario", scenario.toString()).put("ok", run.ok());
                final ArrayNode decisions = doc.putArray("decisions");
                run.decisions().forEach(d -> decisions.add(RecordJson.toNode(d)));
                final ArrayNode commands = doc.putArray("commands");
                run.commands().forEach(c -> commands.add(RecordJson.toNode(c)));
                final ArrayNode failed = doc.putArray("failed");
                run.failed().forEach(failed::add);
                System.out.println(RecordJson.MAPPER.writeValueAsString(doc));
            } else {
                System.out.print(Timeline.render(run));
            }
            return run.ok() ? 0 : 1;
        }
    }

    @Command(name = "bench", mixinStandardHelpOptions = true,
            description = {"Measure the decision loop alone (no Kafka): inputs per second through the engine with",
                "the rules (default: the shipped ones) against a baseline with no rules, same JVM, same inputs",
                "(90%% file activity, 10%% anomaly steps), alternated twice, best of each. Run it on an idle machine."})
    static final class Bench implements Callable<Integer> {
        @Option(names = "--inputs", defaultValue = "200000", description = "Inputs per run (default: ${DEFAULT-VALUE}).")
        int inputs;

        @Option(names = "--datasets", defaultValue = "1000", description = "Datasets (default: ${DEFAULT-VALUE}).")
        int datasets;

        @Option(names = "--rules", paramLabel = "FILE", description = "Rule file to measure (default: shipped rules).")
        Path rules;

        @Override
        public Integer call() throws IOException {
            final TreeModel model = TreeModel.train(Examples.shipped(), TreeModel.Options.defaults());
            final Path empty = Files.createTempFile("vigil-no-rules", ".yaml");
            try {
                Files.writeString(empty, "rules: []\n");
                final dev.vigil.decision.rules.RuleBook none = dev.vigil.decision.rules.RuleBook.open(empty);
                final dev.vigil.decision.rules.RuleBook measured = dev.vigil.decision.rules.RuleBook.open(rules);
                dev.vigil.decision.simulate.Bench.run(measured, model, inputs / 4, datasets); // warm-up
                // Alternate the two and keep the best of each, so run order and load bursts cancel out.
                double baseline = 0;
                double withRules = 0;
                for (int round = 0; round < 2; round++) {
                    baseline = Math.max(baseline, dev.vigil.decision.simulate.Bench.run(none, model, inputs, datasets));
                    withRules = Math.max(withRules, dev.vigil.decision.simulate.Bench.run(measured, model, inputs,
                            datasets));
                }
                System.out.printf(java.util.Locale.ROOT, "inputs %d over %d datasets%n", inputs, datasets);
                System.out.printf(java.util.Locale.ROOT, "baseline (no rules): %,.0f inputs/s%n", baseline);
                System.out.printf(java.util.Locale.ROOT, "with %d rules:        %,.0f inputs/s (ratio %.2f)%n",
                        measured.rules().rules().size(), withRules, withRules / baseline);
            } finally {
                Files.deleteIfExists(empty);
            }
            return 0;
        }
    }
}
