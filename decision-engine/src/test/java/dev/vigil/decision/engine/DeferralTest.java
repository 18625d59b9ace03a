package dev.vigil.decision.engine;

import static dev.vigil.decision.Fixtures.activity;
import static dev.vigil.decision.Fixtures.dataset;
import static dev.vigil.decision.Fixtures.event;
import static dev.vigil.decision.Fixtures.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.schemas.Action;
import dev.vigil.schemas.CommandStatus;
import dev.vigil.schemas.DecisionRecord;
import dev.vigil.schemas.Outcome;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Intents held back by a transient guardrail, retried on the tick for deferral.ttl. */
class DeferralTest {
    private final EngineHarness h = new EngineHarness();

    @Test
    void shouldAuditAHeldEvidenceBackupThatIsGivenUpWhenItsDeferralRunsOut() {
        h.register(dataset("d1", "h1", h.now).build());
        final String stuck = h.lastCommand().getId(); // the first FULL: the worker never answers it
        h.advance(Duration.ofMinutes(1));
        // an earlier backup (e.g. by a previous engine) makes the dataset backed up
        h.handle(new Trigger.OfResult(result("d1", "h1", "manual-1", Action.FULL, CommandStatus.SUCCEEDED, h.now)
                .build()));
        h.advance(Duration.ofMinutes(30));
        h.handle(new Trigger.OfEvent(event("h1", "file.activity", activity("d1", h.now).setModified(150)
                .setRenamed(150).setWriteEntropy(7.97).setEntropySampledBytes(1 << 20).setBytesWritten(150_000_000)
                .build(), h.now)));
        assertTrue(h.state("d1").deferred.containsKey("BACKUP"), "the evidence backup waits for the FULL " + stuck);

        for (int i = 0; i < 70; i++) { // deferral.ttl is 1h
            h.advance(Duration.ofMinutes(1));
            h.tick();
        }

        assertTrue(h.state("d1").deferred.isEmpty());
        final List<DecisionRecord> givenUp = h.outcomes(Outcome.SUPPRESSED).stream()
                .filter(d -> d.getReason().contains("given up")).toList();
        assertEquals(1, givenUp.size(), "the trail says the evidence snapshot was not taken: " + h.decisions);
        assertEquals(Action.INCREMENTAL, givenUp.get(0).getAction());
        assertEquals("ransomware-like-mass-modification", givenUp.get(0).getRule());
    }
}
