package dev.vigil.decision.engine;

import static dev.vigil.decision.Fixtures.dataset;
import static dev.vigil.decision.Fixtures.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.schemas.Action;
import dev.vigil.schemas.CommandStatus;
import dev.vigil.schemas.DecisionRecord;
import dev.vigil.schemas.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A worker that accepts nothing while the RPO runs out is escalated within minutes, not after three command.ttl. */
class SilentWorkerTest {
    private final EngineHarness h = new EngineHarness();

    @Test
    void shouldEscalateOnceWhenTheRpoIsExceededAndNoCommandIsAccepted() {
        final Instant start = h.now;
        h.register(dataset("d1", "h1", h.now).setRpoSeconds(3600).build());
        h.advance(Duration.ofSeconds(30));
        // a backup made before (another engine, by hand): the dataset has one, the worker answers nothing since
        h.handle(new Trigger.OfResult(result("d1", "h1", "manual-1", Action.FULL, CommandStatus.SUCCEEDED, h.now)
                .build()));

        for (int i = 0; i < 180; i++) {
            h.advance(Duration.ofMinutes(1));
            h.tick();
        }

        final List<DecisionRecord> escalated = h.outcomes(Outcome.ESCALATED);
        assertEquals(1, escalated.size(), "said once: " + escalated);
        assertTrue(escalated.get(0).getReason().contains("has not accepted"), escalated.get(0).getReason());
        assertTrue(escalated.get(0).getTime().isBefore(start.plus(Duration.ofMinutes(80))),
                "within minutes of the RPO (1h): " + escalated.get(0).getTime());
    }

    @Test
    void shouldNotEscalateWhileTheWorkerRunsTheCommand() {
        h.register(dataset("d1", "h1", h.now).setRpoSeconds(3600).build());
        h.advance(Duration.ofSeconds(30));
        h.handle(new Trigger.OfResult(result("d1", "h1", "manual-1", Action.FULL, CommandStatus.SUCCEEDED, h.now)
                .build()));
        h.handle(new Trigger.OfResult(result("d1", "h1", h.lastCommand().getId(), Action.FULL,
                CommandStatus.ACCEPTED, h.now).build()));

        for (int i = 0; i < 120; i++) {
            h.advance(Duration.ofMinutes(1));
            h.tick();
        }

        assertTrue(h.outcomes(Outcome.ESCALATED).isEmpty(), "a long backup is not a silent worker");
    }
}
