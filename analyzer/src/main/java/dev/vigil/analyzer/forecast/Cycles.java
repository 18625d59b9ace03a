package dev.vigil.analyzer.forecast;

import dev.vigil.analyzer.store.BinaryReader;
import dev.vigil.analyzer.store.BinaryWriter;
import java.util.Arrays;

/**
 * The release rhythm of a growing ratio series: the large drops that free what the series filled (a nightly
 * cleanup, log rotation, a tmp purge) and the peak each cycle reached before its drop. A disk that fills all day
 * and is freed every night rises like a disk that will be full by morning; its history tells them apart.
 *
 * <p>Cycles are found on the series smoothed by an exponential average over about {@code 2 / SMOOTHING - 1} (9)
 * points, so that the noise of a flat disk makes no cycles. A release is a fall from the cycle's peak of at least
 * half of the cycle's rise (peak minus the lowest value before it) and at least {@value #MIN_RELEASE} of the
 * capacity, after a rise at least that large: a slow release (files deleted over half an hour) is one release, not
 * several. The last {@value #KEPT} cycles are kept (peak, its time, the release's time, the steepest rise fitted
 * within), about 30 bytes each. The series' first segment, before its first release, counts as a cycle whose start is unknown.
 */
public final class Cycles {
    /** Least release (and rise before it), as a share of the capacity: smaller drops do not change the outlook. */
    static final double MIN_RELEASE = 0.02;
    /** Weight of a new point in the smoothed level. */
    static final double SMOOTHING = 0.2;
    /** A cycle's peak is timed when its level last rose this much: about when its top plateau began. */
    static final double PEAK_TOLERANCE = MIN_RELEASE / 4;
    /** Cycles kept: a week of daily ones and one more. */
    static final int KEPT = 8;
    /** Releases needed before the rhythm explains a rise: one period measured. */
    static final int MIN_RELEASES = 2;
    /** A release this many times the longest recent period after the last one is overdue: the rhythm broke. */
    static final double OVERDUE = 1.5;

    private final long[] releases = new long[KEPT];
    private final long[] peakTimes = new long[KEPT];
    private final double[] peaks = new double[KEPT];
    private final double[] steepest = new double[KEPT];
    private int head;
    private int size;
    private double level = Double.NaN;
    private double peak = Double.NaN;
    private long peakTime;
    /** The level at peakTime. */
    private double peakMark = Double.NaN;
    private double low = Double.NaN;
    private double riseBase = Double.NaN;
    private double rising;

    /**
     * @param time a window's end, epoch ms, after the previous one
     * @param point its mean
     * @return whether this point completes a release
     */
    boolean add(final long time, final double point) {
        if (Double.isNaN(level)) {
            level = point;
            restart(time, point);
            return false;
        }
        level += SMOOTHING * (point - level);
        final double value = level;
        final double rise = peak - riseBase;
        if (rise >= MIN_RELEASE && peak - value >= Math.max(MIN_RELEASE, rise / 2)) {
            final int at = (head + size) % KEPT;
            releases[at] = time;
            peakTimes[at] = peakTime;
            peaks[at] = peak;
            steepest[at] = rising;
            if (size < KEPT) {
                size++;
            } else {
                head = (head + 1) % KEPT;
            }
            restart(time, value);
            return true;
        }
        if (value > peak) {
            peak = value;
            riseBase = low;
        }
        // the time a plateau was reached, not that of its noise's highest point (the median lag absorbs the misses)
        if (value > peakMark + PEAK_TOLERANCE) {
            peakMark = value;
            peakTime = time;
        }
        low = Math.min(low, value);
        return false;
    }

    private void restart(final long time, final double value) {
        peak = value;
        peakMark = value;
        peakTime = time;
        low = value;
        riseBase = value;
        rising = 0;
    }

    /** @return the smoothed level of the series, NaN before its first point */
    double level() {
        return level;
    }

    /** @param slopePerSecond a good fit's slope within the current cycle */
    void rose(final double slopePerSecond) {
        rising = Math.max(rising, slopePerSecond);
    }

