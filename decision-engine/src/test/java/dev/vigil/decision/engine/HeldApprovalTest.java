package dev.vigil.decision.engine;

import static dev.vigil.decision.Fixtures.activity;
import static dev.vigil.decision.Fixtures.dataset;
import static dev.vigil.decision.Fixtures.event;
import static dev.vigil.decision.Fixtures.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.schemas.Action;
import dev.vigil.schemas.BackupCommand;
import dev.vigil.schemas.CommandStatus;
import dev.vigil.schemas.DecisionRecord;
import dev.vigil.schemas.Feedback;
import dev.vigil.schemas.Outcome;
import dev.vigil.schemas.Verdict;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An approval that meets a command of its lane in flight waits for it, instead of being lost. */
class HeldApprovalTest {
    private final EngineHarness h = new EngineHarness();

    private DecisionRecord deletions(final List<String> paths) {
        h.handle(new Trigger.OfEvent(event("h1", "file.activity", activity("d1", h.now).setDeleted(30)
                .setDeletedPaths(paths).build(), h.now)));
        final List<DecisionRecord> proposals = h.outcomes(Outcome.PROPOSED);
        return proposals.get(proposals.size() - 1);
    }

    private void approve(final String proposalId, final String feedbackId) {
        h.handle(new Trigger.OfFeedback(Feedback.newBuilder().setId(feedbackId).setHost("h1").setTime(h.now)
                .setDecisionId(proposalId).setDataset("d1").setVerdict(Verdict.APPROVE).setReason("")
                .setOperator("alice").build()));
    }

    private DecisionRecord answer(final String feedbackId) {
        return h.decisions.stream().filter(d -> feedbackId.equals(d.getTrigger())).findFirst().orElseThrow();
    }

    @Test
    void shouldHoldAnApprovedRestoreWhileAnotherRestoreRunsAndIssueItWhenThatOneEnds() {
        h.register(dataset("d1", "h1", h.now).build());
        h.advance(Duration.ofMinutes(1));
        h.handle(new Trigger.OfResult(result("d1", "h1", h.lastCommand().getId(), Action.FULL,
                CommandStatus.SUCCEEDED, h.now).build()));
        h.advance(Duration.ofMinutes(30));
        approve(deletions(List.of("a.txt", "b.txt")).getId(), "f1");
        final BackupCommand running = h.lastCommand();
        assertEquals(Action.RESTORE, running.getAction());
        h.advance(Duration.ofMinutes(5));
        final DecisionRecord second = deletions(List.of("c.txt", "d.txt"));
        final int commands = h.commands.size();

        approve(second.getId(), "f2");

        assertEquals(commands, h.commands.size(), "nothing issued beside the restore in flight");
        final DecisionRecord held = answer("f2");
        assertEquals(Outcome.APPROVED, held.getOutcome(), held.getReason());
        assertNull(held.getCommandId());
        assertTrue(held.getReason().contains("held: waits for RESTORE " + running.getId()), held.getReason());
        assertTrue(h.state("d1").approved.containsKey(second.getId()), "kept in the state");

        h.advance(Duration.ofMinutes(1));
        approve(second.getId(), "f3");
        final DecisionRecord again = answer("f3");
        assertEquals(Outcome.NO_ACTION, again.getOutcome());
        assertTrue(again.getReason().contains("approved already"), again.getReason());
        h.tick();
        assertEquals(commands, h.commands.size(), "still held while the first restore runs");

        h.advance(Duration.ofMinutes(1));
        h.handle(new Trigger.OfResult(result("d1", "h1", running.getId(), Action.RESTORE, CommandStatus.SUCCEEDED,
                h.now).build()));

        assertEquals(commands + 1, h.commands.size(), "issued once the first restore ended");
        final BackupCommand restore = h.lastCommand();
        assertEquals(Action.RESTORE, restore.getAction());
        assertEquals(List.of("c.txt", "d.txt"), restore.getPaths());
        final DecisionRecord issued = h.outcomes(Outcome.APPROVED).stream()
                .filter(d -> restore.getId().equals(d.getCommandId())).findFirst().orElseThrow();
        assertEquals("f2", issued.getTrigger());
        assertTrue(issued.getReason().contains("proposal " + second.getId()), issued.getReason());
        assertTrue(h.state("d1").approved.isEmpty());
        assertTrue(h.outcomes(Outcome.SUPPRESSED).stream().noneMatch(d -> d.getAction() == Action.RESTORE),
                "no RESTORE suppressed as a duplicate: " + h.decisions);
    }

