package dev.vigil.decision.rules;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * One operator rule, compiled.
 *
 * @param name unique name, [a-z0-9-]+; audit records name it
 * @param description for people
 * @param on the triggers it is evaluated on (anomaly, event, forecast, stats, tick)
 * @param when the condition, a CEL expression
 * @param condition the compiled condition
 * @param priority precedence in 1..1000: the highest wins within a lane
 * @param cooldown per dataset: the rule does not fire again within this time
 * @param actions what it does, in order
 * @param line line of the rule in its file, for messages
 */
public record Rule(String name, String description, Set<String> on, String when, RuleCel.Program condition,
                   int priority, Duration cooldown, List<RuleAction> actions, int line) {
}
