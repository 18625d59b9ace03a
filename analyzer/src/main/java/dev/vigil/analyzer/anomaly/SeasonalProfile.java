package dev.vigil.analyzer.anomaly;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The typical value of a series by time of period (time of day, or time of week): one exponentially
 * weighted mean per bin, read with linear interpolation between neighbouring bin centres. Bounded:
 * {@code bins} floats whatever the sampling rate. A bin never seen holds NaN; a time between two such
 * bins reads the first bin seen within the hour after it (see {@link #REACH_MILLIS}).
 */
final class SeasonalProfile {
    /**
     * How far ahead a time never seen looks for a typical value. A coarse or irregular series leaves bins
     * empty between the times it happened to be sampled; a time there fell back to the long-run mean, and
     * those residuals (up to the whole daily swing) widened the residual's tail for a window or more.
     */
    static final long REACH_MILLIS = 3_600_000L;

    private final long periodMillis;
    private final double alpha;
    private final float[] bins;

    /**
     * @param periodMillis the period, e.g. one day
     * @param bins bins per period
     * @param alpha weight of a new point in its bin's mean, in (0, 1]
     */
    SeasonalProfile(final long periodMillis, final int bins, final double alpha) {
        this.periodMillis = periodMillis;
        this.alpha = alpha;
        this.bins = new float[bins];
        Arrays.fill(this.bins, Float.NaN);
    }

    /**
     * @param time event time in epoch milliseconds
     * @return the interpolated typical value at that time; NaN when neither neighbouring bin nor any
     *     within {@link #REACH_MILLIS} after them was ever seen
     */
    double expected(final long time) {
        final double u = position(time) - 0.5;
        final double floor = Math.floor(u);
        final int i0 = Math.floorMod((int) floor, bins.length);
        final int i1 = (i0 + 1) % bins.length;
        final double f = u - floor;
        final double a = bins[i0];
        final double b = bins[i1];
        if (Double.isNaN(a) && Double.isNaN(b)) {
            return ahead(i1);
        }
        if (Double.isNaN(a)) {
            return b;
        }
        if (Double.isNaN(b)) {
            return a;
        }
        return a + f * (b - a);
    }

    /**
     * @param time event time in epoch milliseconds
     * @return true when the bin before the time, or the time's own bin, was seen: {@link #expected} is not a
     *     value read ahead
     */
    boolean seen(final long time) {
        final double position = position(time);
        final int i0 = Math.floorMod((int) Math.floor(position - 0.5), bins.length);
        // In the second half of its bin a time's later neighbour is the next bin: alone, it is read ahead too.
        return !Float.isNaN(bins[i0])
                || position - Math.floor(position) < 0.5 && !Float.isNaN(bins[(i0 + 1) % bins.length]);
    }

    /**
     * A time never seen takes the first bin seen within the next {@link #REACH_MILLIS}. Only later times:
     * they were last seen a period ago, where the bins just before now may hold what this series did
     * minutes ago, and a profile that returns the last value is no seasonal profile.
     */
    private double ahead(final int i1) {
        final int reach = (int) Math.min(bins.length - 1, REACH_MILLIS * bins.length / periodMillis);
        for (int d = 1; d <= reach; d++) {
            final float v = bins[(i1 + d) % bins.length];
            if (!Float.isNaN(v)) {
                return v;
            }
        }
        return Double.NaN;
    }

    /**
     * @param time event time in epoch milliseconds
     * @param value the observed value
     */
    void add(final long time, final double value) {
        final int i = Math.min(bins.length - 1, (int) position(time));
        final float old = bins[i];
        bins[i] = Float.isNaN(old) ? (float) value : (float) (old + alpha * (value - old));
    }

    private double position(final long time) {
        return (double) Math.floorMod(time, periodMillis) * bins.length / periodMillis;
    }

    /** @return bytes of {@link #write} */
    int serializedSize() {
        return bins.length * Float.BYTES;
    }

    void write(final ByteBuffer out) {
        out.asFloatBuffer().put(bins);
        out.position(out.position() + bins.length * Float.BYTES);
    }

    void read(final ByteBuffer in) {
        in.asFloatBuffer().get(bins);
        in.position(in.position() + bins.length * Float.BYTES);
    }
}
