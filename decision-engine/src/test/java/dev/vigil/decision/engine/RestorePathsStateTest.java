package dev.vigil.decision.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.decision.Fixtures;
import dev.vigil.decision.state.DatasetState;
import dev.vigil.decision.state.JsonSerde;
import dev.vigil.schemas.Action;
import dev.vigil.schemas.CommandStatus;
import dev.vigil.schemas.DecisionRecord;
import dev.vigil.schemas.Feedback;
import dev.vigil.schemas.FileActivity;
import dev.vigil.schemas.Figures;
import dev.vigil.schemas.Outcome;
import dev.vigil.schemas.Verdict;
import dev.vigil.schemas.topic.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A dataset's state is one changelog record of at most {@link Topics#LARGE_RECORD_BYTES} (a larger one stops the stream
 * thread, and its replacement, each time it is written: MassDeletionIT), whatever RESTOREs of deleted trees it holds.
 */
class RestorePathsStateTest {
    private static final JsonSerde<DatasetState> STATE = new JsonSerde<>(DatasetState.class);

    private static EngineHarness backedUp() {
        final EngineHarness h = new EngineHarness();
        h.register(Fixtures.dataset("d1", "h1", h.now).build());
        h.advance(Duration.ofMinutes(5));
        h.handle(new Trigger.OfResult(Fixtures.result("d1", "h1", h.lastCommand().getId(), Action.FULL,
                CommandStatus.SUCCEEDED, h.now).setFigures(Figures.newBuilder().setFilesNew(500_000)
                .setBytesTotal(10_000_000_000L).setBytesAdded(1).setDurationMs(1).build()).build()));
        h.advance(Duration.ofHours(1));
        return h;
    }

    /** A tree removed in one interval: as many paths as the collector's event takes (4 MiB). */
    private static void treeDeleted(final EngineHarness h, final String tree) {
        final List<String> paths = new ArrayList<>();
        for (long bytes = 0; bytes < (4 << 20) - 4096; ) {
            final String path = tree + "/2025/q" + paths.size() % 4 + "/report-" + String.format("%07d", paths.size())
                    + ".pdf";
            paths.add(path);
            bytes += path.length() + 3;
        }
        final FileActivity fa = Fixtures.activity("d1", h.now).setDeleted(paths.size()).setDeletedPaths(paths).build();
        h.handle(new Trigger.OfEvent(Fixtures.event("h1", "file.activity", fa, h.now)));
    }

    private static void approve(final EngineHarness h, final DecisionRecord proposal) {
        h.handle(new Trigger.OfFeedback(Feedback.newBuilder().setId("fb-" + proposal.getId()).setHost("h1")
                .setTime(h.now).setDecisionId(proposal.getId()).setDataset("d1").setVerdict(Verdict.APPROVE)
                .setReason("").setOperator("op").build()));
    }

    private static int stateBytes(final EngineHarness h) {
        return STATE.serialize("dataset-state-changelog", h.state("d1")).length;
    }

    @Test
    void shouldKeepTheStateOfARestoreOfATreeWrittenOffAndProposedAgainWithinItsRecord() {
        final EngineHarness h = backedUp();
        treeDeleted(h, "projects");
        approve(h, h.outcomes(Outcome.PROPOSED).get(0));
        int most = 0;
        for (int i = 0; i < 40; i++) { // the worker never answers: the RESTORE is written off, its retry proposed
            h.advance(Duration.ofMinutes(15));
            h.tick();
            most = Math.max(most, stateBytes(h));
        }

        assertTrue(h.outcomes(Outcome.PROPOSED).stream().anyMatch(d -> d.getReason().startsWith("retry 1 of RESTORE")),
                h.outcomes(Outcome.PROPOSED).toString());
        assertTrue(most < Topics.LARGE_RECORD_BYTES, most + " bytes");
    }

    @Test
    void shouldCutTheRestoreOfASecondTreeToTheRoomTheStateHasAndSaySo() {
        final EngineHarness h = backedUp();
        treeDeleted(h, "projects");
        final DecisionRecord first = h.outcomes(Outcome.PROPOSED).get(0);
        approve(h, first); // the RESTORE runs, its paths in flight
        h.advance(Duration.ofMinutes(1));

        treeDeleted(h, "media");

        assertTrue(stateBytes(h) < Topics.LARGE_RECORD_BYTES, stateBytes(h) + " bytes");
        assertEquals(1, h.outcomes(Outcome.PROPOSED).size(), h.decisions.toString());
        final DecisionRecord held = h.decisions.get(h.decisions.size() - 1);
        assertEquals(Outcome.SUPPRESSED, held.getOutcome(), held.toString());
        assertTrue(held.getReason().contains("take all the room its state has for paths"), held.getReason());
        assertTrue(first.getReason().contains("more deleted path(s) are past the room"), first.getReason());
    }
}
