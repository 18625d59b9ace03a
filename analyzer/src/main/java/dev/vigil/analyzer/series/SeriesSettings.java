package dev.vigil.analyzer.series;

import dev.vigil.analyzer.anomaly.DetectorOptions;
import dev.vigil.analyzer.clean.GapFiller;
import dev.vigil.analyzer.detect.EpisodePolicy;
import dev.vigil.analyzer.forecast.ForecastPolicy;
import dev.vigil.analyzer.stats.WindowSpec;

/**
 * Everything the per-series stages need, taken from the analyzer's configuration.
 *
 * @param windows statistics windows and the grace for late points
 * @param dedupWindowMillis how far behind a series' latest event time retried duplicates are recognised
 * @param gapMaxPoints longest gap filled, in points; 0 disables filling
 * @param gapMethod how gaps are filled
 * @param detector detector hyperparameters
 * @param snapshotPoints points between two detector snapshots in the changelog (the points in
 *     between are kept with the series and replayed after a restore)
 * @param episodes episode thresholds
 * @param forecasts forecast rules
 * @param idleMillis a series without points for this long (in stream time) has its windows and
 *     episode closed
 * @param expiryMillis a series without points for this long is forgotten
 * @param unscored metric names (a trailing {@code *} matches any ending) that get statistics and forecasts but no anomaly
 *     detection: counters that only grow, such as {@code system.uptime}, jump after any gap in their data
 * @param maxSeriesPerHost metric series one host may have; points that would start more are refused
 */
public record SeriesSettings(WindowSpec windows, long dedupWindowMillis, int gapMaxPoints, GapFiller.Method gapMethod,
                             DetectorOptions detector, int snapshotPoints, EpisodePolicy episodes,
                             ForecastPolicy forecasts, long idleMillis, long expiryMillis,
                             java.util.List<String> unscored, int maxSeriesPerHost) {
    /** Validates the relations the stages rely on. */
    public SeriesSettings {
        unscored = java.util.List.copyOf(unscored);
        if (maxSeriesPerHost < 1) {
            throw new IllegalArgumentException("maxSeriesPerHost must be >= 1, was " + maxSeriesPerHost);
        }
        if (snapshotPoints < 1) {
            throw new IllegalArgumentException("snapshotPoints must be >= 1, was " + snapshotPoints);
        }
        if (dedupWindowMillis < 0 || gapMaxPoints < 0) {
            throw new IllegalArgumentException("dedup window and gap bound must be >= 0");
        }
        if (idleMillis <= windows.graceMillis() || expiryMillis < idleMillis) {
            throw new IllegalArgumentException("need grace < idle <= expiry, was grace " + windows.graceMillis()
                    + " ms, idle " + idleMillis + " ms, expiry " + expiryMillis + " ms");
        }
    }

    /**
     * @param series a series text
     * @return whether its points are scored for anomalies
     */
    public boolean scored(final String series) {
        if (unscored.isEmpty()) {
            return true;
        }
        // the metric name is the series text up to its attributes; compared in place, as this runs for every point
        final int brace = series.indexOf('{');
        final int name = brace < 0 ? series.length() : brace;
        for (final String pattern : unscored) {
            final boolean prefix = pattern.endsWith("*");
            final int length = prefix ? pattern.length() - 1 : pattern.length();
            if ((prefix ? name >= length : name == length) && series.regionMatches(0, pattern, 0, length)) {
                return false;
            }
        }
        return true;
    }
}
