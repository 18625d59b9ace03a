package dev.vigil.decision.rules;

import dev.cel.runtime.CelEvaluationException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loaded rule file: rules in precedence order (priority, then file order). Immutable and
 * thread-safe.
 *
 * @param source where it was read from, for messages
 * @param version first 12 hex digits of the SHA-256 of the file's text
 * @param rules the rules, highest priority first
 * @param warnings what loaded but is likely a mistake, each {@code FILE:LINE: rule 'name': message}; logged at load
 */
public record RuleSet(String source, String version, List<Rule> rules, List<String> warnings) {
    private static final Logger LOG = LoggerFactory.getLogger(RuleSet.class);
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    /** Sorts by precedence. */
    public RuleSet {
        rules = rules.stream().sorted(Comparator.comparingInt(Rule::priority).reversed()).toList();
    }

    /**
     * One rule that fired, with its actions' reasons rendered.
     *
     * @param rule the rule
     * @param reasons one reason per action, in order
     */
    public record Firing(Rule rule, List<String> reasons) {
    }

    /**
     * Evaluates every rule listening to the context's trigger. A rule whose condition fails at
     * run time (e.g. a map key that is absent) counts as not matching; it is logged once per version.
     *
     * @param context the facts
     * @return the rules that matched, highest priority first
     */
    public List<Firing> evaluate(final RuleContext context) {
        final Map<String, Object> variables = context.variables();
        final List<Firing> fired = new ArrayList<>();
        for (final Rule rule : rules) {
            if (!rule.on().contains(context.trigger())) {
                continue;
            }
            try {
                if (Boolean.TRUE.equals(rule.condition().eval(variables))) {
                    fired.add(new Firing(rule, rule.actions().stream().map(a -> a.reason().render(variables))
                            .toList()));
                }
            } catch (CelEvaluationException e) {
                if (WARNED.add(version + "/" + rule.name())) {
                    LOG.warn("{}:{}: rule '{}' failed on dataset {} and counts as not matching (logged once): {}",
                            source, rule.line(), rule.name(), context.dataset().id, e.getMessage());
                }
            }
        }
        return fired;
    }
}
