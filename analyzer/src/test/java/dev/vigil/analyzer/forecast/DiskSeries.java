package dev.vigil.analyzer.forecast;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A disk's utilization, one point a minute (or irregularly, with gaps) from day 0 03:00: it fills from 06:00 to
 * 22:00 by {@code rise} and a cleanup at 02:00 frees all of that day's fill but {@code growthPerDay}.
 * Variations: the cleanup fails on one day, a runaway log from one minute on, noise.
 *
 * @param trough the level at the start
 * @param rise what a day fills
 * @param growthPerDay what the cleanups leave behind, more each day
 * @param failedDay the day whose cleanup fails, or -1
 * @param runawayFrom the minute a runaway log starts, or -1
 * @param runawayPerMinute what it fills per minute
 * @param noise standard deviation of the noise on each point
 * @param irregular whether the points come 1 to 3 minutes apart, with a 40-minute gap every 7 hours
 */
public record DiskSeries(double trough, double rise, double growthPerDay, int failedDay, long runawayFrom,
                         double runawayPerMinute, double noise, boolean irregular) {
    public static final long MINUTE = 60_000L;
    public static final long HOUR = 60 * MINUTE;
    public static final long DAY = 24 * HOUR;
    /** The first point: day 0, 03:00, after a cleanup. */
    public static final long START = 3 * HOUR;

    /** A point. */
    public record Point(long time, double value) {
    }

    /** @return a disk filling steadily by {@code perDay} from {@code level}, never freed */
    public static DiskSeries linear(final double level, final double perDay) {
        return new DiskSeries(level, 0, 0, -1, 0, perDay / (24 * 60), 0, false);
    }

    /** @return a daily sawtooth from {@code trough}, filling {@code rise} a day, clean and regular */
    public static DiskSeries sawtooth(final double trough, final double rise, final double growthPerDay) {
        return new DiskSeries(trough, rise, growthPerDay, -1, -1, 0, 0, false);
    }

    public DiskSeries failingOn(final int day) {
        return new DiskSeries(trough, rise, growthPerDay, day, runawayFrom, runawayPerMinute, noise, irregular);
    }

    public DiskSeries runaway(final long fromMillis, final double perMinute) {
        return new DiskSeries(trough, rise, growthPerDay, failedDay, fromMillis, perMinute, noise, irregular);
    }

    public DiskSeries noisy(final double sd, final boolean irregularSampling) {
        return new DiskSeries(trough, rise, growthPerDay, failedDay, runawayFrom, runawayPerMinute, sd,
                irregularSampling);
    }

    /**
     * @param until the end, ms from day 0 00:00
     * @param seed the noise's and the sampling's seed
     * @return the points
     */
    public List<Point> points(final long until, final long seed) {
        final Random random = new Random(seed);
        final List<Point> out = new ArrayList<>();
        double level = trough;
        long next = START;
        for (long t = START; t < until; t += MINUTE) {
            final long timeOfDay = t % DAY;
            final int day = (int) (t / DAY);
            if (timeOfDay == 2 * HOUR && day != failedDay) {
                level -= rise - growthPerDay;
            }
            if (timeOfDay >= 6 * HOUR && timeOfDay < 22 * HOUR) {
                level += rise / (16 * 60);
            }
            if (runawayFrom >= 0 && t >= runawayFrom) {
                level += runawayPerMinute;
            }
            if (t < next || irregular && t % (7 * HOUR) < 40 * MINUTE) {
                continue;
            }
            out.add(new Point(t, Math.min(1, level + noise * random.nextGaussian())));
            next = t + (irregular ? (1 + random.nextInt(3)) * MINUTE : MINUTE);
        }
        return out;
    }
}
