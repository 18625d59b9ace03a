package dev.vigil.decision.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.decision.Fixtures;
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
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A RESTORE names a time, and the worker picks the last snapshot that started before it by the snapshots' own dates:
 * its host's clock, the clock the collector dates file activity and the analyzer dates anomalies by. The engine dates
 * both on its own clock (the host's offset) for its windows; the time it sends must be the host's again, or on a host
 * hours behind the worker restores a snapshot taken hours into the damage, and on one ahead misses hours of work.
 */
class HostClockRestoreTest {
    private static final Duration OFF = Duration.ofHours(2);

    /** Registers d1 at the harness's time, and reports its first FULL done on the host's clock. */
    private static EngineHarness backedUp(final Duration hostBehind) {
        final EngineHarness h = new EngineHarness();
        h.register(Fixtures.dataset("d1", "h1", h.now).build());
        final BackupCommand full = h.lastCommand();
        h.advance(Duration.ofMinutes(5));
        h.handle(new Trigger.OfResult(Fixtures.result("d1", "h1", full.getId(), Action.FULL, CommandStatus.SUCCEEDED,
                h.now.minus(hostBehind)).build()));
        h.advance(Duration.ofHours(3));
        return h;
    }

    /** Near-random rewrites of 300 files in the minute that ends at {@code hostEnd} on the host's clock. */
    private static void rewrite(final EngineHarness h, final Instant hostEnd) {
        final FileActivity fa = Fixtures.activity("d1", hostEnd).setModified(150).setRenamed(150)
                .setWriteEntropy(7.97).setEntropySampledBytes(1 << 20).setBytesWritten(150_000_000).build();
        h.handle(new Trigger.OfEvent(Fixtures.event("h1", "file.activity", fa, hostEnd)));
    }

    private static BackupCommand approveRestore(final EngineHarness h) {
        final List<DecisionRecord> proposed = h.outcomes(Outcome.PROPOSED);
        assertEquals(1, proposed.size(), h.decisions.toString());
        h.advance(Duration.ofMinutes(1));
        h.handle(new Trigger.OfFeedback(Feedback.newBuilder().setId("fb-1").setHost("h1").setTime(h.now)
                .setDecisionId(proposed.get(0).getId()).setDataset("d1").setVerdict(Verdict.APPROVE).setReason("")
                .setOperator("op").build()));
        final BackupCommand restore = h.lastCommand();
        assertEquals(Action.RESTORE, restore.getAction(), h.decisions.toString());
        return restore;
    }

    @Test
    void shouldSendTheRestorePointOnTheClockOfAHostBehindTheEngine() {
        final EngineHarness h = backedUp(OFF);
        final Instant hostNow = h.now.minus(OFF);
        rewrite(h, hostNow);

        final BackupCommand restore = approveRestore(h);

        // the rewrite began at hostNow - 1 min by the host's clock: a snapshot the host started after that holds
        // encrypted files (a scheduled backup); the engine's date of it is two hours later
        assertEquals(hostNow.minusSeconds(60), restore.getBeforeTime());
        final String proposal = h.outcomes(Outcome.PROPOSED).get(0).getReason();
        assertTrue(proposal.contains("the last snapshot before " + h.now.minusSeconds(120) + " ("
                + hostNow.minusSeconds(60) + " on the clock of host h1, which dates its snapshots)"), proposal);
    }

    @Test
    void shouldSendTheRestorePointOfAnAnomalyEpisodeOnTheClockOfAHostAheadOfTheEngine() {
        final EngineHarness h = backedUp(OFF.negated());
        final Instant hostNow = h.now.plus(OFF);
        // the analyzer opened the dataset's file episode two minutes before the burst interval, by the host's clock
        h.handle(new Trigger.OfAnomaly(Fixtures.anomaly("h1", 0.45, hostNow.minusSeconds(60)).setKind("file")
                .setDataset("d1").setSeries("dataset.files.modified").setEpisodeStart(hostNow.minusSeconds(180))
                .build()));
        rewrite(h, hostNow);

        final BackupCommand restore = approveRestore(h);

        assertEquals(hostNow.minusSeconds(180), restore.getBeforeTime());
    }

    @Test
    void shouldSendARestorePointFromBeforeTheDamageAfterACollectorOutageOfMoreThanADay() {
        final EngineHarness h = backedUp(Duration.ZERO);
        // the host's clock is right; its collector could not reach the cluster for 30h, the worker could
        h.handle(new Trigger.OfEvent(Fixtures.event("h1", "file.activity", Fixtures.activity("d1", h.now).build(),
                h.now)));
        final Instant damage = h.now.plusSeconds(60);
        h.advance(Duration.ofHours(30));
        // the backlog arrives: the rewrite 30h ago, by the host's clock, then the intervals up to now
        rewrite(h, damage.plusSeconds(60));
        h.handle(new Trigger.OfEvent(Fixtures.event("h1", "file.activity", Fixtures.activity("d1", h.now).build(),
                h.now)));

        final BackupCommand restore = approveRestore(h);

        // later would pick a snapshot taken during the outage, after the files were encrypted
        assertEquals(damage, restore.getBeforeTime(), "the rewrite began at " + damage + " on the host's clock");
    }
}
