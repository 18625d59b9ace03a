package dev.vigil.decision.engine;

import static dev.vigil.decision.Fixtures.dataset;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.schemas.DecisionRecord;
import dev.vigil.schemas.HostEvent;
import dev.vigil.schemas.Outcome;
import dev.vigil.schemas.Severity;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the trail says when a rule matches again within its cooldown. */
class RuleCooldownNoteTest {
    private final EngineHarness h = new EngineHarness();

    private void diskError() {
        h.handle(new Trigger.OfEvent(HostEvent.newBuilder().setId("e-" + h.now).setHost("h1").setTime(h.now)
                .setKind("disk.error").setSeverity(Severity.ERROR).setMessage("I/O error on sda")
                .setAttributes(Map.of()).build()));
    }

    @Test
    void shouldSayWhatWasNotIssuedRatherThanQuoteTheActionsReasonAsIfItWasDone() {
        h.register(dataset("d1", "h1", h.now).build());
        diskError();
        h.advance(Duration.ofMinutes(5));

        diskError();

        final List<DecisionRecord> notes = h.outcomes(Outcome.SUPPRESSED).stream()
                .filter(d -> d.getReason().contains("within its cooldown")).toList();
        assertEquals(1, notes.size(), h.decisions.toString());
        final String reason = notes.get(0).getReason();
        assertTrue(reason.contains("nothing done, not issued: FULL, MIGRATE (the reason it would have given: disk "
                + "errors on h1 (I/O error on sda): full backup now)"), reason);
    }
}
