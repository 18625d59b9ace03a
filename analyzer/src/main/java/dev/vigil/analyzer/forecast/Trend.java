package dev.vigil.analyzer.forecast;

import dev.vigil.analyzer.store.BinaryReader;
import dev.vigil.analyzer.store.BinaryWriter;

/**
 * The recent level of one series, one point per closed statistics window (its mean), for a least
 * squares line: at most a fixed number of points, the oldest dropped first; and the series' {@link Cycles}
 * (its releases and peaks), which span far more time than those points.
 */
public final class Trend {
    private final long[] times;
    private final double[] values;
    private int head;
    private int size;
    private long lastPublished = Long.MIN_VALUE;
    private Cycles cycles = new Cycles();

    /** @param capacity points kept, at least 2 */
    public Trend(final int capacity) {
        if (capacity < 2) {
            throw new IllegalArgumentException("a trend needs at least 2 points, was " + capacity);
        }
        times = new long[capacity];
        values = new double[capacity];
    }

    /**
     * @param time the point's time, epoch milliseconds, after the previous one
     * @param value its value
     */
    public void add(final long time, final double value) {
        final int at = (head + size) % times.length;
        times[at] = time;
        values[at] = value;
        cycles.add(time, value);
        if (size < times.length) {
            size++;
        } else {
            head = (head + 1) % times.length;
        }
    }

    /**
     * Starts the line over (its points; not its cycles, nor the last forecast's time) when the series was silent
     * between its newest point and {@code time}: longer than {@code quietMillis} and than 4 times the spacing of its
     * newest two points, so that a series sampled less often than that keeps its line. A line through the levels on
     * both sides of a silence turns one step (data written while the agent was down) into steady growth, with an r²
     * near 1; the points after the silence give a forecast once there are enough of them.
     *
     * @param time the time of the point about to be added, epoch milliseconds
     * @param quietMillis how long a series without points counts as stopped
     */
    public void restartAfterSilence(final long time, final long quietMillis) {
        if (size < 2) {
            return;
        }
        final long newest = times[(head + size - 1) % times.length];
        final long spacing = newest - times[(head + size - 2) % times.length];
        final long gap = time - newest;
        if (gap > quietMillis && gap > 4 * spacing) {
            head = 0;
            size = 0;
        }
    }

    /** @return points kept at most */
    public int capacity() {
        return times.length;
    }

    /**
     * @param capacity points kept, at least 2
     * @return this trend keeping {@code capacity} points: its newest ones, its cycles and its last forecast's time
     */
    public Trend resized(final int capacity) {
        final Trend t = new Trend(capacity);
        final int kept = Math.min(size, capacity);
        for (int i = 0; i < kept; i++) {
            final int at = (head + size - kept + i) % times.length;
            t.times[i] = times[at];
            t.values[i] = values[at];
        }
        t.size = kept;
        t.lastPublished = lastPublished;
        t.cycles = cycles;
        return t;
    }

    /** @return points held */
    public int size() {
        return size;
    }

    /** @return milliseconds from the oldest point held to the newest */
    public long spanMillis() {
        return size < 2 ? 0 : times[(head + size - 1) % times.length] - times[head];
    }

    /** @return the newest value */
    public double last() {
        return values[(head + size - 1) % values.length];
    }

    /** @return the series' releases and peaks, every point added included */
    public Cycles cycles() {
        return cycles;
    }

    /** @return when a forecast was last published, or Long.MIN_VALUE */
    public long lastPublished() {
        return lastPublished;
    }

    /** @param time when a forecast was published */
    public void published(final long time) {
        lastPublished = time;
    }

    /**
     * A least squares line through the points.
     *
     * @param slopePerSecond growth per second
     * @param r2 coefficient of determination in [0, 1] (1 when the values do not vary)
     * @param meanTime the points' mean time, epoch ms: the line goes through it and the mean value
     * @param meanValue the points' mean value
     */
    public record Fit(double slopePerSecond, double r2, double meanTime, double meanValue) {
        /**
         * @param time epoch ms
         * @return the line's value then
         */
        public double at(final long time) {
            return meanValue + slopePerSecond * (time - meanTime) / 1000.0;
        }
    }

