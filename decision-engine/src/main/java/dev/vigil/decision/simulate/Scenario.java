package dev.vigil.decision.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.vigil.decision.DecisionException;
import dev.vigil.schemas.Durations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A scenario file (YAML): datasets, then timestamped steps (anomaly, event, forecast, stats,
 * result, approve, reject, or nothing to just let time pass), then what to expect. The format is
 * in the module README; records are written as in {@code vigil publish} JSON, with the fields a
 * scenario rarely cares about filled in ({@link RecordDefaults}).
 *
 * @param name file name, for messages
 * @param description for people
 * @param start time of the first step's offsets
 * @param tick simulated interval of the periodic policy pass
 * @param until the simulation runs to this time after the last step
 * @param rules rule file, or null for the default rules
 * @param policy policy file, or null for defaults
 * @param settings guard and engine overrides, by DecisionConfig key (e.g. guard.cooldown)
 * @param worker how the simulated worker answers commands
 * @param datasets dataset specs, registered at start
 * @param steps the steps, in time order
 * @param expect decisions that must appear
 * @param expectNot decisions that must not appear
 */
public record Scenario(String name, String description, Instant start, Duration tick, Instant until, Path rules,
                       Path policy, ObjectNode settings, Worker worker, List<JsonNode> datasets, List<Step> steps,
                       List<Expectation> expect, List<Expectation> expectNot) {
    /** Default start of a scenario. */
    public static final Instant START = Instant.parse("2026-01-05T00:00:00Z");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> KEYS = Set.of("description", "start", "tick", "until", "rules", "policy",
            "settings", "worker", "datasets", "steps", "expect", "expect-not");
    static final Set<String> STEP_KINDS = Set.of("anomaly", "event", "forecast", "stats", "result", "approve",
            "reject", "dataset", "remove-dataset");

    /**
     * How the simulated worker answers each command.
     *
     * @param respond succeed, fail or none
     * @param after delay before the answer
     * @param files files in each snapshot it reports
     * @param bytes size of each snapshot it reports, in bytes
     */
    public record Worker(String respond, Duration after, long files, long bytes) {
    }

    /**
     * One step.
     *
     * @param index position in the file, from 1
     * @param at when it happens
     * @param kind what it is (one of {@link #STEP_KINDS}), or null to let time pass
     * @param body the record, or the decision reference for approve/reject
     * @param reason for reject
     */
    public record Step(int index, Instant at, String kind, JsonNode body, String reason) {
    }

    /**
     * A decision pattern; absent fields match anything.
     *
     * @param outcome e.g. COMMANDED
     * @param action e.g. RESTORE
     * @param rule rule name
     * @param source POLICY, RULE, TREE, OPERATOR or WORKER
     * @param dataset dataset id
     * @param reasonContains a substring of the reason
     * @param count exact number of matches wanted, or -1 for at least one
     */
    public record Expectation(String outcome, String action, String rule, String source, String dataset,
                              String reasonContains, int count) {
        /** @return the pattern as written, for messages */
        public String describe() {
            final List<String> parts = new ArrayList<>();
            add(parts, "outcome", outcome);
            add(parts, "action", action);
            add(parts, "rule", rule);
            add(parts, "source", source);
            add(parts, "dataset", dataset);
            add(parts, "reason contains", reasonContains);
            if (count >= 0) {
                parts.add("count " + count);
            }
            return "{" + String.join(", ", parts) + "}";
        }

        private static void add(final List<String> parts, final String name, final String value) {
            if (value != null) {
                parts.add(name + " " + value);
            }
        }
    }

    /**
     * @param file a scenario file
     * @return the scenario
     * @throws DecisionException naming the file and what is wrong
     */
    public static Scenario read(final Path file) {
        final JsonNode root;
        try {
            root = YAML.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new DecisionException(file + ": cannot read scenario: " + e.getMessage(), e);
        }
        return parse(file, root);
    }

    static Scenario parse(final Path file, final JsonNode root) {
        final String name = file.toString();
        if (root == null || !root.isObject()) {
            throw new DecisionException(name + ": a scenario is a mapping with datasets, steps and expect");
        }
        for (final Iterator<String> it = root.fieldNames(); it.hasNext();) {
            final String key = it.next();
            if (!KEYS.contains(key)) {
                throw new DecisionException(name + ": unknown key '" + key + "'; expected one of " + KEYS);
            }
        }
        final Instant start = root.has("start") ? instant(name, "start", root.get("start").asText()) : START;
        final Duration tick = root.has("tick") ? duration(name, "tick", root.get("tick").asText())
                : Duration.ofMinutes(5);
        final List<Step> steps = steps(name, root.path("steps"), start);
        final Instant last = steps.isEmpty() ? start : steps.get(steps.size() - 1).at();
        final Instant until = root.has("until") ? at(name, "until", root.get("until").asText(), start) : last.plus(tick);
        final JsonNode w = root.path("worker");
        final Worker worker = new Worker(w.path("respond").asText("none"), w.has("after")
                ? duration(name, "worker.after", w.get("after").asText()) : Duration.ofMinutes(2),
                w.path("files").asLong(100), w.path("bytes").asLong(10_000_000));
        if (!Set.of("succeed", "fail", "none").contains(worker.respond())) {
            throw new DecisionException(name + ": worker.respond must be succeed, fail or none");
        }
        final Path dir = file.toAbsolutePath().getParent();
        return new Scenario(name, root.path("description").asText(""), start, tick, until,
                root.has("rules") && !"default".equals(root.get("rules").asText())
                        ? dir.resolve(root.get("rules").asText()) : null,
                root.has("policy") ? dir.resolve(root.get("policy").asText()) : null,
                root.has("settings") && root.get("settings").isObject() ? (ObjectNode) root.get("settings")
                        : YAML.createObjectNode(), worker, list(root.path("datasets")), steps,
                expectations(name, root.path("expect")), expectations(name, root.path("expect-not")));
    }

    private static List<Step> steps(final String name, final JsonNode node, final Instant start) {
        final List<Step> steps = new ArrayList<>();
        Instant previous = start;
        int index = 0;
        for (final JsonNode s : list(node)) {
            index++;
            final String where = "step " + index;
            if (!s.has("at")) {
                throw new DecisionException(name + ": " + where + ": 'at' is required (an offset like 2h, or a time)");
            }
            final Instant at = at(name, where + ".at", s.get("at").asText(), start);
            if (at.isBefore(previous)) {
                throw new DecisionException(name + ": " + where + ": at " + at + " is before the previous step ("
                        + previous + "); steps are in time order");
            }
            previous = at;
            String kind = null;
            for (final Iterator<String> it = s.fieldNames(); it.hasNext();) {
                final String key = it.next();
                if (STEP_KINDS.contains(key)) {
                    if (kind != null) {
                        throw new DecisionException(name + ": " + where + ": one of " + STEP_KINDS + " per step");
                    }
                    kind = key;
                } else if (!Set.of("at", "reason", "note").contains(key)) {
                    throw new DecisionException(name + ": " + where + ": unknown key '" + key + "'; expected at, "
                            + "reason, note or one of " + STEP_KINDS);
                }
            }
            steps.add(new Step(index, at, kind, kind == null ? null : s.get(kind), s.path("reason").asText("")));
        }
        return steps;
    }

    private static List<Expectation> expectations(final String name, final JsonNode node) {
        final List<Expectation> out = new ArrayList<>();
        for (final JsonNode e : list(node)) {
            // A misspelled key or value would make the expectation match nothing, so a rule test passes wrongly.
            final Iterator<String> keys = e.fieldNames();
            while (keys.hasNext()) {
                final String key = keys.next();
                if (!EXPECTATION_KEYS.contains(key)) {
                    throw new DecisionException(name + ": expectation " + e + ": unknown key '" + key
                            + "'; expected one of " + EXPECTATION_KEYS);
                }
            }
            oneOf(name, e, "outcome", dev.vigil.schemas.Outcome.class);
            oneOf(name, e, "action", dev.vigil.schemas.Action.class);
            oneOf(name, e, "source", dev.vigil.schemas.DecisionSource.class);
            if (e.has("count") && !e.get("count").canConvertToInt()) {
                throw new DecisionException(name + ": expectation " + e + ": count: a whole number");
            }
            out.add(new Expectation(text(e, "outcome"), text(e, "action"), text(e, "rule"), text(e, "source"),
                    text(e, "dataset"), text(e, "reason-contains"), e.path("count").asInt(-1)));
        }
        return out;
    }

    private static final List<String> EXPECTATION_KEYS = List.of("outcome", "action", "rule", "source", "dataset",
            "reason-contains", "count");

    private static <E extends Enum<E>> void oneOf(final String name, final JsonNode e, final String key,
                                                  final Class<E> values) {
        final String v = text(e, key);
        if (v != null && !"NONE".equalsIgnoreCase(v) // an action of NONE: a decision without a command
                && java.util.Arrays.stream(values.getEnumConstants()).noneMatch(c -> c.name().equalsIgnoreCase(v))) {
            throw new DecisionException(name + ": expectation " + e + ": " + key + " '" + v + "': expected one of "
                    + java.util.Arrays.toString(values.getEnumConstants()));
        }
    }

    private static String text(final JsonNode node, final String key) {
        return node.hasNonNull(key) ? node.get(key).asText() : null;
    }

    private static List<JsonNode> list(final JsonNode node) {
        final List<JsonNode> items = new ArrayList<>();
        if (node instanceof ArrayNode array) {
            array.forEach(items::add);
        }
        return items;
    }

    private static Instant at(final String name, final String key, final String text, final Instant start) {
        return text.contains("T") ? instant(name, key, text) : start.plus(duration(name, key, text));
    }

    private static Instant instant(final String name, final String key, final String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new DecisionException(name + ": " + key + ": '" + text + "' is not a time like 2026-01-05T10:00:00Z");
        }
    }

    private static Duration duration(final String name, final String key, final String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new DecisionException(name + ": " + key + ": " + e.getMessage());
        }
    }
}
