package dev.vigil.decision.engine;

import static dev.vigil.decision.Fixtures.activity;
import static dev.vigil.decision.Fixtures.dataset;
import static dev.vigil.decision.Fixtures.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.decision.Fixtures;
import dev.vigil.decision.state.DatasetState;
import dev.vigil.decision.state.JsonSerde;
import dev.vigil.schemas.Action;
import dev.vigil.schemas.BackupCommand;
import dev.vigil.schemas.CommandStatus;
import dev.vigil.schemas.DecisionRecord;
import dev.vigil.schemas.Feedback;
import dev.vigil.schemas.FileActivity;
import dev.vigil.schemas.Outcome;
import dev.vigil.schemas.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The incident drill: a dataset's files encrypted in place, some originals deleted, beside legitimate edits made before
 * and after the attack to files it never touched. The shipped ransomware rules' RESTORE puts back the files the attack
 * rewrote or deleted, over what is there, and nothing else: a RESTORE of the whole snapshot reverted those edits too.
 */
class RewrittenPathsRestoreTest {
    private final EngineHarness h = new EngineHarness();
    private final List<String> encrypted = IntStream.range(0, 30).mapToObj(i -> "docs/report-" + i + ".odt").toList();
    private final List<String> deleted = List.of("docs/contract-1.pdf", "docs/contract-2.pdf");
    private final List<String> copies = List.of("docs/contract-1.pdf.locked", "docs/contract-2.pdf.locked");

    private void backedUp() {
        h.register(dataset("d1", "h1", h.now).build());
        h.advance(Duration.ofMinutes(5));
        h.handle(new Trigger.OfResult(Fixtures.result("d1", "h1", h.lastCommand().getId(), Action.FULL,
                CommandStatus.SUCCEEDED, h.now).build()));
        h.advance(Duration.ofHours(1));
    }

    private void edit(final String path) {
        h.handle(new Trigger.OfEvent(event("h1", "file.activity", activity("d1", h.now).setModified(1)
                .setChangedPaths(List.of(path)).setWriteEntropy(4.2).setEntropySampledBytes(8192)
                .setBytesWritten(8192).build(), h.now)));
        h.advance(Duration.ofMinutes(2));
    }

    /** @return the attack's start: 30 files encrypted in place, 2 written as encrypted copies and deleted */
    private Instant attack(final boolean listedWhole) {
        final List<String> changed = new ArrayList<>(encrypted);
        changed.addAll(copies);
        final FileActivity fa = activity("d1", h.now).setModified(30).setCreated(2).setDeleted(2)
                .setChangedPaths(changed).setDeletedPaths(deleted).setComplete(listedWhole).setWriteEntropy(7.95)
                .setEntropySampledBytes(1 << 20).setBytesWritten(30_000_000).build();
        h.handle(new Trigger.OfEvent(event("h1", "file.activity", fa, h.now)));
        h.advance(Duration.ofMinutes(2));
        return fa.getIntervalStart();
    }

    private BackupCommand approved(final DecisionRecord proposal) {
        h.handle(new Trigger.OfFeedback(Feedback.newBuilder().setId("f-" + proposal.getId()).setHost("h1")
                .setTime(h.now).setDecisionId(proposal.getId()).setDataset("d1").setVerdict(Verdict.APPROVE)
                .setReason("drill").setOperator("alice").build()));
        final BackupCommand restore = h.lastCommand();
        assertEquals(Action.RESTORE, restore.getAction());
        return restore;
    }

    private DecisionRecord proposal() {
        final List<DecisionRecord> proposed = h.outcomes(Outcome.PROPOSED).stream()
                .filter(d -> d.getAction() == Action.RESTORE).toList();
        assertEquals(1, proposed.size(), h.decisions.toString());
        assertEquals("ransomware-like-mass-modification", proposed.get(0).getRule());
        return proposed.get(0);
    }

