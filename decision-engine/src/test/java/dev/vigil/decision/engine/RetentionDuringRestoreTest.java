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
import dev.vigil.schemas.Feedback;
import dev.vigil.schemas.Outcome;
import dev.vigil.schemas.Verdict;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Retention waits while a RESTORE, which names a time and not a snapshot, is not yet done. */
class RetentionDuringRestoreTest {
    private final EngineHarness h = new EngineHarness();

    @Test
    void shouldHoldForgetWhileARestoreProposalWaitsAndRunItOnceTheProposalIsAnswered() {
        h.register(dataset("d1", "h1", h.now).build());
        h.advance(Duration.ofMinutes(1));
        h.handle(new Trigger.OfResult(result("d1", "h1", h.lastCommand().getId(), Action.FULL,
                CommandStatus.SUCCEEDED, h.now).build()));
        h.advance(Duration.ofHours(23));
        h.handle(new Trigger.OfEvent(event("h1", "file.activity", activity("d1", h.now).setDeleted(30)
                .setDeletedPaths(List.of("a.txt", "b.txt")).build(), h.now)));
        final DecisionRecord proposal = h.outcomes(Outcome.PROPOSED).get(0);

        for (int i = 0; i < 7; i++) { // retention (forget.every 1d) falls due while the proposal waits
            h.advance(Duration.ofMinutes(10));
            h.tick();
        }

        assertTrue(h.commands.stream().noneMatch(c -> c.getAction() == Action.FORGET), h.commands.toString());
        final List<DecisionRecord> held = h.outcomes(Outcome.SUPPRESSED).stream()
                .filter(d -> d.getAction() == Action.FORGET).toList();
        assertEquals(1, held.size(), "audited once per repeat interval: " + h.decisions);
        assertTrue(held.get(0).getReason().contains("retention held while RESTORE proposal " + proposal.getId()),
                held.get(0).getReason());

        h.handle(new Trigger.OfFeedback(Feedback.newBuilder().setId("f1").setHost("h1").setTime(h.now)
                .setDecisionId(proposal.getId()).setDataset("d1").setVerdict(Verdict.REJECT).setReason("expected")
                .setOperator("alice").build()));
        h.advance(Duration.ofMinutes(1));
        h.tick();

        assertTrue(h.commands.stream().anyMatch(c -> c.getAction() == Action.FORGET), "retention resumes");
    }
}
