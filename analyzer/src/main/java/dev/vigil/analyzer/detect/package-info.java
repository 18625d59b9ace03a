/**
 * Detection outcomes: scores from the detectors of {@code dev.vigil.analyzer.anomaly} become
 * anomaly episodes (OPEN, UPDATE, CLOSE) with hysteresis ({@link
 * dev.vigil.analyzer.detect.EpisodePolicy}), each record explained: observed against baseline,
 * contributors, score and peak ({@link dev.vigil.analyzer.detect.Anomalies}). Episode and record
 * ids are derived from what they concern, so reprocessing yields the same ids.
 */
package dev.vigil.analyzer.detect;
