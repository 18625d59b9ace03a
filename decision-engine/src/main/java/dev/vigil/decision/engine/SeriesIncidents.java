package dev.vigil.decision.engine;

import dev.vigil.decision.state.DatasetState;
import dev.vigil.schemas.Anomaly;
import dev.vigil.schemas.Durations;
import java.time.Duration;
import java.util.Locale;

/**
 * Which steps of an anomaly are decided on (rules, then the model), so that an anomaly series is one incident and
 * not one per step or per episode: a series whose anomaly opens and closes every minute would otherwise ask the model
 * at each new episode. A step is decided on when its score rose by the re-consult rise (0.1) over the score last
 * decided on: its episode's, or, for a new episode, its series' ({@link DatasetState#series}); the first episode of a
 * series, or the first after the series had no anomaly for the quiet period ({@code anomaly.quiet}), is always decided
 * on. The state keeps per series the score last decided on and when it was last seen.
 */
final class SeriesIncidents {
    private final double rise;
    private final Duration quiet;

    /**
     * @param rise how much a score must rise over the last one decided on to be decided on again, in [0, 1]
     * @param quiet how long a series must have had no anomaly for a new episode to be a new incident
     */
    SeriesIncidents(final double rise, final Duration quiet) {
        this.rise = rise;
        this.quiet = quiet;
    }

    /**
     * What is done with one OPEN or UPDATE step.
     *
     * @param decide whether it is decided on
     * @param decidedScore the score its episode was last decided on: this step's when it is decided on
     * @param repeat a new episode of a series decided on before and not quiet since, not decided on: the same incident
     */
    record Step(boolean decide, double decidedScore, boolean repeat) {
    }

    /**
     * Notes a step of a series, of any phase: the series quiet for the quiet period are forgotten, and this one is
     * seen now.
     */
    void seen(final DatasetState state, final String series, final long nowMs) {
        state.series.values().removeIf(m -> nowMs - m.seenAt() >= quiet.toMillis());
        final DatasetState.SeriesMemory memory = state.series.get(series);
        if (memory != null) {
            state.series.put(series, new DatasetState.SeriesMemory(memory.consultedScore(), nowMs));
        }
    }

    /**
     * Judges an OPEN or UPDATE step, after {@link #seen}; a step decided on is remembered as its series' last decision.
     *
     * @param episode the step's episode as it was before the step, null for a new episode
     */
    Step step(final DatasetState state, final DatasetState.Episode episode, final String series, final double score,
              final long nowMs) {
        final DatasetState.SeriesMemory memory = state.series.get(series);
        final boolean decide = episode != null ? score >= episode.consultedScore() + rise
                : memory == null || score >= memory.consultedScore() + rise;
        if (decide) {
            state.series.put(series, new DatasetState.SeriesMemory(score, nowMs));
            return new Step(true, score, false);
        }
        return episode != null ? new Step(false, episode.consultedScore(), false)
                : new Step(false, memory.consultedScore(), true);
    }

    /** @return the audit text of a {@link Step#repeat} step whose series was decided on at {@code decidedScore} */
    String repeatReason(final Anomaly a, final double decidedScore) {
        return String.format(Locale.ROOT, "%s anomaly on %s again (score %.2f), a series decided on at score %.2f and "
                + "not quiet since: one incident, not asked again until its score reaches %.2f or it has no anomaly "
                + "for %s", a.getKind(), a.getSeries(), a.getScore(), decidedScore, decidedScore + rise,
                Durations.format(quiet));
    }
}