    @Test
    void shouldAuditAHeldApprovalThatIsGivenUpWhenItsTimeRunsOut() {
        h.register(dataset("d1", "h1", h.now).build());
        h.advance(Duration.ofMinutes(1));
        h.handle(new Trigger.OfResult(result("d1", "h1", h.lastCommand().getId(), Action.FULL,
                CommandStatus.SUCCEEDED, h.now).build()));
        h.advance(Duration.ofMinutes(30));
        approve(deletions(List.of("a.txt")).getId(), "f1");
        h.advance(Duration.ofMinutes(5));
        final DecisionRecord second = deletions(List.of("c.txt", "d.txt", "e.txt"));
        approve(second.getId(), "f2");
        // as if the lane had stayed busy with another restore issued since (the one it waited for ended): a command
        // the worker never answers is written off after command.ttl, which the hold outlasts
        h.advance(Duration.ofMinutes(1));
        final var state = h.state("d1");
        final var held = state.approved.get(second.getId());
        state.approved.put(second.getId(), new dev.vigil.decision.state.DatasetState.Approval(held.proposalId(),
                held.intent(), held.approvedAt(), h.now.toEpochMilli() + 60_000));
        final var first = state.inFlightIn(Action.RESTORE.name()).orElseThrow();
        state.inFlight.put(first.commandId(), new dev.vigil.decision.state.DatasetState.InFlight(first.commandId(),
                first.decisionId(), first.intent(), h.now.toEpochMilli(), first.expiresAt()));
        h.store.putState(state);
        final int commands = h.commands.size();

        h.advance(Duration.ofMinutes(2));
        h.tick();

        assertEquals(commands, h.commands.size());
        assertTrue(h.state("d1").approved.isEmpty());
        assertTrue(h.outcomes(Outcome.SUPPRESSED).stream().anyMatch(d -> d.getAction() == Action.RESTORE
                && d.getReason().contains("given up: approved (proposal " + second.getId())), h.decisions.toString());
    }

    @Test
    void shouldHoldAnApprovalWhileTheRestoreItWaitsForRunsPastItsTimeWithProgress() {
        h.register(dataset("d1", "h1", h.now).build());
        h.advance(Duration.ofMinutes(1));
        h.handle(new Trigger.OfResult(result("d1", "h1", h.lastCommand().getId(), Action.FULL,
                CommandStatus.SUCCEEDED, h.now).build()));
        h.advance(Duration.ofMinutes(30));
        approve(deletions(List.of("a.txt")).getId(), "f1");
        final BackupCommand running = h.lastCommand();
        h.handle(new Trigger.OfResult(result("d1", "h1", running.getId(), Action.RESTORE, CommandStatus.ACCEPTED,
                h.now).build()));
        final DecisionRecord second = deletions(List.of("c.txt", "d.txt"));
        approve(second.getId(), "f2");
        final long restores = h.commands.stream().filter(c -> c.getAction() == Action.RESTORE).count();

        // a restore of a large dataset: past the proposal's 24 h and command.ttl, reporting every 30 min
        for (int i = 0; i < 60; i++) {
            h.advance(Duration.ofMinutes(30));
            h.handle(new Trigger.OfResult(result("d1", "h1", running.getId(), Action.RESTORE, CommandStatus.PROGRESS,
                    h.now).build()));
            h.tick();
        }

        assertTrue(h.outcomes(Outcome.SUPPRESSED).stream().noneMatch(d -> d.getReason().contains("given up")),
                h.decisions.toString());
        assertEquals(restores, h.commands.stream().filter(c -> c.getAction() == Action.RESTORE).count(),
                "held while the first restore runs");
        h.handle(new Trigger.OfResult(result("d1", "h1", running.getId(), Action.RESTORE, CommandStatus.SUCCEEDED,
                h.now).build()));
        final List<BackupCommand> issued = h.commands.stream().filter(c -> c.getAction() == Action.RESTORE).toList();
        assertEquals(restores + 1, issued.size(), "issued once the first restore ended: " + h.decisions);
        assertEquals(List.of("c.txt", "d.txt"), issued.get(issued.size() - 1).getPaths());
    }
}