    @Test
    void shouldRestoreOnlyTheFilesARansomwareLikeRewriteChangedOverWhatIsThere() {
        backedUp();
        edit("db/app.sqlite"); // a legitimate edit before the attack
        final Instant attackStart = attack(true);
        edit("notes/todo.txt"); // and one after it

        final DecisionRecord proposal = proposal();
        assertTrue(proposal.getReason().contains("restores 34 path(s) of the last snapshot before"),
                proposal.getReason());
        assertTrue(proposal.getReason().contains("docs/report-0.odt"), proposal.getReason());
        assertTrue(proposal.getReason().contains("replacing what is there at those paths"), proposal.getReason());
        final BackupCommand restore = approved(proposal);

        final List<String> expected = new ArrayList<>(encrypted);
        expected.addAll(copies);
        expected.addAll(deleted);
        assertEquals(new java.util.TreeSet<>(expected), new java.util.TreeSet<>(restore.getPaths()));
        assertFalse(restore.getPaths().contains("db/app.sqlite"), restore.getPaths().toString());
        assertFalse(restore.getPaths().contains("notes/todo.txt"), restore.getPaths().toString());
        assertTrue(restore.getOverwrite(), "the encrypted files are there: only overwriting them restores them");
        assertFalse(restore.getMissingOnly(), "missingOnly keeps every encrypted file as it is");
        assertTrue(restore.getBeforeTime().toEpochMilli() <= attackStart.toEpochMilli(), restore.toString());

        // done: the rewrites it undid no longer count over the horizon (else a vault saved later proposes it again)
        h.handle(new Trigger.OfResult(Fixtures.result("d1", "h1", restore.getId(), Action.RESTORE,
                CommandStatus.SUCCEEDED, h.now).build()));
        assertEquals(0, h.state("d1").tallies.stream().mapToLong(DatasetState.Tally::rewritten).sum());
    }

    @Test
    void shouldTakeTheRewritesAsWantedWhenTheRestoreOfTheirPathsIsRejected() {
        backedUp();
        attack(true);
        final DecisionRecord proposal = proposal();

        h.handle(new Trigger.OfFeedback(Feedback.newBuilder().setId("f-" + proposal.getId()).setHost("h1")
                .setTime(h.now).setDecisionId(proposal.getId()).setDataset("d1").setVerdict(Verdict.REJECT)
                .setReason("a re-encryption we ran").setOperator("alice").build()));

        final DecisionRecord rejected = h.outcomes(Outcome.REJECTED).get(0);
        assertTrue(rejected.getReason().contains("rewritten with near-random content so far are taken as wanted"),
                rejected.getReason());
        assertEquals(0, h.state("d1").tallies.stream().mapToLong(DatasetState.Tally::rewritten).sum());
    }

    @Test
    void shouldRestoreTheWholeSnapshotAndSayWhyWhenTheCollectorsListsWereIncomplete() {
        backedUp();
        attack(false);

        final DecisionRecord proposal = proposal();
        assertTrue(proposal.getReason().contains("all of the snapshot, not only the files the run rewrote or deleted: "
                + "the collector did not list every file"), proposal.getReason());
        final BackupCommand restore = approved(proposal);
        assertTrue(restore.getPaths().isEmpty(), restore.getPaths().toString());
        assertTrue(restore.getOverwrite());
    }

    @Test
    void shouldRestoreTheWholeSnapshotForARunThatBeganInStateWrittenBeforeItsPathsWereKept() throws Exception {
        backedUp();
        final DatasetState before = h.state("d1");
        final long start = h.now.minusSeconds(120).toEpochMilli();
        // a run as state written before the paths were kept holds it: hashes only
        final String stored = JsonSerde.MAPPER.writeValueAsString(before).replaceFirst("\"rewriteRun\":null",
                "\"rewriteRun\":{\"start\":" + start + ",\"lastEnd\":" + (start + 60_000) + ",\"files\":12,"
                        + "\"recentPaths\":[1,2,3],\"hostStart\":" + start + "}");
        final DatasetState old = JsonSerde.MAPPER.readValue(stored, DatasetState.class);
        assertTrue(old.rewriteRun.paths().isEmpty());
        h.store.putState(old);

        attack(true);

        final DecisionRecord proposal = proposal();
        assertTrue(proposal.getReason().contains("or the run began before the engine kept them"), proposal.getReason());
        assertTrue(approved(proposal).getPaths().isEmpty(), "the run's first files are in no list: the whole snapshot");
    }
}
