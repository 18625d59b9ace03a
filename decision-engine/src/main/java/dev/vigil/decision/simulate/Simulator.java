package dev.vigil.decision.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.decision.DecisionException;
import dev.vigil.decision.app.DecisionConfig;
import dev.vigil.decision.engine.DecisionEngine;
import dev.vigil.decision.engine.Emission;
import dev.vigil.decision.engine.Trigger;
import dev.vigil.decision.rules.RuleBook;
import dev.vigil.decision.state.DatasetChange;
import dev.vigil.decision.state.MemoryState;
import dev.vigil.decision.tree.Decider;
import dev.vigil.decision.tree.Examples;
import dev.vigil.decision.tree.ModelChoice;
import dev.vigil.schemas.Action;
import dev.vigil.schemas.BackupCommand;
import dev.vigil.schemas.BackupResult;
import dev.vigil.schemas.CommandStatus;
import dev.vigil.schemas.DatasetSpec;
import dev.vigil.schemas.DecisionRecord;
import dev.vigil.schemas.Feedback;
import dev.vigil.schemas.Figures;
import dev.vigil.schemas.Outcome;
import dev.vigil.schemas.Verdict;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Replays a {@link Scenario} through the same {@link DecisionEngine} the service runs, on memory
 * state and a simulated clock, without Kafka: the periodic pass runs every {@code tick} of
 * simulated time, and a simulated worker may answer commands.
 */
public final class Simulator {
    private final Scenario scenario;
    private final DecisionEngine engine;
    private final MemoryState store = new MemoryState();
    private final RecordDefaults defaults;
    private final Map<String, DatasetSpec> specs = new HashMap<>();
    private final Map<String, BackupCommand> lastCommand = new HashMap<>();
    private final PriorityQueue<Pending> worker = new PriorityQueue<>(Comparator.comparing(Pending::at)
            .thenComparingLong(Pending::seq));
    private final List<DecisionRecord> decisions = new ArrayList<>();
    private final List<BackupCommand> commands = new ArrayList<>();
    /** Steps that could not be played (an answer to a proposal that never came): failures, shown with the timeline. */
    private final List<String> unplayed = new ArrayList<>();
    private static final Map<String, Decider> SHIPPED = new HashMap<>();
    private int counter;
    private long seq;
    private Instant now;
    private Instant nextTick;

    private record Pending(Instant at, long seq, BackupResult result) {
    }

    /**
     * What a run produced.
     *
     * @param scenario the scenario
     * @param decisions every audit record, in order
     * @param commands every command, in order
     * @param failed expectations not met, described
     */
    public record Run(Scenario scenario, List<DecisionRecord> decisions, List<BackupCommand> commands,
                      List<String> failed) {
        /** @return whether every expectation was met */
        public boolean ok() {
            return failed.isEmpty();
        }
    }

    private Simulator(final Scenario scenario, final Path rulesOverride) {
        this.scenario = scenario;
        final Map<String, Object> settings = new LinkedHashMap<>();
        for (final java.util.Iterator<String> it = scenario.settings().fieldNames(); it.hasNext();) {
            final String key = it.next();
            if (!DecisionConfig.CONFIG.names().contains(key)) {
                throw new DecisionException(scenario.name() + ": settings: unknown key '" + key + "' (keys are those "
                        + "of the decision engine config, e.g. guard.cooldown)");
            }
            settings.put(key, scenario.settings().get(key).asText());
        }
        // a scenario's steps are sparse where a collector reports every interval: hosts would all look silent
        settings.putIfAbsent(DecisionConfig.HOST_SILENCE_CONFIG, "0s");
        if (scenario.policy() != null) {
            settings.put(DecisionConfig.POLICY_FILE_CONFIG, scenario.policy().toString());
        }
        final DecisionConfig config = new DecisionConfig(settings);
        final Path rules = rulesOverride != null ? rulesOverride : scenario.rules();
        final Path examples = config.path(DecisionConfig.TREE_EXAMPLES_FILE_CONFIG);
        final String kind = config.getString(DecisionConfig.MODEL_KIND_CONFIG);
        this.engine = new DecisionEngine(config.engineSettings(), RuleBook.open(rules), examples == null
                ? shipped(kind) : ModelChoice.choose(Examples.read(examples), kind, report -> { }),
                at -> "sim-" + String.format("%04d", ++counter));
        this.defaults = new RecordDefaults(() -> "rec-" + (++counter));
    }

    /** The model chosen on the shipped examples, once per JVM and kind (training is deterministic). */
    private static synchronized Decider shipped(final String kind) {
        return SHIPPED.computeIfAbsent(kind, k -> ModelChoice.choose(Examples.shipped(), k, report -> { }));
    }

    /**
     * @param scenario the scenario
     * @param rulesOverride a rule file to use instead of the scenario's, or null
     * @return what happened and which expectations failed
     */
    public static Run run(final Scenario scenario, final Path rulesOverride) {
        return new Simulator(scenario, rulesOverride).run();
    }

    private Run run() {
        now = scenario.start();
        nextTick = now.plus(scenario.tick());
        int i = 0;
        for (final JsonNode node : scenario.datasets()) {
            register(defaults.dataset(scenario.name() + ": datasets[" + (++i) + "]", node, now));
        }
        for (final Scenario.Step step : scenario.steps()) {
            advance(step.at());
            now = step.at();
            apply(step);
        }
        advance(scenario.until());
        final List<String> failed = new ArrayList<>(unplayed);
        failed.addAll(Expectations.check(scenario, decisions));
        return new Run(scenario, decisions, commands, failed);
    }

