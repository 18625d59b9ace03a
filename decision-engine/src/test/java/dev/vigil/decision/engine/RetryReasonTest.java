package dev.vigil.decision.engine;

import static dev.vigil.decision.Fixtures.dataset;
import static dev.vigil.decision.Fixtures.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.schemas.Action;
import dev.vigil.schemas.BackupCommand;
import dev.vigil.schemas.CommandStatus;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A retry says which retry it is and does not pass off a stale reason as the current one. */
class RetryReasonTest {
    private final EngineHarness h = new EngineHarness();

    @Test
    void shouldNumberTheFirstRetryOneAndMarkTheReasonItWasFirstIssuedFor() {
        h.register(dataset("d1", "h1", h.now).build());
        final BackupCommand first = h.lastCommand(); // the first FULL: "first backup: dataset d1 has none yet"
        h.advance(Duration.ofMinutes(1));
        // a backup made meanwhile (by hand, another engine): the dataset has one now
        h.handle(new Trigger.OfResult(result("d1", "h1", "manual-1", Action.FULL, CommandStatus.SUCCEEDED, h.now)
                .build()));
        h.handle(new Trigger.OfResult(result("d1", "h1", first.getId(), Action.FULL, CommandStatus.FAILED, h.now)
                .build()));

        h.advance(Duration.ofMinutes(2));
        h.tick();

        final BackupCommand retry = h.lastCommand();
        assertEquals(Action.FULL, retry.getAction());
        assertTrue(retry.getReason().startsWith("retry 1 of FULL after 1 failure(s) (last: FULL failed: disk full): first issued "
                + "for: first backup"), retry.getReason());
    }
}
