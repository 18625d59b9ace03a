/**
 * Anomaly detection: Isolation Forests (Smile) over engineered features of each series
 * ({@link dev.vigil.analyzer.anomaly.SeriesDetector}) and over the series of one host
 * ({@link dev.vigil.analyzer.anomaly.HostDetector}).
 *
 * <p>Invariants: a detector is warm only after its warm-up, and scores 0 until then; scores are
 * calibrated to [0, 1] on one scale for every series; a point is scored against a forest trained
 * on earlier points only; memory per detector is bounded by {@link
 * dev.vigil.analyzer.anomaly.DetectorOptions}; the same options, seed and input give the same
 * output, also across a {@code toBytes}/{@code fromBytes} round trip.
 */
package dev.vigil.analyzer.anomaly;
