package dev.vigil.analyzer.anomaly;

import java.util.Arrays;

/**
 * The upper tail of a sample, by peaks over threshold (Pickands; Siffer et al., "Anomaly Detection
 * in Streams with Extreme Value Theory", KDD 2017): above u, the k-th largest of n values, the
 * excesses are taken as exponential with their mean excess beta, so P(X &gt; x) = (k / n) *
 * exp(-(x - u) / beta). At or below u a value is not in the tail (log10 p = 0). This gives a
 * value beyond everything seen a probability that falls with its distance, on the sample's own
 * scale, whatever the sample's distribution or degeneracy (constant samples included).
 *
 * @param log10Rate log10(k / n)
 * @param u the threshold
 * @param beta mean excess over u, floored so that a constant sample still has a scale
 */
record Tail(double log10Rate, double u, double beta) {
    /** Share of the sample above the threshold. */
    static final double TAIL_SHARE = 0.02;
    private static final int MIN_TAIL = 5;
    private static final double LN10 = Math.log(10);

    /**
     * @param values the sample, at least 2 values; sorted in place
     * @param scaleFloor smallest beta, e.g. a small fraction of the sample's magnitude
     * @return its tail
     */
    static Tail fit(final double[] values, final double scaleFloor) {
        Arrays.sort(values);
        final int n = values.length;
        final int k = Math.min(n - 1, Math.max(MIN_TAIL, (int) Math.round(TAIL_SHARE * n)));
        final double u = values[n - 1 - k];
        double excess = 0;
        for (int i = n - k; i < n; i++) {
            excess += values[i] - u;
        }
        return new Tail(Math.log10((double) k / n), u, Math.max(excess / k, scaleFloor));
    }

    /**
     * @param x a value
     * @return log10 P(X &gt; x): 0 at or below the threshold, falling linearly in x above it
     */
    double log10Exceedance(final double x) {
        return x <= u ? 0.0 : log10Rate - (x - u) / beta / LN10;
    }

    /**
     * @param newer the tail fitted on the current window
     * @param keep share of this (older) tail's extra reach kept, in [0, 1]
     * @return the newer tail, reaching as far as this one still does
     */
    Tail remember(final Tail newer, final double keep) {
        return new Tail(newer.log10Rate, newer.u + keep * Math.max(0, u - newer.u),
                newer.beta + keep * Math.max(0, beta - newer.beta));
    }
}
