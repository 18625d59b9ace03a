package dev.vigil.decision.tree;

import dev.vigil.schemas.DecisionRecord;
import dev.vigil.schemas.Feedback;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Labelled examples from operators: each answer to a decision that carries the model's features
 * (every tree decision does, including NO_ACTION ones) becomes one example. APPROVE keeps the
 * decision's action as the label, REJECT labels it NONE, OVERRIDE labels it with the operator's
 * action. The latest answer per decision counts.
 */
public final class FeedbackExamples {
    private FeedbackExamples() {
    }

    /**
     * @param decisions audit records by id (those without the features are skipped)
     * @param feedback operator answers, oldest first
     * @return the examples, and how many answers could not be used
     */
    public static Result from(final Map<String, DecisionRecord> decisions, final List<Feedback> feedback) {
        final Map<String, Feedback> latest = new java.util.LinkedHashMap<>();
        feedback.forEach(f -> latest.put(f.getDecisionId(), f));
        final List<double[]> xs = new ArrayList<>();
        final List<Label> ys = new ArrayList<>();
        int skipped = 0;
        for (final Feedback f : latest.values()) {
            final DecisionRecord d = decisions.get(f.getDecisionId());
            final double[] x = d == null ? null : Features.fromNamed(d.getFeatures());
            if (x == null) {
                skipped++;
                continue;
            }
            xs.add(x);
            ys.add(switch (f.getVerdict()) {
                case APPROVE -> Label.of(d.getAction());
                case OVERRIDE -> Label.of(f.getOverrideAction());
                default -> Label.NONE;
            });
        }
        return new Result(xs.isEmpty() ? null : new Examples(xs, ys), skipped);
    }

    /**
     * @param examples the examples, or null when none
     * @param skipped answers about decisions without features (proposals, rules, policy) or not found
     */
    public record Result(Examples examples, int skipped) {
    }
}
