package dev.vigil.analyzer.anomaly;

import java.nio.ByteBuffer;

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
    /** No tail: nothing is rare (too few values to fit one). */
    static final Tail NONE = new Tail(0, Double.POSITIVE_INFINITY, 1);

    /**
     * @param values the sample, at least 2 values; reordered in place
     * @param scaleFloor smallest beta, e.g. a small fraction of the sample's magnitude
     * @return its tail
     */
    static Tail fit(final double[] values, final double scaleFloor) {
        final int n = values.length;
        final int k = Math.min(n - 1, Math.max(MIN_TAIL, (int) Math.round(TAIL_SHARE * n)));
        final double u = select(values, n - 1 - k);
        double excess = 0;
        for (int i = n - k; i < n; i++) {
            excess += values[i] - u;
        }
        return new Tail(Math.log10((double) k / n), u, Math.max(excess / k, scaleFloor));
    }

    /**
     * Quickselect (Hoare): reorders the values so that the k-th smallest is at index k, none after it
     * smaller and none before it larger; linear time on average, which is what makes refitting
     * every feature's tail cheap compared with sorting.
     *
     * @param values the values, reordered in place
     * @param k an index in [0, values.length)
     * @return the k-th smallest value
     */
    static double select(final double[] values, final int k) {
        int lo = 0;
        int hi = values.length - 1;
        while (lo < hi) {
            final double pivot = medianOfThree(values[lo], values[(lo + hi) >>> 1], values[hi]);
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (values[i] < pivot) {
                    i++;
                }
                while (values[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    final double swap = values[i];
                    values[i++] = values[j];
                    values[j--] = swap;
                }
            }
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                break;
            }
        }
        return values[k];
    }

    private static double medianOfThree(final double a, final double b, final double c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
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

    /**
     * Writes a tail, or NaNs for none, in 24 bytes.
     *
     * @param out the buffer
     * @param tail the tail, or null
     */
    static void write(final ByteBuffer out, final Tail tail) {
        if (tail == null) {
            out.putDouble(Double.NaN).putDouble(Double.NaN).putDouble(Double.NaN);
        } else {
            out.putDouble(tail.log10Rate).putDouble(tail.u).putDouble(tail.beta);
        }
    }

    /**
     * @param in the buffer
     * @return the tail {@link #write} wrote, or null
     */
    static Tail read(final ByteBuffer in) {
        final Tail tail = new Tail(in.getDouble(), in.getDouble(), in.getDouble());
        return Double.isNaN(tail.u) ? null : tail.u == Double.POSITIVE_INFINITY ? NONE : tail;
    }
}