    private void advance(final Instant to) {
        while (true) {
            final Pending answer = worker.peek();
            final boolean answerFirst = answer != null && !answer.at().isAfter(nextTick);
            final Instant next = answerFirst ? answer.at() : nextTick;
            if (next.isAfter(to)) {
                return;
            }
            now = next;
            if (answerFirst) {
                emit(engine.handle(new Trigger.OfResult(worker.poll().result()), store, now));
            } else {
                emit(engine.tick(store, now));
                nextTick = nextTick.plus(scenario.tick());
            }
        }
    }

    private void apply(final Scenario.Step step) {
        final String where = scenario.name() + ": step " + step.index();
        final JsonNode body = step.body();
        final String host = body != null && body.has("dataset") && specs.containsKey(body.get("dataset").asText())
                ? specs.get(body.get("dataset").asText()).getHost() : hostOfFileActivity(body);
        if (step.kind() == null) {
            return;
        }
        switch (step.kind()) {
            case "anomaly" -> emit(engine.handle(new Trigger.OfAnomaly(defaults.anomaly(where, body, now, host)),
                    store, now));
            case "event" -> emit(engine.handle(new Trigger.OfEvent(defaults.event(where, body, now, host)), store,
                    now));
            case "forecast" -> emit(engine.handle(new Trigger.OfForecast(defaults.forecast(where, body, now, host)),
                    store, now));
            case "stats" -> emit(engine.handle(new Trigger.OfStats(defaults.stats(where, body, now, host)), store,
                    now));
            case "result" -> emit(engine.handle(new Trigger.OfResult(result(where, body, host)), store, now));
            case "approve", "reject" -> {
                final Feedback answer = feedback(where, step);
                if (answer != null) {
                    emit(engine.handle(new Trigger.OfFeedback(answer), store, now));
                }
            }
            case "dataset" -> register(defaults.dataset(where, body, now));
            default -> {
                final DatasetSpec spec = specs.remove(body.asText());
                if (spec == null) {
                    throw new DecisionException(where + ": remove-dataset: no dataset '" + body.asText() + "'");
                }
                emit(engine.handle(new Trigger.OfDatasets(spec.getHost(), new DatasetChange(spec.getId(), null)), store,
                        now));
            }
        }
    }

    private String hostOfFileActivity(final JsonNode body) {
        if (body != null && body.path("fileActivity").has("dataset")) {
            final DatasetSpec spec = specs.get(body.path("fileActivity").get("dataset").asText());
            return spec == null ? null : spec.getHost();
        }
        return null;
    }

    private void register(final DatasetSpec spec) {
        specs.put(spec.getId(), spec);
        emit(engine.handle(new Trigger.OfDatasets(spec.getHost(), new DatasetChange(spec.getId(), spec)), store, now));
    }

    private BackupResult result(final String where, final JsonNode body, final String host) {
        final ObjectNode n = defaults.common(where, body, now, host);
        final String dataset = n.path("dataset").asText("");
        final BackupCommand command = lastCommand.get(dataset);
        if (!n.has("commandId")) {
            if (command == null) {
                throw new DecisionException(where + ": result: no command for dataset '" + dataset + "' yet; give "
                        + "commandId");
            }
            n.put("commandId", command.getId());
        }
        if (!n.has("action")) {
            n.put("action", command == null ? "FULL" : command.getAction().name());
        }
        n.put("status", n.path("status").asText("SUCCEEDED"));
        return RecordDefaults.read(where, n, BackupResult.class);
    }

    private Feedback feedback(final String where, final Scenario.Step step) {
        final String ref = step.body().asText();
        final DecisionRecord proposal = decisions.stream()
                .filter(d -> "last-proposal".equals(ref) ? d.getOutcome() == Outcome.PROPOSED : d.getId().equals(ref))
                .reduce((a, b) -> b).orElse(null);
        if (proposal == null) {
            unplayed.add(where + ": " + step.kind() + ": no decision '" + ref + "' so far (use last-proposal or a "
                    + "decision id); the step was skipped");
            return null;
        }
        return Feedback.newBuilder().setId("fb-" + (++counter)).setHost(proposal.getHost()).setTime(now)
                .setDecisionId(proposal.getId()).setDataset(proposal.getDataset())
                .setVerdict("approve".equals(step.kind()) ? Verdict.APPROVE : Verdict.REJECT)
                .setReason(step.reason()).setOperator("simulation").build();
    }

    private void emit(final List<Emission> out) {
        for (final Emission e : out) {
            if (e instanceof Emission.Decision d) {
                decisions.add(d.record());
            } else if (e instanceof Emission.Command c) {
                commands.add(c.command());
                lastCommand.put(c.command().getDataset(), c.command());
                answer(c.command());
            }
        }
    }

    private void answer(final BackupCommand command) {
        final Scenario.Worker w = scenario.worker();
        if ("none".equals(w.respond())) {
            return;
        }
        final boolean ok = "succeed".equals(w.respond());
        final boolean backup = command.getAction() == Action.FULL || command.getAction() == Action.INCREMENTAL
                || command.getAction() == Action.DIFFERENTIAL;
        final Instant at = now.plus(w.after());
        worker.add(new Pending(at, seq++, BackupResult.newBuilder().setId("res-" + (++counter))
                .setHost(command.getHost()).setTime(at).setCommandId(command.getId()).setDataset(command.getDataset())
                .setAction(command.getAction()).setStatus(ok ? CommandStatus.SUCCEEDED : CommandStatus.FAILED)
                .setSnapshotId(ok && backup ? "snap-" + counter : null).setLevel(ok && backup ? command.getAction() : null)
                .setFigures(ok && backup ? Figures.newBuilder().setFilesNew(w.files()).setBytesTotal(w.bytes())
                        .setBytesAdded(w.bytes() / 10).setDurationMs(w.after().toMillis()).build() : null)
                .setMessage(ok ? "" : "simulated failure").setRetriable(true).build()));
    }
}
