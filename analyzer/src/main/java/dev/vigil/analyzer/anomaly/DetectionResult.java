package dev.vigil.analyzer.anomaly;

import dev.vigil.schemas.Contributor;
import java.util.List;

/**
 * What a detector says about one point.
 *
 * @param warm false during the warm-up, when the detector does not score yet
 * @param score calibrated anomaly score in [0, 1]: 0 while not warm. It is N / (N + 2.5) with the
 *     default scale, N the point's surprise (-log10 of its tail probability) beyond the recent peak:
 *     0 for ordinary points and for the continuation of an event already reported, 0.5 for a new
 *     event rarer than 1 in 300 (the operating point that scores best on NAB), 0.8 for 1 in 10^10
 * @param observed the observed value (for a host, the value of the strongest contributing series)
 * @param baseline what was expected at that time: the seasonal baseline or the recent level
 * @param contributors the features (or, for a host, the series) that deviated most, strongest first;
 *     weights in [0, 1] summing to at most 1; empty while not warm
 */
public record DetectionResult(boolean warm, double score, double observed, double baseline,
                              List<Contributor> contributors) {
    /** Checks the score range and copies the list. */
    public DetectionResult {
        if (!(score >= 0.0 && score <= 1.0)) {
            throw new IllegalArgumentException("score must be in [0, 1], was " + score);
        }
        if (!warm && score != 0.0) {
            throw new IllegalArgumentException("score must be 0 while not warm, was " + score);
        }
        contributors = List.copyOf(contributors);
    }

    /**
     * @param observed the observed value
     * @param baseline the baseline
     * @return the result of a point seen during the warm-up
     */
    static DetectionResult cold(final double observed, final double baseline) {
        return new DetectionResult(false, 0.0, observed, baseline, List.of());
    }
}
