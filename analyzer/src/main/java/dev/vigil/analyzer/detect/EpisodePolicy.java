package dev.vigil.analyzer.detect;

import dev.vigil.schemas.AnomalyPhase;
import dev.vigil.schemas.Ids;

/**
 * When scores become episodes, with hysteresis so that a score hovering around one threshold
 * does not open and close episodes in a flood: an episode OPENs on the first point scoring at
 * least {@code open}; it gets an UPDATE when a point scores {@code updateDelta} above the last
 * published score; it CLOSEs after {@code closePoints} consecutive points under {@code close}
 * (lower than {@code open}).
 *
 * @param open score that opens an episode, in (0, 1]
 * @param close score under which a point counts as calm, in [0, open)
 * @param closePoints consecutive calm points that close an episode, at least 1
 * @param updateDelta rise of the score above the last published one worth an UPDATE, in (0, 1]
 */
public record EpisodePolicy(double open, double close, int closePoints, double updateDelta) {
    /** Validates the thresholds. */
    public EpisodePolicy {
        if (!(open > 0 && open <= 1) || !(close >= 0 && close < open)) {
            throw new IllegalArgumentException("need 0 <= close < open <= 1, was close " + close + ", open " + open);
        }
        if (closePoints < 1) {
            throw new IllegalArgumentException("closePoints must be >= 1, was " + closePoints);
        }
        if (!(updateDelta > 0 && updateDelta <= 1)) {
            throw new IllegalArgumentException("updateDelta must be in (0, 1], was " + updateDelta);
        }
    }

    /**
     * The outcome of one scored point.
     *
     * @param phase what to publish, or null for nothing
     * @param episode the episode after this point: the one published (also for CLOSE), or null when none is open
     */
    public record Step(AnomalyPhase phase, Episode episode) {
    }

    /**
     * @param current the open episode, or null
     * @param owner what the episode is about (host and series), for a stable episode id
     * @param time event time of the point
     * @param score its calibrated score
     * @return what to publish; {@code episode} is the episode to keep (null after a CLOSE)
     */
    public Step step(final Episode current, final String owner, final long time, final double score) {
        if (current == null) {
            if (score >= open) {
                final Episode opened = new Episode(Ids.nameBased("episode", owner, Long.toString(time)), time, score);
                return new Step(AnomalyPhase.OPEN, opened);
            }
            return new Step(null, null);
        }
        current.observe(score, close);
        if (current.calm() >= closePoints) {
            return new Step(AnomalyPhase.CLOSE, current);
        }
        if (current.worthUpdate(score, updateDelta)) {
            current.published(score);
            return new Step(AnomalyPhase.UPDATE, current);
        }
        return new Step(null, current);
    }
}
