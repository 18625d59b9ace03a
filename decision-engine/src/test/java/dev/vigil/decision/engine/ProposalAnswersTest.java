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

/** Answers to proposals that reach the engine late. */
class ProposalAnswersTest {
    private final EngineHarness h = new EngineHarness();

    @Test
    void shouldNotApplyAnApprovalThatArrivesAfterTheProposalExpiredEvenBeforeTheNextTick() {
        final DecisionRecord proposal = proposeARestore();
        final int commands = h.commands.size();

        // the engine was down past the proposal's time (24h): the approval queued meanwhile is its first input
        h.advance(Duration.ofHours(25));
        h.handle(new Trigger.OfFeedback(Feedback.newBuilder().setId("f-late").setHost("h1").setTime(h.now)
                .setDecisionId(proposal.getId()).setDataset("d1").setVerdict(Verdict.APPROVE).setReason("")
                .setOperator("alice").build()));

        assertEquals(commands, h.commands.size(), "an expired proposal is not carried out");
        assertTrue(h.outcomes(Outcome.APPROVED).isEmpty());
        final DecisionRecord answer = h.decisions.stream().filter(d -> "f-late".equals(d.getTrigger())).findFirst()
                .orElseThrow();
        assertEquals(Outcome.NO_ACTION, answer.getOutcome());
        assertTrue(answer.getReason().contains("expired"), answer.getReason());
        assertTrue(h.decisions.stream().anyMatch(d -> d.getReason().contains("proposal " + proposal.getId()
                + " expired unanswered")), "the expiry itself is audited");
        assertTrue(h.state("d1").proposals.isEmpty());
    }

    @Test
    void shouldKeepTheProposalWhenAnAnswerHasAVerdictTheEngineDoesNotKnow() {
        final DecisionRecord proposal = proposeARestore();

        // what Avro makes of a verdict a newer vigil sends (the enum's default)
        h.handle(new Trigger.OfFeedback(feedback("f-new", proposal, Verdict.UNKNOWN)));

        final DecisionRecord answer = h.decisions.stream().filter(d -> "f-new".equals(d.getTrigger())).findFirst()
                .orElseThrow();
        assertEquals(Outcome.NO_ACTION, answer.getOutcome(), answer.getReason());
        assertTrue(answer.getReason().contains("verdict UNKNOWN, which this engine does not know")
                && answer.getReason().contains("still awaits an answer"), answer.getReason());
        assertTrue(h.outcomes(Outcome.REJECTED).isEmpty(), h.outcomes(Outcome.REJECTED).toString());
        assertTrue(h.state("d1").proposals.containsKey(proposal.getId()));

        h.handle(new Trigger.OfFeedback(feedback("f-ok", proposal, Verdict.APPROVE)));

        assertEquals(1, h.outcomes(Outcome.APPROVED).size(), h.decisions.toString());
    }

    /** @return the proposal of a RESTORE of deleted files, half an hour after the dataset's first backup */
    private DecisionRecord proposeARestore() {
        h.register(dataset("d1", "h1", h.now).build());
        h.advance(Duration.ofMinutes(1));
        h.handle(new Trigger.OfResult(result("d1", "h1", h.lastCommand().getId(), Action.FULL,
                CommandStatus.SUCCEEDED, h.now).build()));
        h.advance(Duration.ofMinutes(30));
        h.handle(new Trigger.OfEvent(event("h1", "file.activity", activity("d1", h.now).setDeleted(30)
                .setDeletedPaths(List.of("a.txt", "b.txt")).build(), h.now)));
        return h.outcomes(Outcome.PROPOSED).get(0);
    }

    private Feedback feedback(final String id, final DecisionRecord proposal, final Verdict verdict) {
        return Feedback.newBuilder().setId(id).setHost("h1").setTime(h.now).setDecisionId(proposal.getId())
                .setDataset("d1").setVerdict(verdict).setReason("").setOperator("alice").build();
    }
}
