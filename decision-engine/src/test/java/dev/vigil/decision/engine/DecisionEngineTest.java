package dev.vigil.decision.engine;

import static dev.vigil.decision.Fixtures.activity;
import static dev.vigil.decision.Fixtures.anomaly;
import static dev.vigil.decision.Fixtures.dataset;
import static dev.vigil.decision.Fixtures.event;
import static dev.vigil.decision.Fixtures.forecast;
import static dev.vigil.decision.Fixtures.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.decision.state.DatasetState;
import dev.vigil.schemas.Action;
import dev.vigil.schemas.BackupCommand;
import dev.vigil.schemas.CommandStatus;
import dev.vigil.schemas.DecisionRecord;
import dev.vigil.schemas.DecisionSource;
import dev.vigil.schemas.Feedback;
import dev.vigil.schemas.Outcome;
import dev.vigil.schemas.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DecisionEngineTest {
    private final EngineHarness h = new EngineHarness();

    /** Registers d1 on h1 and completes its first FULL; returns the harness time after. */
    private void backedUp() {
        h.register(dataset("d1", "h1", h.now).build());
        final BackupCommand full = h.lastCommand();
        h.advance(Duration.ofMinutes(1));
        h.handle(new Trigger.OfResult(result("d1", "h1", full.getId(), Action.FULL, CommandStatus.SUCCEEDED, h.now)
                .build()));
        h.advance(Duration.ofMinutes(30));
    }

    @Test
    void shouldTryAFailureThatRetryingCannotHelpAgainAfterTheLongestBackoff() {
        h.register(dataset("d1", "h1", h.now).build());
        final BackupCommand full = h.lastCommand();
        h.advance(Duration.ofMinutes(1));
        h.handle(new Trigger.OfResult(result("d1", "h1", full.getId(), Action.FULL, CommandStatus.FAILED, h.now)
                .setMessage("source /data: no such file or directory").setRetriable(false).build()));
        assertEquals(1, h.outcomes(Outcome.ESCALATED).size());
        h.advance(Duration.ofMinutes(30));
        h.tick();
        assertEquals(1, h.commands.size(), "not before the longest backoff (guard.retry.max, 1h)");
        h.advance(Duration.ofMinutes(31));
        h.tick();
        assertEquals(2, h.commands.size(), "then tried again: the disk may be mounted by now");
        for (int i = 0; i < 3; i++) {
            h.advance(Duration.ofMinutes(1));
            h.handle(new Trigger.OfResult(result("d1", "h1", h.lastCommand().getId(), Action.FULL,
                    CommandStatus.FAILED, h.now).setRetriable(true).build()));
            h.advance(Duration.ofHours(2));
            h.tick();
        }
        final String reason = h.lastCommand().getReason();
        assertEquals(1, reason.split("retry ", -1).length - 1, "each retry says its own count once: " + reason);
        assertEquals(1, h.outcomes(Outcome.ESCALATED).size(), "escalated once");
    }

    @Test
    void shouldCommandAFirstFullAsSoonAsADatasetIsRegistered() {
        h.register(dataset("d1", "h1", h.now).build());

        assertEquals(1, h.commands.size());
        final BackupCommand full = h.lastCommand();
        assertEquals(Action.FULL, full.getAction());
        assertEquals("h1", full.getHost());
        assertNotNull(full.getExpiresAt());
        final DecisionRecord record = h.outcomes(Outcome.COMMANDED).get(0);
        assertEquals(full.getId(), record.getCommandId());
        assertEquals(record.getId(), full.getDecisionId());
        assertEquals(DecisionSource.POLICY, record.getSource());
        assertTrue(record.getReason().contains("first backup"), record.getReason());
        assertTrue(h.state("d1").inFlight.containsKey(full.getId()));
    }

    @Test
    void shouldUpdateTheStateFromAWorkerResult() {
        backedUp();

        final DatasetState s = h.state("d1");
        assertTrue(s.hasBackup());
        assertTrue(s.inFlight.isEmpty());
        assertEquals(0, s.chainLength);
        assertEquals(10_000_000, s.lastFullBytes);
        assertEquals(100, s.lastFileCount);
        assertEquals(1, s.snapshots.size());
        final DecisionRecord result = h.outcomes(Outcome.RESULT).get(0);
        assertEquals(DecisionSource.WORKER, result.getSource());
        assertTrue(result.getReason().contains("FULL succeeded"), result.getReason());
    }

    @Test
    void shouldLetTheTreeDecideAnAnomalyNoRuleSettlesAndExplainItsPath() {
        backedUp();
        h.advance(Duration.ofHours(12));

        h.handle(new Trigger.OfAnomaly(anomaly("h1", 0.95, h.now).build()));

        final DecisionRecord decision = h.outcomes(Outcome.COMMANDED).get(1);
        assertEquals(DecisionSource.TREE, decision.getSource());
        assertTrue(decision.getModelVersion().startsWith("cart-"), decision.getModelVersion());
        assertTrue(decision.getExplanation().contains("anomaly_score=0.950 >"), decision.getExplanation());
        assertEquals(0.95, decision.getFeatures().get("anomaly_score"), 1e-9);
        assertEquals(10, decision.getFeatures().size());
        assertTrue(decision.getReason().contains("score 0.95"), decision.getReason());
        assertTrue(List.of(Action.INCREMENTAL, Action.DIFFERENTIAL, Action.FULL).contains(decision.getAction()));
    }

    @Test
    void shouldNotAskTheModelAboutVigilsOwnTelemetry() {
        backedUp();
        h.advance(Duration.ofHours(12));

        h.handle(new Trigger.OfAnomaly(anomaly("h1", 0.95, h.now).setSeries("vigil.collector.spool.usage").build()));

        assertEquals(1, h.commands.size(), "no backup for a spool that grew while the broker was away");
        final DecisionRecord none = h.outcomes(Outcome.NO_ACTION).get(0);
        assertTrue(none.getReason().contains("Vigil's own telemetry"), none.getReason());
    }

    @Test
    void shouldAuditNoActionWithFeaturesWhenTheTreeSeesNothingToDo() {
        backedUp();

        h.handle(new Trigger.OfAnomaly(anomaly("h1", 0.05, h.now).build()));

        final DecisionRecord none = h.outcomes(Outcome.NO_ACTION).get(0);
        assertEquals(DecisionSource.TREE, none.getSource());
        assertNull(none.getAction());
        assertEquals(0.05, none.getFeatures().get("anomaly_score"), 1e-9);
        assertEquals(1, h.commands.size());
    }

    @Test
    void shouldProposeARestoreOfTheDeletedPathsAndIssueItWithOverwriteWhenApproved() {
        backedUp();
        final Instant backupAt = h.now.minus(Duration.ofMinutes(30));
        final String snapshot = ("snap-" + backupAt.toEpochMilli()).substring(0, 8);
        final var burst = activity("d1", h.now).setDeleted(30).setDeletedPaths(List.of("a.txt", "b/c.txt")).build();

        h.handle(new Trigger.OfEvent(event("h1", "file.activity", burst, h.now)));

        final DecisionRecord proposal = h.outcomes(Outcome.PROPOSED).get(0);
        assertEquals(Action.RESTORE, proposal.getAction());
        assertEquals("deletion-burst", proposal.getRule());
        assertTrue(proposal.getReason().contains("vigil approve " + proposal.getId()), proposal.getReason());
        assertTrue(proposal.getReason().contains("restores 2 path(s) of the last snapshot before "
                + burst.getIntervalStart() + " that is not evidence (most likely " + snapshot + " of " + backupAt
                + ", 30m before now) into /srv/d1: a.txt, b/c.txt; only those still missing"),
                "what approving would write, and how old what it gives back is: " + proposal.getReason());
        assertEquals(1, h.commands.size(), "a proposal is not a command");

        h.advance(Duration.ofMinutes(2));
        h.handle(new Trigger.OfFeedback(feedback(proposal.getId(), Verdict.APPROVE)));

        final BackupCommand restore = h.lastCommand();
        assertEquals(Action.RESTORE, restore.getAction());
        assertTrue(restore.getOverwrite());
        assertNull(restore.getTarget());
        assertEquals(List.of("a.txt", "b/c.txt"), restore.getPaths());
        assertEquals(burst.getIntervalStart(), restore.getBeforeTime());
        final DecisionRecord approved = h.outcomes(Outcome.APPROVED).get(0);
        assertEquals(restore.getId(), approved.getCommandId());
        assertEquals("f-" + proposal.getId() + "APPROVE", approved.getTrigger());
        assertTrue(approved.getReason().contains("proposal " + proposal.getId()), approved.getReason());
        assertTrue(approved.getReason().contains("restores 2 path(s) of the last snapshot before "
                + burst.getIntervalStart()), "what was approved, as the proposal said: " + approved.getReason());
        assertTrue(h.state("d1").proposals.isEmpty());

        // the restore's own writes are not the users' changes
        final long changed = h.state("d1").changedBytesSinceFull;
        h.advance(Duration.ofMinutes(1));
        h.handle(new Trigger.OfEvent(event("h1", "file.activity", activity("d1", h.now).setCreated(2)
                .setBytesWritten(5_000_000).build(), h.now)));
        assertEquals(changed, h.state("d1").changedBytesSinceFull, "written while Vigil's restore ran");
        final int commands = h.commands.size();
        h.handle(new Trigger.OfAnomaly(anomaly("h1", 0.95, h.now).setKind("file").setDataset("d1")
                .setSeries("dataset.files.created{dataset=d1}").build()));
        assertEquals(commands, h.commands.size(), "the restore's own writes make no backup");
        assertTrue(h.outcomes(Outcome.NO_ACTION).stream().anyMatch(d -> d.getReason().contains("while Vigil restores")));
        h.handle(new Trigger.OfResult(result("d1", "h1", restore.getId(), Action.RESTORE, CommandStatus.SUCCEEDED,
                h.now).build()));
        h.advance(Duration.ofMinutes(5));
        h.handle(new Trigger.OfEvent(event("h1", "file.activity", activity("d1", h.now).setModified(1)
                .setBytesWritten(1000).build(), h.now)));
        assertEquals(changed + 1000, h.state("d1").changedBytesSinceFull, "after it, changes count again");
    }

    @Test
    void shouldJoinASecondBurstIntoTheWaitingProposalWithEachPathOnce() {
        backedUp();
        h.handle(new Trigger.OfEvent(event("h1", "file.activity", activity("d1", h.now).setDeleted(30)
                .setDeletedPaths(List.of("a.txt", "b/c.txt")).build(), h.now)));
        h.advance(Duration.ofMinutes(1));
        h.handle(new Trigger.OfEvent(event("h1", "file.activity", activity("d1", h.now).setDeleted(30)
                .setDeletedPaths(List.of("a.txt", "d.txt")).build(), h.now)));

        final List<DecisionRecord> proposals = h.outcomes(Outcome.PROPOSED);
        assertEquals(1, proposals.size(), "the second burst joins the first proposal");
        assertTrue(h.outcomes(Outcome.SUPPRESSED).stream().anyMatch(d -> d.getReason().contains("joined proposal "
                + proposals.get(0).getId() + " awaiting approval (+1 paths, 3 in all)")));
        h.handle(new Trigger.OfFeedback(feedback(proposals.get(0).getId(), Verdict.APPROVE)));
        assertEquals(List.of("a.txt", "b/c.txt", "d.txt"), h.lastCommand().getPaths());
    }

    @Test
    void shouldRecordARejectionAndIssueNothing() {
        backedUp();
        h.handle(new Trigger.OfEvent(event("h1", "file.activity", activity("d1", h.now).setDeleted(30)
                .setDeletedPaths(List.of("a.txt")).build(), h.now)));
        final String id = h.outcomes(Outcome.PROPOSED).get(0).getId();

        h.handle(new Trigger.OfFeedback(feedback(id, Verdict.REJECT)));

        final DecisionRecord rejected = h.outcomes(Outcome.REJECTED).get(0);
        assertEquals("f-" + id + "REJECT", rejected.getTrigger());
        assertTrue(rejected.getReason().contains("expected cleanup"), rejected.getReason());
        assertEquals(1, h.commands.size());
        assertTrue(h.state("d1").proposals.isEmpty());

        h.handle(new Trigger.OfFeedback(feedback(id, Verdict.APPROVE)));
        assertTrue(h.outcomes(Outcome.NO_ACTION).get(0).getReason().contains("no proposal awaits approval"));
        assertEquals(1, h.commands.size());
    }

    @Test
    void shouldTakeAProtectedSnapshotAndProposeARestoreFromBeforeTheEpisodeOnRansomwareLikeWrites() {
        backedUp();
        h.handle(new Trigger.OfAnomaly(anomaly("h1", 0.4, h.now.minusSeconds(600)).setKind("file")
                .setDataset("d1").setEpisodeStart(h.now.minusSeconds(600)).build()));
        final var writes = activity("d1", h.now).setModified(80).setRenamed(40).setWriteEntropy(7.95)
                .setEntropySampledBytes(1 << 20).setBytesWritten(50_000_000).build();

        h.handle(new Trigger.OfEvent(event("h1", "file.activity", writes, h.now)));

        final BackupCommand snapshot = h.lastCommand();
        assertEquals(Action.INCREMENTAL, snapshot.getAction());
        assertTrue(snapshot.getProtect());
        assertTrue(snapshot.getTags().contains(dev.vigil.schemas.SnapshotTags.EVIDENCE),
                "never the source of a later restore: " + snapshot.getTags());
        final DecisionRecord proposal = h.outcomes(Outcome.PROPOSED).get(0);
        assertEquals(Action.RESTORE, proposal.getAction());
        final DatasetState.Proposal pending = h.state("d1").proposals.get(proposal.getId());
        assertEquals(h.now.minusSeconds(600).toEpochMilli(), pending.intent().beforeTime());
        assertTrue(pending.intent().paths().isEmpty());
    }

    @Test
    void shouldBackUpFullAndProposeAMigrationOnDiskErrorsAndOnAFillingDisk() {
        backedUp();
        h.advance(Duration.ofMinutes(15));
        h.handle(new Trigger.OfEvent(event("h1", "disk.error", null, h.now)));

        assertEquals(Action.FULL, h.lastCommand().getAction());
        assertEquals("disk-errors", h.outcomes(Outcome.COMMANDED).get(1).getRule());
        final DecisionRecord migrate = h.outcomes(Outcome.PROPOSED).get(0);
        assertEquals(Action.MIGRATE, migrate.getAction());

        h.handle(new Trigger.OfForecast(forecast("h1", "system.filesystem.utilization{mountpoint=/srv}", 3600,
                h.now)));
        assertTrue(h.outcomes(Outcome.SUPPRESSED).stream().anyMatch(d -> "disk-filling-up".equals(d.getRule())),
                "the second FULL is a duplicate of the one in flight and the MIGRATE joins the pending proposal");
    }

    @Test
    void shouldIgnoreAForecastForAnotherMountpoint() {
        backedUp();
        final int before = h.decisions.size();

        h.handle(new Trigger.OfForecast(forecast("h1", "system.filesystem.utilization{mountpoint=/var}", 60, h.now)));

        assertEquals(before, h.decisions.size());
    }

    @Test
    void shouldTakeAForecastForRootAsOnlyForTheDatasetsOnRootOnceTheHostsMountpointsAreKnown() {
        backedUp(); // d1 at /srv/d1
        final int before = h.decisions.size();
        // the host's filesystem metrics name its mountpoints: / and /srv, where d1 is
        h.handle(new Trigger.OfForecast(forecast("h1", "system.filesystem.utilization{mountpoint=/srv}", 864_000,
                h.now.minusSeconds(60))));
        final int afterSrv = h.decisions.size();

        h.handle(new Trigger.OfForecast(forecast("h1", "system.filesystem.utilization{mountpoint=/}", 60, h.now)));

        assertEquals(afterSrv, h.decisions.size(), "a filling / is not d1's filesystem: " + h.decisions.subList(
                before, h.decisions.size()));
        h.handle(new Trigger.OfForecast(forecast("h1", "system.filesystem.utilization{mountpoint=/srv}", 60, h.now)));
        assertTrue(h.decisions.size() > afterSrv, "a filling /srv is");
    }

    @Test
    void shouldShortenTheIntervalWhenTheDatasetKeepsChangingFast() {
        backedUp();
        for (int i = 0; i < 60; i++) {
            h.advance(Duration.ofMinutes(1));
            h.handle(new Trigger.OfEvent(event("h1", "file.activity", activity("d1", h.now).setModified(5)
                    .setBytesWritten(200_000).build(), h.now)));
        }

        final DatasetState s = h.state("d1");
        assertNotNull(s.interval, "sustained-high-change-rate should have fired");
        assertEquals(Duration.ofHours(1).toMillis(), s.interval.every());
        h.advance(Duration.ofMinutes(30));
        h.tick();
        final DecisionRecord due = h.outcomes(Outcome.COMMANDED).get(1);
        assertEquals(DecisionSource.POLICY, due.getSource());
        assertTrue(due.getReason().contains("sustained-high-change-rate"), due.getReason());
    }

    @Test
    void shouldDropTheStateWhenADatasetLeavesTheRegistry() {
        backedUp();

        h.handle(new Trigger.OfDatasets("h1", new dev.vigil.decision.state.DatasetChange("d1", null)));

        assertNull(h.state("d1"));
        assertFalse(h.store.hosts().contains("h1"));
    }

    private Feedback feedback(final String decisionId, final Verdict verdict) {
        return Feedback.newBuilder().setId("f-" + decisionId + verdict).setHost("h1").setTime(h.now)
                .setDecisionId(decisionId).setDataset("d1").setVerdict(verdict).setReason("expected cleanup")
                .setOperator("alice").build();
    }
}
