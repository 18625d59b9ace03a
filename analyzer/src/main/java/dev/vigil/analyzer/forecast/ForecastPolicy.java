package dev.vigil.analyzer.forecast;

import dev.vigil.analyzer.clean.MetricCleaner;
import dev.vigil.analyzer.normalize.SeriesKey;
import dev.vigil.analyzer.normalize.Units;
import dev.vigil.schemas.Forecast;
import dev.vigil.schemas.Ids;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which series get time-to-full forecasts and when one is published: ratio series (capacity 1.0)
 * whose name matches one of the patterns ({@code *} matches any text), fitted by least squares
 * over their newest window means (at least {@code minPoints}, at most {@code windowPoints}); published when such a
 * line fits (r² at least {@code minR2}), grows, reaches 1.0 within the horizon and has held for at least
 * 1/{@code maxExtrapolation} of the time it predicts; at most once per {@code intervalMillis} per series. A series
 * freed on a rhythm (a nightly cleanup: {@link Cycles}) is forecast from the line through its cycles' peaks instead,
 * while its current cycle is like the others ({@link #check}).
 *
 * @param patterns metric name patterns, e.g. {@code system.filesystem.utilization}
 * @param compiled the patterns as regular expressions (derived; the value given is replaced)
 * @param horizonMillis publish when time-to-full is below this
 * @param windowPoints newest points kept for the lines, at least 2
 * @param minPoints points needed before any forecast, 2..windowPoints
 * @param minR2 fit quality needed, in [0, 1]
 * @param intervalMillis least time between two forecasts of one series
 */
public record ForecastPolicy(List<String> patterns, List<Pattern> compiled, long horizonMillis, int windowPoints,
                             int minPoints, double minR2, long intervalMillis, double maxExtrapolation) {
    private static final double CAPACITY = 1.0;
    /** Peaks needed for their line: two always fit exactly. */
    static final int MIN_PEAKS = 3;
    /** How many times steeper than the recent cycles' steepest rise a rise is a runaway. */
    static final double RUNAWAY = 4.0;

    /**
     * @param patterns metric name patterns ({@code *} matches any text)
     * @param horizonMillis publish when time-to-full is below this
     * @param windowPoints newest points kept for the lines
     * @param minPoints points needed before any forecast
     * @param minR2 fit quality needed
     * @param intervalMillis least time between two forecasts of one series
     * @param maxExtrapolation how many times the span of the points fitted a time-to-full may be
     */
    public ForecastPolicy(final List<String> patterns, final long horizonMillis, final int windowPoints,
                          final int minPoints, final double minR2, final long intervalMillis,
                          final double maxExtrapolation) {
        this(patterns, List.of(), horizonMillis, windowPoints, minPoints, minR2, intervalMillis, maxExtrapolation);
    }

    /** Validates the numbers and compiles the patterns. */
    public ForecastPolicy {
        patterns = List.copyOf(patterns);
        compiled = patterns.stream().map(ForecastPolicy::glob).toList();
        if (windowPoints < 2 || minPoints < 2 || minPoints > windowPoints) {
            throw new IllegalArgumentException("need 2 <= minPoints <= windowPoints, was " + minPoints + " and "
                    + windowPoints);
        }
        if (!(minR2 >= 0 && minR2 <= 1)) {
            throw new IllegalArgumentException("minR2 must be in [0, 1], was " + minR2);
        }
        if (!(maxExtrapolation > 0)) {
            throw new IllegalArgumentException("maxExtrapolation must be above 0, was " + maxExtrapolation);
        }
    }

    /**
     * @param series a series text
     * @param unit its canonical unit
     * @return whether the series is forecast
     */
    public boolean applies(final String series, final String unit) {
        if (!Units.RATIO.equals(unit)) {
            return false;
        }
        final String name = SeriesKey.name(series);
        for (final Pattern p : compiled) {
            if (p.matcher(name).matches()) {
                return true;
            }
        }
        return false;
    }

    private static Pattern glob(final String pattern) {
        return Pattern.compile(("\\Q" + pattern + "\\E").replace("*", "\\E.*\\Q"));
    }

    /**
     * The forecast of a series' time-to-full. A series whose space is freed on a rhythm ({@link Cycles}: at least two
     * releases, the latest not overdue) is forecast from the line through its cycles' peaks while the current cycle
     * is one like them: it stays under their envelope and does not rise {@value #RUNAWAY} times as steeply as any of
     * them did toward a fill before the next release. Otherwise (no rhythm, or a cycle unlike the others: the cleanup
     * failed, a runaway log) it is forecast from the line through its recent window means.
     *
     * @param host the host
     * @param series the series text
     * @param trend its trend, the newest window mean included
     * @param time event time of the newest point (window end)
     * @return a forecast to publish, or null
     */
    public Forecast check(final String host, final String series, final Trend trend, final long time) {
        final double current = trend.last();
        if (current < -MetricCleaner.RATIO_SLACK || current > CAPACITY + MetricCleaner.RATIO_SLACK) {
            // Not a share of a capacity (beyond the rounding the cleaner allows utilizations), though dimensionless: a
            // load average of 2.2 under forecast.series=system.* had a "time-to-full" of 0 s whenever it rose.
            return null;
        }
        final Trend.Fit fit = trend.size() < minPoints ? null : trend.fit();
        final boolean rising = fit != null && fit.slopePerSecond() > 0 && fit.r2() >= minR2;
        final Cycles cycles = trend.cycles();
        if (rising) {
            cycles.rose(fit.slopePerSecond());
        }
        if (trend.lastPublished() != Long.MIN_VALUE && time - trend.lastPublished() < intervalMillis) {
            return null;
        }
        final Trend.Fit held = heldLine(trend, current);
        final Cycles.PeakLine peaks = cycles.rhythmic(time) ? cycles.peakLine(time) : null;
        if (peaks != null && cycles.level() <= peaks.envelope()
                && !(held != null && runaway(cycles, held, current, time))) {
            return peaksForecast(host, series, trend, peaks, time);
        }
        return held == null ? null
                : publish(host, series, trend, time, current, held, secondsToFull(current, held.slopePerSecond()));
    }

    /**
     * The line that fits best (of those that fit alike, the one through the most points), of the lines through the
     * series' newest points (at least {@code minPoints}) that grow, fit ({@code minR2}), reach the capacity within
     * the horizon and held for at least 1/{@code maxExtrapolation} of the time they predict. A line through 17 minutes
     * of someone else's burst said "full in 7 hours" on a disk 28 % used; a rise that began two hours ago is measured
     * on those hours, not flattened by the quiet hours before it (a failed cleanup, a runaway log). Not the steepest
     * line: on a noisy disk a few points that happen to line up steeply would win.
     */
    private Trend.Fit heldLine(final Trend trend, final double current) {
        final Trend.Fit[] best = new Trend.Fit[1];
        trend.newestFits(minPoints, (line, spanMillis) -> {
            if (line.slopePerSecond() <= 0 || line.r2() < minR2) {
                return;
            }
            final double millis = secondsToFull(current, line.slopePerSecond()) * 1000;
            if (millis < horizonMillis && millis <= maxExtrapolation * spanMillis
                    && (best[0] == null || line.r2() >= best[0].r2())) {
                best[0] = line;
            }
        });
        return best[0];
    }

    /**
     * A rise far steeper than the rhythm's that fills the series before its next release is expected: a runaway log
     * in a sawtooth must not wait until it passes the usual peak.
     */
    private static boolean runaway(final Cycles cycles, final Trend.Fit fit, final double current, final long time) {
        final double untilRelease = cycles.lastRelease() + cycles.longestPeriod() - time;
        return fit.slopePerSecond() > RUNAWAY * cycles.steepestRise()
                && secondsToFull(current, fit.slopePerSecond()) * 1000 < untilRelease;
    }

    /** The time-to-full of the cycles' peaks: when their line reaches the capacity, if it grows, fits and is soon. */
    private Forecast peaksForecast(final String host, final String series, final Trend trend,
                                   final Cycles.PeakLine peaks, final long time) {
        final Trend.Fit fit = peaks.fit();
        if (peaks.count() < MIN_PEAKS || fit.slopePerSecond() <= 0 || fit.r2() < minR2) {
            return null;
        }
        final double seconds = secondsToFull(peaks.atNow(), fit.slopePerSecond());
        if (seconds * 1000 >= horizonMillis || seconds * 1000 > maxExtrapolation * peaks.spanMillis()) {
            return null;
        }
        return publish(host, series, trend, time, trend.last(), fit, seconds);
    }

    private static double secondsToFull(final double level, final double slopePerSecond) {
        return Math.max(0, (CAPACITY - level) / slopePerSecond);
    }

    private Forecast publish(final String host, final String series, final Trend trend, final long time,
                             final double current, final Trend.Fit fit, final double seconds) {
        trend.published(time);
        return Forecast.newBuilder()
                .setId(Ids.nameBased("forecast", host, series, Long.toString(time)))
                .setHost(host)
                .setTime(Instant.ofEpochMilli(time))
                .setSeries(series)
                .setCurrent(current)
                .setCapacity(CAPACITY)
                .setRatePerSecond(fit.slopePerSecond())
                .setTimeToFullSeconds(seconds)
                .setHorizonSeconds(horizonMillis / 1000.0)
                .setR2(fit.r2())
                .setUnit(Units.RATIO)
                .build();
    }
}
