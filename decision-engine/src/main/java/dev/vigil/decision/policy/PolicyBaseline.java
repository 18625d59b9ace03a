package dev.vigil.decision.policy;

import dev.vigil.decision.state.DatasetState;
import dev.vigil.decision.state.Intent;
import dev.vigil.schemas.Action;
import dev.vigil.schemas.DatasetSpec;
import dev.vigil.schemas.DecisionSource;
import dev.vigil.schemas.Durations;
import dev.vigil.schemas.Retention;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a dataset's policy asks for right now, whatever else happens: its first backup, a backup
 * before the RPO runs out, a FULL every N days, a periodic VERIFY, retention (FORGET, then PRUNE)
 * on schedule. Evaluated on every tick; stateless, so an intent the guardrails hold back is simply
 * asked for again on the next tick.
 */
public final class PolicyBaseline {
    /** Priority of a dataset's first backup. */
    public static final int FIRST_BACKUP = 80;
    /** Priority of a backup when the RPO is already exceeded. */
    public static final int RPO_EXCEEDED = 70;
    /** Priority of a scheduled backup (RPO lead reached, or FULL due). */
    public static final int SCHEDULED = 60;
    /** Priority of a periodic restore test. */
    public static final int VERIFY = 30;
    /** Priority of retention. */
    public static final int RETENTION = 20;

    private PolicyBaseline() {
    }

    /**
     * @param spec the dataset
     * @param state its state
     * @param now epoch ms
     * @param policy the thresholds
     * @return what the policy wants now, at most one intent per lane
     */
    public static List<Intent> evaluate(final DatasetSpec spec, final DatasetState state, final long now,
                                        final Policy policy) {
        final List<Intent> intents = new ArrayList<>();
        if (!state.hasBackup()) {
            intents.add(Intent.of(Action.FULL, FIRST_BACKUP, DecisionSource.POLICY, "first-backup",
                    "first backup: dataset " + spec.getId() + " has none yet")
                    .explained("policy: every dataset starts with a FULL", null, null));
            return intents;
        }
        final Intent backup = backup(spec, state, now, policy);
        if (backup != null) {
            intents.add(backup);
        }
        final long verifyEvery = days(spec.getVerifyEveryDays());
        if (state.ageOf(Action.VERIFY, now) >= verifyEvery) {
            intents.add(Intent.of(Action.VERIFY, VERIFY, DecisionSource.POLICY, "verify-every",
                    "restore test due: last VERIFY " + ago(state, Action.VERIFY, now) + ", policy every "
                            + spec.getVerifyEveryDays() + "d"));
        }
        if (state.ageOf(Action.FORGET, now) >= policy.forgetEvery().toMillis()) {
            intents.add(Intent.of(Action.FORGET, RETENTION, DecisionSource.POLICY, "retention",
                    "retention due (every " + Durations.format(policy.forgetEvery()) + "): " + retention(spec)));
        }
        final long forgot = state.last(Action.FORGET).map(DatasetState.Success::time).orElse(0L);
        final long pruned = state.last(Action.PRUNE).map(DatasetState.Success::time).orElse(0L);
        if (forgot > pruned && state.ageOf(Action.PRUNE, now) >= policy.pruneEvery().toMillis()) {
            intents.add(Intent.of(Action.PRUNE, RETENTION - 1, DecisionSource.POLICY, "retention",
                    "prune due (every " + Durations.format(policy.pruneEvery()) + "): reclaim space of forgotten "
                            + "snapshots"));
        }
        return intents;
    }

