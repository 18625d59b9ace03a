/**
 * Operator rules: a YAML file of named rules, each a CEL condition over a documented context
 * ({@link dev.vigil.decision.rules.Facts}, {@link dev.vigil.decision.rules.RuleContext}) and the
 * actions it takes, with a priority and a cooldown.
 *
 * <p>Invariants: a rule file is checked whole at load time, types included, and refused with
 * {@code FILE:LINE: problem} for every problem ({@code FILE:LINE:COLUMN: problem} for each CEL error;
 * {@link dev.vigil.decision.rules.RuleLoader});
 * {@link dev.vigil.decision.rules.RuleBook} reloads a changed file and keeps the previous rules
 * when the new file is refused. Evaluation never throws: a rule that fails at run time does not match.
 */
package dev.vigil.decision.rules;
