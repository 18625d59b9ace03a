package dev.vigil.decision.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.decision.Fixtures;
import dev.vigil.decision.state.DatasetState;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The rules of {@link SeriesIncidents} step by step; FlappingSeriesTest shows them through the engine. */
class SeriesIncidentsTest {
    private static final String CPU = "system.cpu.utilization";
    private static final long MINUTE = 60_000L;
    private final SeriesIncidents incidents = new SeriesIncidents(0.1, Duration.ofHours(1));
    private final DatasetState state = DatasetState.fresh("d1", "h1");

    /** One OPEN or UPDATE step as the engine takes it: seen, then judged. */
    private SeriesIncidents.Step step(final DatasetState.Episode episode, final String series, final double score,
                                      final long at) {
        incidents.seen(state, series, at);
        return incidents.step(state, episode, series, score, at);
    }

    private static DatasetState.Episode episodeDecidedAt(final double score) {
        return new DatasetState.Episode("ep", "metric", CPU, 0, score, score, 0, score);
    }

    @Test
    void shouldDecideOnTheFirstEpisodeOfASeriesAndRememberItsScore() {
        assertEquals(new SeriesIncidents.Step(true, 0.6, false), step(null, CPU, 0.6, 0));
        assertEquals(new DatasetState.SeriesMemory(0.6, 0), state.series.get(CPU));
    }

    @Test
    void shouldTakeANewEpisodeOfASeriesThatIsNotQuietAsTheSameIncidentUntilItsScoreRisesClearly() {
        step(null, CPU, 0.6, 0);

        assertEquals(new SeriesIncidents.Step(false, 0.6, true), step(null, CPU, 0.65, MINUTE),
                "a small rise: the same incident, to be audited as such");
        assertEquals(new SeriesIncidents.Step(false, 0.6, true), step(null, CPU, 0.4, 2 * MINUTE), "lower");
        assertEquals(new SeriesIncidents.Step(true, 0.75, false), step(null, CPU, 0.75, 3 * MINUTE), "risen by 0.1");
        assertEquals(0.75, state.series.get(CPU).consultedScore());
    }

    @Test
    void shouldDecideAgainOnASeriesQuietForTheQuietPeriodButNotOnOneSeenMeanwhile() {
        step(null, CPU, 0.6, 0);
        incidents.seen(state, CPU, 50 * MINUTE); // a CLOSE step keeps the series from being quiet

        assertTrue(step(null, CPU, 0.6, 100 * MINUTE).repeat(), "seen 50 min before: not quiet");
        assertEquals(new SeriesIncidents.Step(true, 0.5, false), step(null, CPU, 0.5, 160 * MINUTE),
                "quiet for an hour: a new incident, whatever its score");
    }

    @Test
    void shouldJudgeAStepOfAnOpenEpisodeAgainstTheScoreTheEpisodeWasDecidedOnAndNeverCallItARepeat() {
        step(null, CPU, 0.9, 0); // the series was decided on higher than the episode below

        assertEquals(new SeriesIncidents.Step(false, 0.5, false), step(episodeDecidedAt(0.5), CPU, 0.55, MINUTE));
        assertEquals(new SeriesIncidents.Step(true, 0.61, false), step(episodeDecidedAt(0.5), CPU, 0.61, 2 * MINUTE));
        assertEquals(0.61, state.series.get(CPU).consultedScore(), "the series remembers the last decision");
    }

    @Test
    void shouldKeepSeriesApartAndForgetOnlyTheQuietOnes() {
        step(null, CPU, 0.6, 0);
        step(null, "system.disk.io", 0.6, 30 * MINUTE);

        assertTrue(step(null, "system.disk.io", 0.6, 70 * MINUTE).repeat(), "seen 40 min before");
        assertEquals(1, state.series.size(), "the CPU series, quiet for 70 min, is forgotten: " + state.series);
    }

    @Test
    void shouldSayWhyARepeatIsNotDecidedOn() {
        assertEquals("metric anomaly on system.cpu.utilization again (score 0.65), a series decided on at score 0.60 "
                + "and not quiet since: one incident, not asked again until its score reaches 0.70 or it has no "
                + "anomaly for 1h", incidents.repeatReason(Fixtures.anomaly("h1", 0.65, Instant.EPOCH).build(), 0.6));
    }
}