    private static Intent backup(final DatasetSpec spec, final DatasetState state, final long now,
                                 final Policy policy) {
        final long rpo = spec.getRpoSeconds() * 1000L;
        long interval = rpo;
        String intervalText = "RPO " + Durations.format(Duration.ofMillis(rpo));
        if (state.interval != null && state.interval.until() > now && state.interval.every() < rpo) {
            interval = state.interval.every();
            intervalText = "interval " + Durations.format(Duration.ofMillis(interval)) + " (set by rule "
                    + state.interval.rule() + " until " + java.time.Instant.ofEpochMilli(state.interval.until()) + ")";
        }
        final long since = state.sinceBackup(now);
        final boolean fullDue = state.sinceFull(now) >= days(spec.getFullEveryDays());
        final Level level = level(spec, state, now, policy);
        if (since >= interval) {
            return Intent.of(level.action(), RPO_EXCEEDED, DecisionSource.POLICY, "rpo",
                    "RPO exceeded: last backup " + ago(since) + ", " + intervalText)
                    .explained(level.why(), null, null);
        }
        if (since >= interval * policy.rpoLead()) {
            return Intent.of(level.action(), SCHEDULED, DecisionSource.POLICY, "rpo",
                    "backup due: last backup " + ago(since) + ", " + intervalText + " (starting at "
                            + Math.round(policy.rpoLead() * 100) + "%)").explained(level.why(), null, null);
        }
        if (fullDue) {
            return Intent.of(Action.FULL, SCHEDULED, DecisionSource.POLICY, "full-every",
                    "FULL due: last FULL " + ago(state.sinceFull(now)) + ", policy every "
                            + spec.getFullEveryDays() + "d").explained(level.why(), null, null);
        }
        return null;
    }

    /**
     * The level a scheduled backup takes.
     *
     * @param action FULL, DIFFERENTIAL or INCREMENTAL
     * @param why the clause that chose it
     */
    public record Level(Action action, String why) {
    }

    /**
     * @param spec the dataset
     * @param state its state
     * @param now epoch ms
     * @param policy the thresholds
     * @return the level of a backup taken now, and why
     */
    public static Level level(final DatasetSpec spec, final DatasetState state, final long now, final Policy policy) {
        if (state.last(Action.FULL).isEmpty()) {
            return new Level(Action.FULL, "level FULL: no FULL yet");
        }
        if (state.sinceFull(now) >= days(spec.getFullEveryDays())) {
            return new Level(Action.FULL, "level FULL: last FULL " + ago(state.sinceFull(now)) + ", policy every "
                    + spec.getFullEveryDays() + "d");
        }
        if (state.chainLength >= policy.maxChainLength()) {
            return new Level(Action.FULL, "level FULL: " + state.chainLength + " snapshots since the last FULL (max "
                    + policy.maxChainLength() + ")");
        }
        final double ratio = state.changeRatioSinceFull();
        final String changed = String.format(Locale.ROOT, "%.1f%%", ratio * 100);
        if (state.lastFullBytes > 0 && ratio >= policy.fullChangeRatio()) {
            return new Level(Action.FULL, "level FULL: " + changed + " changed since the last FULL (at least "
                    + Math.round(policy.fullChangeRatio() * 100) + "%)");
        }
        if (state.lastFullBytes > 0 && ratio < policy.differentialMaxChangeRatio()) {
            return new Level(Action.DIFFERENTIAL, "level DIFFERENTIAL: " + changed + " changed since the last FULL "
                    + "(under " + Math.round(policy.differentialMaxChangeRatio() * 100) + "%)");
        }
        return new Level(Action.INCREMENTAL, "level INCREMENTAL: " + (state.lastFullBytes > 0 ? changed
                + " changed since the last FULL" : "size of the last FULL unknown"));
    }

    private static String retention(final DatasetSpec spec) {
        final Retention r = spec.getRetention();
        return "keep last " + r.getKeepLast() + ", hourly " + r.getKeepHourly() + ", daily " + r.getKeepDaily()
                + ", weekly " + r.getKeepWeekly() + ", monthly " + r.getKeepMonthly() + ", yearly " + r.getKeepYearly();
    }

    private static long days(final int days) {
        return days * 86_400_000L;
    }

    private static String ago(final DatasetState state, final Action action, final long now) {
        return state.last(action).isPresent() ? ago(state.ageOf(action, now)) : "never";
    }

    private static String ago(final long millis) {
        return millis == Long.MAX_VALUE ? "never" : Durations.format(Duration.ofSeconds(millis / 1000)) + " ago";
    }
}