    /** @return the line, or null with fewer than 2 points or all at one time */
    public Fit fit() {
        return fit(times, values, head, size);
    }

    /** Gets the lines through the newest points, one per count of points. */
    public interface NewestFits {
        /**
         * @param fit the least squares line through the newest points
         * @param spanMillis the time from the oldest of those points to the newest, ms
         */
        void line(Fit fit, long spanMillis);
    }

    /**
     * The least squares lines through the newest {@code fewest} points, the newest {@code fewest + 1}, and so on to
     * all points held, in one pass: how long a line has held is the span of the newest points it fits, which a line
     * through all of them mixes with what came before (a flat past flattens a rise that began since).
     *
     * @param fewest the fewest points of a line, at least 2
     * @param visitor gets each line (points at two times at least), fewest points first
     */
    public void newestFits(final int fewest, final NewestFits visitor) {
        if (size < 2) {
            return;
        }
        final int newest = (head + size - 1) % times.length;
        final long t0 = times[newest];
        final double y0 = values[newest];
        // sums of x (seconds from the newest point) and y (value minus the newest): small, so the differences below
        // keep their precision
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        double syy = 0;
        for (int n = 1; n <= size; n++) {
            final int at = (head + size - n) % times.length;
            final double x = (times[at] - t0) / 1000.0;
            final double y = values[at] - y0;
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
            syy += y * y;
            final double dxx = sxx - sx * sx / n;
            if (n < Math.max(2, fewest) || dxx <= 0) {
                continue;
            }
            final double dxy = sxy - sx * sy / n;
            final double dyy = syy - sy * sy / n;
            final double r2 = dyy <= 0 ? 1 : Math.min(1, dxy * dxy / (dxx * dyy));
            visitor.line(new Fit(dxy / dxx, r2, t0 + sx / n * 1000, y0 + sy / n), t0 - times[at]);
        }
    }

    /**
     * A least squares line through {@code size} points of a ring, from {@code head}.
     *
     * @return the line, or null with fewer than 2 points or all at one time
     */
    static Fit fit(final long[] times, final double[] values, final int head, final int size) {
        if (size < 2) {
            return null;
        }
        final long t0 = times[head];
        double mx = 0;
        double my = 0;
        for (int i = 0; i < size; i++) {
            final int at = (head + i) % times.length;
            mx += (times[at] - t0) / 1000.0;
            my += values[at];
        }
        mx /= size;
        my /= size;
        double sxx = 0;
        double sxy = 0;
        double syy = 0;
        for (int i = 0; i < size; i++) {
            final int at = (head + i) % times.length;
            final double dx = (times[at] - t0) / 1000.0 - mx;
            final double dy = values[at] - my;
            sxx += dx * dx;
            sxy += dx * dy;
            syy += dy * dy;
        }
        if (sxx == 0) {
            return null;
        }
        final double r2 = syy == 0 ? 1 : Math.min(1, sxy * sxy / (sxx * syy));
        return new Fit(sxy / sxx, r2, t0 + mx * 1000, my);
    }

    /** @param out where to write */
    public void write(final BinaryWriter out) {
        out.writeLong(times.length).writeLong(size).writeLong(lastPublished);
        for (int i = 0; i < size; i++) {
            final int at = (head + i) % times.length;
            out.writeLong(times[at]).writeDouble(values[at]);
        }
        cycles.write(out);
    }

    /**
     * @param in where to read
     * @param withCycles whether cycles were written (not by the first format, whose trends start them afresh)
     * @return the trend written
     */
    public static Trend read(final BinaryReader in, final boolean withCycles) {
        final Trend t = new Trend(in.readInt());
        final int n = in.readInt();
        t.lastPublished = in.readLong();
        for (int i = 0; i < n; i++) {
            t.add(in.readLong(), in.readDouble());
        }
        // the points above went through a fresh Cycles; the written one holds the series' past beyond them
        if (withCycles) {
            t.cycles = Cycles.read(in);
        }
        return t;
    }
}
