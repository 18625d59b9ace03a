package dev.vigil.decision.tree;

import dev.vigil.decision.rules.RuleContext;
import dev.vigil.decision.state.DatasetState;
import dev.vigil.schemas.Action;
import dev.vigil.schemas.DatasetSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model's features, in CSV column order. Ages are relative to the dataset's own policy (1.0 =
 * one RPO, one full interval, one verify interval), so one model serves datasets with any policy.
 * Ages are capped at {@link #AGE_CAP}; "never" is the cap.
 */
public final class Features {
    /** Upper bound of the age and change-ratio features. */
    public static final double AGE_CAP = 10.0;
    /** Column names, in order. */
    public static final List<String> NAMES = List.of(
            "anomaly_score",        // [0, 1]; 0 when the decision is not about an anomaly
            "anomaly_on_dataset",   // 1 when the anomaly concerns the dataset's files, 0 for host-level anomalies
            "rpo_used",             // time since the last backup / RPO
            "full_age_used",        // time since the last FULL / FULL interval
            "verify_age_used",      // time since the last VERIFY / verify interval
            "change_ratio",         // bytes changed since the last FULL / its size
            "chain_length",         // snapshots since the last FULL
            "criticality",          // 1 LOW .. 4 CRITICAL
            "recent_failures",      // failures in a row
            "open_episodes");       // anomaly episodes open on the dataset

    private Features() {
    }

    /**
     * @param anomalyScore the anomaly's score in [0, 1], 0 when none
     * @param onDataset whether the anomaly concerns the dataset's files
     * @param spec the dataset
     * @param state its state
     * @param now epoch ms
     * @return the feature vector, in {@link #NAMES} order
     */
    public static double[] of(final double anomalyScore, final boolean onDataset, final DatasetSpec spec,
                              final DatasetState state, final long now) {
        return new double[] {
            clamp(anomalyScore, 0, 1),
            onDataset ? 1 : 0,
            ratio(state.sinceBackup(now), spec.getRpoSeconds() * 1000L),
            ratio(state.sinceFull(now), spec.getFullEveryDays() * 86_400_000L),
            ratio(state.hasBackup() ? state.ageOf(Action.VERIFY, now) : Long.MAX_VALUE,
                    spec.getVerifyEveryDays() * 86_400_000L),
            clamp(state.changeRatioSinceFull(), 0, AGE_CAP),
            state.chainLength,
            RuleContext.level(spec),
            state.failuresInARow(),
            state.episodes.size()};
    }

    /**
     * @param x a feature vector
     * @return it by name, for the audit record (kept for retraining)
     */
    public static Map<String, Double> named(final double[] x) {
        final Map<String, Double> named = new LinkedHashMap<>();
        for (int i = 0; i < NAMES.size(); i++) {
            named.put(NAMES.get(i), x[i]);
        }
        return named;
    }

    /**
     * @param named features by name, e.g. from an audit record
     * @return the vector, or null when a feature is missing
     */
    public static double[] fromNamed(final Map<String, Double> named) {
        final double[] x = new double[NAMES.size()];
        for (int i = 0; i < x.length; i++) {
            final Double v = named.get(NAMES.get(i));
            if (v == null) {
                return null;
            }
            x[i] = v;
        }
        return x;
    }

    private static double ratio(final long millis, final long of) {
        if (millis == Long.MAX_VALUE || of <= 0) {
            return AGE_CAP;
        }
        return clamp((double) millis / of, 0, AGE_CAP);
    }

    private static double clamp(final double v, final double lo, final double hi) {
        return Double.isFinite(v) ? Math.max(lo, Math.min(hi, v)) : hi;
    }
}
