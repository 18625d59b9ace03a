package dev.vigil.analyzer.anomaly;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * Per feature, the median of a window of rows and the upper {@link Tail} of the distances from it
 * (values missing from a row, NaN, left out; a missing value is not rare):
 * how rare a point's value of each feature is, on each feature's own recent scale. This sees what an
 * isolation forest cannot, how far beyond its training range a point lies (a forest's split never
 * falls outside the range of the rows it was built from).
 *
 * <p>Tails remember the extremes of earlier windows, keeping half of their extra reach at each fit:
 * a rare but recurring event (a nightly job's spike) stays known for several windows after it left
 * the current one, instead of alarming again each time it comes back.
 *
 * <p>A feature that is a mean over several consecutive points (an averaged feature) moves slowly, so the few
 * largest values its tail is fitted on are mostly the neighbouring points of one excursion, nearly equal: their
 * mean excess is the spread within that excursion, not between excursions. Its scale is floored at a share of
 * the feature's own typical distance from the median (see {@link #AVERAGED_SCALE}).
 */
final class FeatureTails {
    /** Share of the older tails' extra reach kept at each fit. */
    static final double MEMORY = 0.5;
    /**
     * Fewest values a feature that has missing values (NaN) in the window is fitted on, as many as the
     * forest's scores before its calibration is trusted; with fewer, the feature has no tail and no point
     * is rare on it. (A tail from the few seasonal residuals of a coarse series' first days was so thin
     * that ordinary points alarmed on it.)
     */
    static final int MIN_VALUES = 64;
    /**
     * Smallest scale of an averaged feature's tail, as a share of its median distance from the median. For a
     * Gaussian the tail's scale is about half that distance (0.34 and 0.67 standard deviations); for a 12-point
     * mean of white noise, whose largest values already come in runs, 0.40 (median over windows of 512, under 0.35
     * in about 4 windows of 10, where the floor raises it a little). Without it, one excursion of
     * nearly equal means left {@code recentSeasonal} a scale of 0.025 against a median distance of 0.2, and a
     * slow rise of 2 over 15 hours scored surprises from 3 to 27, each point reported as worse than the last.
     */
    static final double AVERAGED_SCALE = 0.35;

    private final double[] center;
    private final Tail[] tails;
    private final boolean[] averaged;

    /** @param averaged per feature, whether it is a mean over several consecutive points */
    FeatureTails(final boolean[] averaged) {
        this.center = new double[averaged.length];
        this.tails = new Tail[averaged.length];
        this.averaged = averaged.clone();
    }

    /** @return true once fitted */
    boolean fitted() {
        return tails[0] != null;
    }

    /**
     * Fits the medians and tails on a window of rows.
     *
     * @param rows the rows, at least 2
     */
    void fit(final List<double[]> rows) {
        final double[] all = new double[rows.size()];
        for (int j = 0; j < center.length; j++) {
            double magnitude = 0;
            int n = 0;
            for (final double[] row : rows) {
                if (!Double.isNaN(row[j])) {
                    all[n++] = row[j];
                    magnitude = Math.max(magnitude, Math.abs(row[j]));
                }
            }
            if (n < Math.min(MIN_VALUES, rows.size())) {
                center[j] = 0;
                tails[j] = Tail.NONE;
                continue;
            }
            final double[] column = Arrays.copyOf(all, n);
            center[j] = median(column);
            for (int i = 0; i < n; i++) {
                column[i] = Math.abs(column[i] - center[j]);
            }
            // Floor: one part in a thousand of the feature's magnitude, so a constant feature has a scale.
            double floor = Math.max(1e-3 * magnitude, 1e-12);
            if (averaged[j]) {
                floor = Math.max(floor, AVERAGED_SCALE * Tail.select(column, n / 2));
            }
            tails[j] = remember(tails[j], Tail.fit(column, floor));
        }
    }

    /**
     * @param old the previous fit's tail, or null
     * @param fitted the new fit's
     * @return the new tail, reaching as far as the old one still does
     */
    static Tail remember(final Tail old, final Tail fitted) {
        return old == null || Tail.NONE.equals(old) ? fitted : old.remember(fitted, MEMORY);
    }

    /** The median, by selection; reorders the values. */
    private static double median(final double[] values) {
        final int m = values.length / 2;
        final double upper = Tail.select(values, m);
        if (values.length % 2 == 1) {
            return upper;
        }
        double lower = values[0];
        for (int i = 1; i < m; i++) {
            lower = Math.max(lower, values[i]);
        }
        return (lower + upper) / 2;
    }

    /**
     * @param j a feature
     * @param value its value at a point
     * @return log10 of the probability of a distance from the median at least this large, in (-inf, 0]
     */
    double log10P(final int j, final double value) {
        if (Double.isNaN(value)) {
            return 0.0;
        }
        return tails[j].log10Exceedance(Math.abs(value - center[j]));
    }

    /**
     * @param point a row
     * @return log10 of the point's p: its rarest feature's, Bonferroni-corrected for the number of
     *     features; in (-inf, 0]
     */
    double log10P(final double[] point) {
        double min = 0;
        for (int j = 0; j < center.length; j++) {
            min = Math.min(min, log10P(j, point[j]));
        }
        return Math.min(0, min + Math.log10(center.length));
    }

    /** @return bytes of {@link #write} */
    int serializedSize() {
        return 32 * center.length;
    }

    void write(final ByteBuffer out) {
        for (int j = 0; j < center.length; j++) {
            out.putDouble(center[j]);
            Tail.write(out, tails[j]);
        }
    }

    void read(final ByteBuffer in) {
        for (int j = 0; j < center.length; j++) {
            center[j] = in.getDouble();
            tails[j] = Tail.read(in);
        }
        if (Arrays.stream(tails).anyMatch(t -> t == null) && Arrays.stream(tails).anyMatch(t -> t != null)) {
            throw new IllegalArgumentException("inconsistent feature tails: some fitted, some not");
        }
    }
}
