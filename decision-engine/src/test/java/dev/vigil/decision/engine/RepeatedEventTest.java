package dev.vigil.decision.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.decision.Fixtures;
import dev.vigil.schemas.Action;
import dev.vigil.schemas.CommandStatus;
import dev.vigil.schemas.FileActivity;
import dev.vigil.schemas.Figures;
import dev.vigil.schemas.HostEvent;
import dev.vigil.schemas.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The collector may deliver a record twice, always with the same id (its spool re-sends what Kafka had not acknowledged
 * when the agent was killed: collector/README.md): the engine, which reads its events as they come, counts it once.
 */
class RepeatedEventTest {
    private static EngineHarness backedUp(final long files) {
        final EngineHarness h = new EngineHarness();
        h.register(Fixtures.dataset("d1", "h1", h.now).build());
        h.advance(Duration.ofMinutes(5));
        h.handle(new Trigger.OfResult(Fixtures.result("d1", "h1", h.lastCommand().getId(), Action.FULL,
                CommandStatus.SUCCEEDED, h.now).setFigures(Figures.newBuilder().setFilesNew(files)
                .setBytesTotal(10_000_000).setBytesAdded(1).setDurationMs(1).build()).build()));
        h.advance(Duration.ofHours(1));
        return h;
    }

    @Test
    void shouldCountAFileActivityDeliveredTwiceOnce() {
        final EngineHarness h = backedUp(200);
        final List<String> paths = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            paths.add("dumps/d" + i + ".sql");
        }
        // 12 of 200 files deleted: under slow-deletion's tenth (20) of the dataset
        final FileActivity fa = Fixtures.activity("d1", h.now).setDeleted(12).setDeletedPaths(paths).build();
        final HostEvent deletions = Fixtures.event("h1", "file.activity", fa, h.now);
        h.handle(new Trigger.OfEvent(deletions));
        h.advance(Duration.ofSeconds(30));

        h.handle(new Trigger.OfEvent(deletions)); // the agent killed before Kafka acknowledged it, sent again

        assertEquals(12, h.state("d1").changedFilesSinceFull);
        assertTrue(h.outcomes(Outcome.PROPOSED).isEmpty(), h.outcomes(Outcome.PROPOSED).toString());
    }

    @Test
    void shouldCountAnIntervalDeliveredAgainAfterManyOthersOnce() {
        final EngineHarness h = backedUp(4000);
        final List<HostEvent> batch = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            // a spool batch after an outage: 100 intervals of one watcher run, in order, each deleting 2 files
            batch.add(Fixtures.event("h1", "file.activity", Fixtures.activity("d1", h.now.minusSeconds(10L * (100 - i)))
                    .setWatcherEpoch("run-7").setJournalSequence(i + 1).setDeleted(2)
                    .setDeletedPaths(List.of("a" + i, "b" + i)).build(), h.now));
        }
        batch.forEach(e -> h.handle(new Trigger.OfEvent(e)));
        final long counted = h.state("d1").changedFilesSinceFull;

        // part of it was written when the agent was killed: the spool sends the whole batch again, same ids; counted
        // twice, its 400 deletions would be a tenth of the files within the hour (slow-deletion)
        h.advance(Duration.ofMinutes(1));
        batch.forEach(e -> h.handle(new Trigger.OfEvent(e)));

        assertEquals(200, counted);
        assertEquals(counted, h.state("d1").changedFilesSinceFull);
        assertTrue(h.outcomes(Outcome.PROPOSED).isEmpty(), h.outcomes(Outcome.PROPOSED).toString());
    }

    @Test
    void shouldCountACollectorStartDeliveredTwiceOnce() {
        final EngineHarness h = backedUp(200);
        final HostEvent first = Fixtures.event("h1", HostWatch.AGENT_START, null, h.now);
        h.handle(new Trigger.OfEvent(first));
        h.advance(Duration.ofMinutes(20)); // rebooted once more for maintenance; its first start is sent again
        h.handle(new Trigger.OfEvent(Fixtures.event("h1", HostWatch.AGENT_START, null, h.now)));
        h.handle(new Trigger.OfEvent(first));

        assertTrue(h.outcomes(Outcome.ESCALATED).isEmpty(), h.outcomes(Outcome.ESCALATED).toString());

        h.advance(Duration.ofMinutes(5)); // a third start within the hour is a loop (host.restarts 3)
        h.handle(new Trigger.OfEvent(Fixtures.event("h1", HostWatch.AGENT_START, null, h.now)));
        assertEquals(1, h.outcomes(Outcome.ESCALATED).size(), h.decisions.toString());
    }
}