    /**
     * @param now the current time, epoch ms
     * @return whether releases came often enough and recently enough to expect the next one
     */
    boolean rhythmic(final long now) {
        return size >= MIN_RELEASES && now - lastRelease() <= OVERDUE * longestPeriod();
    }

    /** @return the time of the latest release, epoch ms (only with a release seen) */
    long lastRelease() {
        return releases[(head + size - 1) % KEPT];
    }

    /** @return the longest time between two recent releases, ms (0 with fewer than two) */
    long longestPeriod() {
        long longest = 0;
        for (int i = 1; i < size; i++) {
            longest = Math.max(longest, releases[(head + i) % KEPT] - releases[(head + i - 1) % KEPT]);
        }
        return longest;
    }

    /** @return the steepest rise fitted within the recent cycles, per second (0 when none was fitted well) */
    double steepestRise() {
        double max = 0;
        for (int i = 0; i < size; i++) {
            max = Math.max(max, steepest[(head + i) % KEPT]);
        }
        return max;
    }

    /**
     * The peaks' least squares line, over their releases' times: a release comes at a sharp time (a cron job), while
     * the time of a plateau's highest point is its noise's. The line at R is the peak of the cycle released at R,
     * reached the median lag of the recent cycles (release time minus peak time) before R.
     *
     * @param now the current time, epoch ms
     * @return the line (slope per second, r²), the peak level it gives for {@code now} and the most the peaks strayed
     *         from it, or null with fewer than two peaks
     */
    PeakLine peakLine(final long now) {
        if (size < 2) {
            return null;
        }
        final long[] times = new long[size];
        final double[] values = new double[size];
        final long[] lags = new long[size];
        for (int i = 0; i < size; i++) {
            times[i] = releases[(head + i) % KEPT];
            values[i] = peaks[(head + i) % KEPT];
            lags[i] = times[i] - peakTimes[(head + i) % KEPT];
        }
        final Trend.Fit fit = Trend.fit(times, values, 0, size);
        if (fit == null) {
            return null;
        }
        double strayed = 0;
        double highest = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < size; i++) {
            strayed = Math.max(strayed, Math.abs(values[i] - fit.at(times[i])));
            highest = Math.max(highest, values[i]);
        }
        Arrays.sort(lags);
        return new PeakLine(fit, size, fit.at(now + lags[size / 2]), highest, strayed, times[size - 1] - times[0]);
    }

    /**
     * @param fit the peaks' line
     * @param count the peaks it goes through
     * @param atNow the peak level it gives for the time asked about
     * @param highest the highest peak held
     * @param strayed the largest distance of a peak from the line
     * @param spanMillis time from the oldest peak's release to the newest's
     */
    record PeakLine(Trend.Fit fit, int count, double atNow, double highest, double strayed, long spanMillis) {
        /** @return the highest value the current cycle may reach and still be one of the rhythm's */
        double envelope() {
            return Math.max(atNow, highest) + strayed + MIN_RELEASE;
        }
    }

    void write(final BinaryWriter out) {
        out.writeLong(size);
        for (int i = 0; i < size; i++) {
            final int at = (head + i) % KEPT;
            out.writeLong(releases[at]).writeLong(peakTimes[at]).writeDouble(peaks[at]).writeDouble(steepest[at]);
        }
        out.writeBoolean(!Double.isNaN(level));
        if (!Double.isNaN(level)) {
            out.writeDouble(level).writeDouble(peak).writeDouble(peakMark).writeLong(peakTime).writeDouble(low).writeDouble(riseBase).writeDouble(rising);
        }
    }

    static Cycles read(final BinaryReader in) {
        final Cycles c = new Cycles();
        c.size = in.readInt();
        for (int i = 0; i < c.size; i++) {
            c.releases[i] = in.readLong();
            c.peakTimes[i] = in.readLong();
            c.peaks[i] = in.readDouble();
            c.steepest[i] = in.readDouble();
        }
        if (in.readBoolean()) {
            c.level = in.readDouble();
            c.peak = in.readDouble();
            c.peakMark = in.readDouble();
            c.peakTime = in.readLong();
            c.low = in.readDouble();
            c.riseBase = in.readDouble();
            c.rising = in.readDouble();
        }
        return c;
    }
}
