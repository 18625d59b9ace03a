/**
 * The per-series pipeline ({@link dev.vigil.analyzer.series.SeriesProcessor}): for each point of
 * each series, in event-time order, dedup, lateness, gap filling, statistics windows, detection,
 * episodes and forecasts, with the series' state in three live stores split by how often it
 * changes (every point, every window, every few points for detector snapshots).
 *
 * <p>Invariant: the output for a series depends only on its points in event-time order, never on
 * wall-clock time, so reprocessing after a crash and scale-out over partitions yield the same
 * records with the same ids.
 */
package dev.vigil.analyzer.series;
