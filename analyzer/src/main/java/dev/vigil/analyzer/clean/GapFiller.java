package dev.vigil.analyzer.clean;

import dev.vigil.analyzer.store.BinaryReader;
import dev.vigil.analyzer.store.BinaryWriter;
import java.util.Arrays;

/**
 * Fills short gaps in regular series with values flagged imputed. A series is regular when at
 * least 4 of its last 5 intervals are within 20 % of their median; a new point more than 1.5
 * intervals after the previous one leaves {@code round(gap / interval) - 1} points missing, and
 * when that is at most the configured bound they are made up: by linear interpolation between
 * the two real neighbours, or by repeating the previous value. Longer gaps stay gaps.
 */
public final class GapFiller {
    private static final int HISTORY = 5;
    private static final int REGULAR_MIN = 4;
    private static final double TOLERANCE = 0.2;
    private final long[] intervals = new long[HISTORY];
    private int count;

    /** How a gap is filled. */
    public enum Method {
        /** A straight line between the real points on each side. */
        LINEAR,
        /** The last real value, repeated. */
        FORWARD
    }

    /**
     * The times and values to fill between two consecutive real points, in order.
     *
     * @param previousTime time of the previous real point
     * @param previousValue its value
     * @param time time of the new real point, after previousTime
     * @param value its value
     * @param maxPoints most points filled; 0 disables filling
     * @param method how
     * @return {times, values} of the points to insert, both empty when there is no gap to fill
     */
    public double[][] fill(final long previousTime, final double previousValue, final long time, final double value,
                           final int maxPoints, final Method method) {
        final long interval = regularInterval();
        final long gap = time - previousTime;
        if (maxPoints <= 0 || interval <= 0 || gap <= 1.5 * interval) {
            return new double[][] {{}, {}};
        }
        final long missing = Math.round((double) gap / interval) - 1;
        if (missing < 1 || missing > maxPoints) {
            return new double[][] {{}, {}};
        }
        final int n = (int) missing;
        final double[] times = new double[n];
        final double[] values = new double[n];
        for (int i = 1; i <= n; i++) {
            final double share = (double) i / (n + 1);
            times[i - 1] = previousTime + Math.round(gap * share);
            values[i - 1] = method == Method.LINEAR ? previousValue + (value - previousValue) * share : previousValue;
        }
        return new double[][] {times, values};
    }

    /** @param interval the interval between two consecutive real points, milliseconds */
    public void observe(final long interval) {
        intervals[count % HISTORY] = interval;
        count++;
    }

    /** @return the median of the recent intervals when the series is regular, else 0 */
    long regularInterval() {
        if (count < HISTORY) {
            return 0;
        }
        final long[] sorted = intervals.clone();
        Arrays.sort(sorted);
        final long median = sorted[HISTORY / 2];
        int close = 0;
        for (final long i : sorted) {
            if (Math.abs(i - median) <= TOLERANCE * median) {
                close++;
            }
        }
        return median > 0 && close >= REGULAR_MIN ? median : 0;
    }

    /** @param out where to write */
    public void write(final BinaryWriter out) {
        // Keeps count modulo HISTORY (the next slot) and whether the history is full.
        out.writeLong(count >= HISTORY ? HISTORY + count % HISTORY : count);
        for (final long i : intervals) {
            out.writeLong(i);
        }
    }

    /**
     * @param in where to read
     * @return the state written
     */
    public static GapFiller read(final BinaryReader in) {
        final GapFiller g = new GapFiller();
        g.count = in.readInt();
        for (int i = 0; i < HISTORY; i++) {
            g.intervals[i] = in.readLong();
        }
        return g;
    }
}
