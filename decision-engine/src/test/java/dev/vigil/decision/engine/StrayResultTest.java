package dev.vigil.decision.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.decision.Fixtures;
import dev.vigil.schemas.Action;
import dev.vigil.schemas.BackupCommand;
import dev.vigil.schemas.CommandStatus;
import dev.vigil.schemas.DecisionRecord;
import dev.vigil.schemas.Outcome;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A worker whose host.name is not the host the registry names for its dataset reports under its own name: its result
 * reaches the engine's task of that host, where the dataset is not registered. Said, not dropped: otherwise the trail
 * shows only the command written off as unanswered, and nothing points at the name.
 */
class StrayResultTest {
    @Test
    void shouldSayAFinalResultFromAHostTheDatasetIsNotRegisteredOn() {
        final EngineHarness h = new EngineHarness();
        h.register(Fixtures.dataset("d1", "web-1", h.now).build());
        final BackupCommand full = h.lastCommand();
        h.advance(Duration.ofMinutes(5));

        h.handle(new Trigger.OfResult(Fixtures.result("d1", "web-1.example.com", full.getId(), Action.FULL,
                CommandStatus.ACCEPTED, h.now).build()));
        h.handle(new Trigger.OfResult(Fixtures.result("d1", "web-1.example.com", full.getId(), Action.FULL,
                CommandStatus.SUCCEEDED, h.now).build()));

        final List<DecisionRecord> said = h.outcomes(Outcome.NO_ACTION);
        assertEquals(1, said.size(), h.decisions.toString());
        assertEquals("d1", said.get(0).getDataset());
        assertTrue(said.get(0).getReason().contains("from host web-1.example.com, where dataset d1 is not registered"),
                said.get(0).getReason());
        assertTrue(h.state("d1").inFlight.containsKey(full.getId()), "not counted: the registry's host is web-1");
    }
}
