package dev.vigil.decision.simulate;

import dev.vigil.schemas.DecisionRecord;
import java.util.ArrayList;
import java.util.List;

/** Checks a run's decisions against a scenario's {@code expect} and {@code expect-not}. */
final class Expectations {
    private Expectations() {
    }

    static List<String> check(final Scenario scenario, final List<DecisionRecord> decisions) {
        final List<String> failed = new ArrayList<>();
        for (final Scenario.Expectation e : scenario.expect()) {
            final long n = decisions.stream().filter(d -> matches(e, d)).count();
            if (e.count() >= 0 ? n != e.count() : n == 0) {
                failed.add("expected " + e.describe() + ", found " + n);
            }
        }
        for (final Scenario.Expectation e : scenario.expectNot()) {
            final long n = decisions.stream().filter(d -> matches(e, d)).count();
            if (n > 0) {
                failed.add("expected no " + e.describe() + ", found " + n);
            }
        }
        return failed;
    }

    static boolean matches(final Scenario.Expectation e, final DecisionRecord d) {
        return same(e.outcome(), d.getOutcome().name())
                && same(e.action(), d.getAction() == null ? "NONE" : d.getAction().name())
                && same(e.rule(), d.getRule())
                && same(e.source(), d.getSource().name())
                && same(e.dataset(), d.getDataset())
                && (e.reasonContains() == null || d.getReason().contains(e.reasonContains()));
    }

    private static boolean same(final String wanted, final String actual) {
        return wanted == null || wanted.equalsIgnoreCase(actual);
    }
}
