/**
 * Descriptive statistics per series: count, mean, min, max, variance and standard deviation
 * (Welford/Chan, numerically stable; {@link dev.vigil.analyzer.stats.Moments}), median and p95
 * (Apache DataSketches KLL), on a tumbling window and a longer hopping window merged from it.
 * Windows follow event time and wait a grace period for late points.
 */
package dev.vigil.analyzer.stats;
