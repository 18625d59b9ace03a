package dev.vigil.decision.engine;

import static dev.vigil.decision.Fixtures.anomaly;
import static dev.vigil.decision.Fixtures.dataset;
import static dev.vigil.decision.Fixtures.result;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.schemas.AnomalyPhase;
import dev.vigil.schemas.BackupCommand;
import dev.vigil.schemas.CommandStatus;
import dev.vigil.schemas.Criticality;
import dev.vigil.schemas.DecisionSource;
import dev.vigil.schemas.Outcome;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A series whose anomaly opens and closes over and over is one incident to the model, not one per episode. */
class FlappingSeriesTest {
    private final EngineHarness h = new EngineHarness();
    private int episode;

    private void answerCommandsDue() {
        for (final BackupCommand c : List.copyOf(h.commands)) {
            if (h.now.equals(c.getTime().plus(Duration.ofMinutes(3)))) {
                h.handle(new Trigger.OfResult(result("d1", "h1", c.getId(), c.getAction(), CommandStatus.SUCCEEDED,
                        h.now).build()));
            }
        }
    }

    /** One episode of the series: open at the score, closed 30 s later; a minute in all, ticking every 30 s. */
    private void flap(final double score) {
        final String id = "ep-" + episode++;
        h.handle(new Trigger.OfAnomaly(anomaly("h1", score, h.now).setSeries("system.disk.io{device=sda}")
                .setEpisodeId(id).build()));
        for (int half = 0; half < 2; half++) {
            h.advance(Duration.ofSeconds(30));
            if (half == 0) {
                h.handle(new Trigger.OfAnomaly(anomaly("h1", 0.2, h.now).setSeries("system.disk.io{device=sda}")
                        .setEpisodeId(id).setPhase(AnomalyPhase.CLOSE).build()));
            }
            answerCommandsDue();
            h.tick();
        }
    }

    private long treeCommands() {
        return h.outcomes(Outcome.COMMANDED).stream().filter(d -> d.getSource() == DecisionSource.TREE).count();
    }

    private void backedUp() {
        h.register(dataset("d1", "h1", h.now).setCriticality(Criticality.CRITICAL).setRpoSeconds(14_400).build());
        h.advance(Duration.ofMinutes(3));
        answerCommandsDue();
        h.advance(Duration.ofMinutes(30));
    }

    @Test
    void shouldAskTheModelOnceForASeriesThatFlapsEveryMinuteForThreeHours() {
        backedUp();

        for (int i = 0; i < 180; i++) {
            flap(0.93);
        }

        assertTrue(treeCommands() >= 1, "the first episode is decided on: " + h.decisions);
        assertTrue(treeCommands() <= 2, treeCommands() + " backups for one flapping series");
        assertTrue(h.outcomes(Outcome.NO_ACTION).stream().anyMatch(d -> d.getReason().contains("one incident")),
                "the trail says why the later episodes are not decided on");
    }

    /** Whether the model was asked about an episode opened at this score (its decision quotes it). */
    private boolean asked(final String score) {
        return h.decisions.stream().anyMatch(d -> d.getSource() == DecisionSource.TREE
                && d.getReason().contains("(score " + score + ", OPEN)"));
    }

    @Test
    void shouldAskAgainAfterAClearRiseOrAQuietPeriod() {
        backedUp();
        flap(0.6);
        assertTrue(asked("0.60"));
        h.advance(Duration.ofMinutes(15)); // past the cooldown: a decision would show
        flap(0.65);
        assertFalse(asked("0.65"), "a small rise is the same incident");

        h.advance(Duration.ofMinutes(15));
        flap(0.95);
        assertTrue(asked("0.95"), "a clear rise is asked about");

        h.advance(Duration.ofMinutes(15));
        flap(0.5);
        assertFalse(asked("0.50"), "lower than the last decision, and not quiet long enough");
        h.advance(Duration.ofHours(2));
        flap(0.52);
        assertTrue(asked("0.52"), "after a quiet period, asked again");
    }
}
