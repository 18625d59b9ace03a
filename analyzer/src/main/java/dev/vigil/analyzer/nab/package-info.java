/**
 * The Numenta Anomaly Benchmark (NAB) in Java: reading its corpus layout, running Vigil's own
 * {@link dev.vigil.analyzer.anomaly.SeriesDetector} over it ({@link dev.vigil.analyzer.nab.NabRunner}),
 * and NAB's scoring ({@link dev.vigil.analyzer.nab.NabScorer}: windows, scaled sigmoid, profiles,
 * one threshold swept over the whole corpus, normalization against the null and perfect detectors).
 *
 * <p>Invariants: results pair with data rows by position, never by timestamp; windows match data
 * timestamps exactly; nothing is tuned per file.
 */
package dev.vigil.analyzer.nab;
