package dev.vigil.decision.rules;

import dev.vigil.schemas.Action;
import dev.vigil.schemas.Durations;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a rule file (YAML; the format is in the module README) and compiles every expression.
 * Every problem is reported, each as {@code FILE:LINE: rule 'name': key: message}: unknown or
 * missing keys, bad values, duplicate names; and each error of CEL that does not parse or type-check as
 * {@code FILE:LINE:COLUMN: rule 'name': key: message}, at its place in the file ({@link ScalarPlaces}).
 */
public final class RuleLoader {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");
    private static final Set<String> RULE_KEYS = Set.of("name", "description", "on", "when", "priority", "cooldown",
            "actions");
    private static final Set<String> ACTION_KEYS = Set.of("action", "reason", "protect", "evidence", "from", "target", "every",
            "rpo-fraction", "for");
    /**
     * Cooldown of a rule evaluated on the tick that names none: its condition is checked every tick.interval, and one
     * that keeps holding (an always-true condition) would otherwise fire on each.
     */
    public static final Duration TICK_COOLDOWN = Duration.ofHours(1);
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RuleLoader.class);
    private final String source;
    /** The file's lines, to place CEL errors inside scalars. */
    private String[] lines = new String[0];
    private final List<String> problems = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    private RuleLoader(final String source) {
        this.source = source;
    }

    /**
     * @param source the file name, for messages
     * @param text the file's content
     * @return the rules
     * @throws RuleFileException listing every problem with its line
     */
    public static RuleSet load(final String source, final String text) {
        final RuleLoader loader = new RuleLoader(source);
        final List<Rule> rules = loader.parse(text);
        if (!loader.problems.isEmpty()) {
            throw new RuleFileException(loader.problems);
        }
        loader.warnings.forEach(w -> LOG.warn("{}", w));
        return new RuleSet(source, version(text), rules, List.copyOf(loader.warnings));
    }

    private List<Rule> parse(final String text) {
        lines = text.split("\n", -1);
        final Node root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            problem(e.getProblemMark() == null ? 1 : e.getProblemMark().getLine() + 1, "not valid YAML: "
                    + e.getProblem());
            return List.of();
        }
        if (!(root instanceof MappingNode top)) {
            problem(1, "expected a mapping with a 'rules' list");
            return List.of();
        }
        final Map<String, Node> keys = mapping(top, "", Set.of("rules", "version"));
        final Node list = keys.get("rules");
        if (!(list instanceof SequenceNode sequence)) {
            problem(line(list == null ? top : list), "'rules' must be a list of rules");
            return List.of();
        }
        final List<Rule> rules = new ArrayList<>();
        final Map<String, Integer> names = new LinkedHashMap<>();
        for (final Node item : sequence.getValue()) {
            final Rule rule = rule(item);
            if (rule == null) {
                continue;
            }
            final Integer earlier = names.putIfAbsent(rule.name(), rule.line());
            if (earlier != null) {
                problem(rule.line(), "rule '" + rule.name() + "': name already used on line " + earlier);
            } else {
                rules.add(rule);
            }
        }
        return rules;
    }

    private Rule rule(final Node node) {
        if (!(node instanceof MappingNode map)) {
            problem(line(node), "a rule must be a mapping (name, on, when, priority, actions)");
            return null;
        }
        final String name = scalar(map, "name", null);
        final String what = "rule '" + (name == null ? "?" : name) + "': ";
        final int before = problems.size();
        final Map<String, Node> keys = mapping(map, what, RULE_KEYS);
        if (name == null || !NAME.matcher(name).matches()) {
            problem(line(map), what + "name: required, lowercase letters, digits and dashes");
        }
        final Set<String> on = triggers(keys.get("on"), what, map);
        final Node whenNode = keys.get("when");
        RuleCel.Program condition = null;
        if (!(whenNode instanceof ScalarNode whenScalar) || whenScalar.getValue().isBlank()) {
            problem(line(whenNode == null ? map : whenNode), what + "when: required, a CEL expression");
        } else {
            try {
                condition = RuleCel.condition(whenScalar.getValue());
            } catch (RuleCel.Invalid e) {
                celProblems(whenScalar, 0, what + "when: ", e);
            }
        }
        final int priority = integer(keys.get("priority"), what + "priority", 50, 1, 1000);
        Duration cooldown = duration(keys.get("cooldown"), what + "cooldown", Duration.ZERO);
        final List<RuleAction> actions = actions(keys.get("actions"), what, map, on);
        if (problems.size() > before) {
            return null;
        }
        if (on.contains("tick") && !keys.containsKey("cooldown")) {
            cooldown = TICK_COOLDOWN;
            warnings.add(source + ":" + line(map) + ": rule '" + name + "': on tick without a cooldown: its condition "
                    + "is checked on every tick, so it gets cooldown " + Durations.format(TICK_COOLDOWN) + "; write "
                    + "one to choose");
        } else if (on.contains("tick") && cooldown.isZero()) {
            warnings.add(source + ":" + line(keys.get("cooldown")) + ": rule '" + name + "': on tick with cooldown 0: "
                    + "it fires on every tick its condition holds (urgent ones pass the guard's cooldown once per "
                    + "window)");
        }
        return new Rule(name, keys.containsKey("description") ? text(keys.get("description")) : "", on,
                ((ScalarNode) whenNode).getValue().strip().replaceAll("\\s+", " "), condition, priority, cooldown, actions, line(map));
    }

    private Set<String> triggers(final Node node, final String what, final Node rule) {
        final Set<String> on = new LinkedHashSet<>();
        final List<Node> items = node instanceof SequenceNode s ? s.getValue() : node == null ? List.of() : List.of(node);
        for (final Node item : items) {
            final String t = text(item);
            if (!RuleContext.TRIGGERS.contains(t)) {
                problem(line(item), what + "on: '" + t + "' is not a trigger; use " + RuleContext.TRIGGERS);
            }
            on.add(t);
        }
        if (on.isEmpty()) {
            problem(line(node == null ? rule : node), what + "on: required, one or more of " + RuleContext.TRIGGERS);
        }
        return on;
    }

    private List<RuleAction> actions(final Node node, final String what, final Node rule, final Set<String> on) {
        if (!(node instanceof SequenceNode list) || list.getValue().isEmpty()) {
            problem(line(node == null ? rule : node), what + "actions: required, a non-empty list");
            return List.of();
        }
        final List<RuleAction> actions = new ArrayList<>();
        for (final Node item : list.getValue()) {
            if (!(item instanceof MappingNode map)) {
                problem(line(item), what + "actions: each action is a mapping with at least 'action'");
                continue;
            }
            final Map<String, Node> keys = mapping(map, what + "action: ", ACTION_KEYS);
            final String name = keys.containsKey("action") ? text(keys.get("action")).toUpperCase(Locale.ROOT) : "";
            misplaced(keys, name, what);
            final Template reason = reason(keys.get("reason"), what);
            final boolean protect = flag(keys, "protect", what);
            final boolean evidence = flag(keys, "evidence", what);
            switch (name) {
                case "NONE" -> actions.add(new RuleAction(RuleAction.Kind.NONE, null, reason, false, false, null,
                        null, null, 0, null));
                case "INTERVAL" -> actions.add(interval(keys, what, reason, map));
                default -> {
                    final Action action = action(name, keys.get("action"), map, what);
                    final RuleAction.RestoreFrom from = from(keys.get("from"), what);
                    if (from == RuleAction.RestoreFrom.DELETED_PATHS && !on.isEmpty() && !on.contains("event")) {
                        // it would never restore anything: only file activity lists the paths it deleted
                        problem(line(keys.get("from")), what + "from: deleted-paths restores the paths one "
                                + "file-activity event deleted, and the rule is not on event (on: " + on + "); use "
                                + "window-deleted-paths (the paths deleted within change.rate.window), "
                                + "horizon-deleted-paths (within activity.horizon) or on: [event]");
                    }
                    if (action != null) {
                        actions.add(new RuleAction(RuleAction.Kind.COMMAND, action, reason, protect, evidence,
                                from, targetOf(keys.get("target"), what), null, 0, null));
                    }
                }
            }
        }
        return actions;
    }

    /**
     * Refuses a key of one kind of action given to another: it would be ignored, and the operator who wrote a MIGRATE's
     * {@code target} or an INCREMENTAL's {@code every} would believe it was in force.
     */
    private void misplaced(final Map<String, Node> keys, final String action, final String what) {
        for (final Map.Entry<String, Node> key : keys.entrySet()) {
            final String owner = switch (key.getKey()) {
                case "from", "target" -> "RESTORE";
                case "every", "rpo-fraction", "for" -> "INTERVAL";
                default -> null;
            };
            if (owner != null && !action.isEmpty() && !owner.equals(action)) {
                problem(line(key.getValue()), what + key.getKey() + ": applies to " + owner + " only, not to " + action
                        + ("MIGRATE".equals(action) && "target".equals(key.getKey()) ? " (which copies to the "
                        + "dataset's offsiteRepository)" : ""));
            }
        }
    }

    /** A true/false key of an action; anything else is a problem (yes, True or a typo would mean false silently). */
    private boolean flag(final Map<String, Node> keys, final String key, final String what) {
        final String value = keys.containsKey(key) ? text(keys.get(key)) : "false";
        if (!value.equals("true") && !value.equals("false")) {
            problem(line(keys.get(key)), what + key + ": true or false, was '" + value + "'");
        }
        return "true".equals(value);
    }

    private RuleAction interval(final Map<String, Node> keys, final String what, final Template reason,
                                final Node map) {
        final Duration every = keys.containsKey("every") ? duration(keys.get("every"), what + "every", null) : null;
        double fraction = 0;
        if (keys.containsKey("rpo-fraction")) {
            try {
                fraction = Double.parseDouble(text(keys.get("rpo-fraction")));
            } catch (NumberFormatException e) {
                fraction = -1;
            }
            if (!(fraction > 0 && fraction <= 1)) {
                problem(line(keys.get("rpo-fraction")), what + "rpo-fraction: a number in (0, 1]");
            }
        }
        if (every == null && fraction == 0) {
            problem(line(map), what + "INTERVAL needs 'every' (e.g. 1h) or 'rpo-fraction' (e.g. 0.25), or both");
        }
        if (!keys.containsKey("for")) {
            problem(line(map), what + "INTERVAL needs 'for': how long the shorter interval holds (e.g. 12h)");
        }
        return new RuleAction(RuleAction.Kind.INTERVAL, null, reason, false, false, null, null, every, fraction,
                duration(keys.get("for"), what + "for", Duration.ZERO));
    }

    private Action action(final String name, final Node node, final Node map, final String what) {
        try {
            final Action action = Action.valueOf(name);
            if (action != Action.UNKNOWN) {
                return action;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        problem(line(node == null ? map : node), what + "action: " + (name.isEmpty() ? "required," : "'" + text(node)
                + "' is not") + " one of FULL, INCREMENTAL, DIFFERENTIAL, VERIFY, RESTORE, MIGRATE, FORGET, PRUNE, "
                + "INTERVAL, NONE");
        return null;
    }

    private RuleAction.RestoreFrom from(final Node node, final String what) {
        if (node == null) {
            return RuleAction.RestoreFrom.LATEST;
        }
        try {
            return RuleAction.RestoreFrom.valueOf(text(node).toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            problem(line(node), what + "from: '" + text(node) + "' is not latest, before-episode, rewritten-paths, "
                    + "deleted-paths, window-deleted-paths, horizon-deleted-paths or before-rewrites");
            return RuleAction.RestoreFrom.LATEST;
        }
    }

    private String targetOf(final Node node, final String what) {
        final String t = node == null ? "original" : text(node);
        if ("original".equals(t)) {
            return null;
        }
        if (!t.startsWith("/")) {
            // a relative target would land wherever the worker runs
            problem(line(node), what + "target: '" + t + "' is neither 'original' nor an absolute path");
        } else if (java.util.Arrays.asList(t.split("/")).contains("..")) {
            // the worker refuses targets outside its allowed roots, but what the rule says must be what it means
            problem(line(node), what + "target: '" + t + "' has a '..': name the directory itself");
        }
        return t;
    }

    private Template reason(final Node node, final String what) {
        final String text = node == null ? "" : text(node);
        try {
            return Template.compile(text);
        } catch (RuleCel.Invalid e) {
            final String raw = ((ScalarNode) node).getValue();
            celProblems((ScalarNode) node, raw.length() - raw.stripLeading().length(), what + "reason: ", e);
            return null;
        }
    }

    private Map<String, Node> mapping(final MappingNode map, final String what, final Set<String> allowed) {
        final Map<String, Node> keys = new LinkedHashMap<>();
        for (final NodeTuple tuple : map.getValue()) {
            final String key = text(tuple.getKeyNode());
            if (!allowed.contains(key)) {
                problem(line(tuple.getKeyNode()), what + "unknown key '" + key + "'" + suggest(key, allowed));
            } else if (keys.put(key, tuple.getValueNode()) != null) {
                problem(line(tuple.getKeyNode()), what + "key '" + key + "' given twice");
            }
        }
        return keys;
    }

    private int integer(final Node node, final String what, final int fallback, final int min, final int max) {
        if (node == null) {
            return fallback;
        }
        try {
            final int value = Integer.parseInt(text(node));
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problem(line(node), what + ": '" + text(node) + "' is not a whole number in " + min + ".." + max);
        return fallback;
    }

    private Duration duration(final Node node, final String what, final Duration fallback) {
        if (node == null) {
            return fallback;
        }
        try {
            return Durations.parse(text(node));
        } catch (IllegalArgumentException e) {
            problem(line(node), what + ": " + e.getMessage());
            return fallback;
        }
    }

    private static String scalar(final MappingNode map, final String key, final String fallback) {
        for (final NodeTuple tuple : map.getValue()) {
            if (key.equals(text(tuple.getKeyNode()))) {
                return text(tuple.getValueNode());
            }
        }
        return fallback;
    }

    private static String text(final Node node) {
        return node instanceof ScalarNode s ? s.getValue().strip() : "";
    }

    private static int line(final Node node) {
        return node.getStartMark().getLine() + 1;
    }

    /**
     * Reports each error of an expression at its line and column in the file, or, where the scalar's text cannot be
     * mapped to the file (an escape in a quoted scalar), on the scalar's line with the text the error is at.
     *
     * @param skipped characters of the scalar's value before the text that was compiled (stripped whitespace)
     */
    private void celProblems(final ScalarNode node, final int skipped, final String what, final RuleCel.Invalid e) {
        final ScalarPlaces places = ScalarPlaces.of(node, lines);
        for (final RuleCel.Issue issue : e.issues()) {
            final int offset = issue.offset() < 0 ? -1 : skipped + issue.offset();
            final Optional<ScalarPlaces.Place> place = places.at(offset);
            if (place.isPresent()) {
                problems.add(source + ":" + place.get().line() + ":" + place.get().column() + ": " + what
                        + issue.message());
            } else {
                problem(line(node), what + issue.message() + (offset < 0 ? "" : " (at '" + fragment(node.getValue(),
                        offset) + "')"));
            }
        }
    }

    /** Up to 20 characters of an expression from an offset, on its line. */
    private static String fragment(final String text, final int offset) {
        final int lineEnd = text.indexOf('\n', offset);
        final String rest = text.substring(offset, lineEnd < 0 ? text.length() : lineEnd).strip();
        return rest.isEmpty() ? "<end>" : rest.length() <= 20 ? rest : rest.substring(0, 20) + "...";
    }

    private void problem(final int line, final String message) {
        problems.add(source + ":" + line + ": " + message);
    }

    private static String suggest(final String key, final Set<String> allowed) {
        return allowed.stream().filter(k -> distance(k, key) <= 2).findFirst()
                .map(k -> "; did you mean '" + k + "'?").orElse("; expected one of " + new java.util.TreeSet<>(allowed));
    }

    private static int distance(final String a, final String b) {
        final int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            for (int j = 0; j <= b.length(); j++) {
                d[i][j] = i == 0 ? j : j == 0 ? i : Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1),
                        d[i - 1][j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
        }
        return d[a.length()][b.length()];
    }

    static String version(final String text) {
        try {
            final byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
