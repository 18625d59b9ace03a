package dev.vigil.decision.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.decision.Fixtures;
import dev.vigil.schemas.DecisionRecord;
import dev.vigil.schemas.HostEvent;
import dev.vigil.schemas.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A collector sends each watched dataset's file activity every interval, changes or not. When one dataset's stops
 * and the host goes on sending the others' (its watcher of that path stopped: unmounted, removed, permissions), no
 * rule sees that dataset's files any more, and host-silence does not fire: the host is not silent.
 */
class ActivitySilenceTest {
    private final EngineHarness h = new EngineHarness(); // host.silence 15m

    private void minute(final String... datasets) {
        for (final String d : datasets) {
            h.handle(new Trigger.OfEvent(Fixtures.event("h1", "file.activity", Fixtures.activity(d, h.now).build(),
                    h.now)));
        }
        h.tick();
        h.advance(Duration.ofMinutes(1));
    }

    private List<DecisionRecord> said(final String rule) {
        return h.decisions.stream().filter(d -> rule.equals(d.getRule())).toList();
    }

    @Test
    void shouldEscalateOnceADatasetWhoseFileActivityStopsWhileItsHostGoesOnSendingTelemetry() {
        h.register(Fixtures.dataset("docs", "h1", h.now).build());
        h.register(Fixtures.dataset("mail", "h1", h.now).build());
        for (int i = 0; i < 10; i++) {
            minute("docs", "mail");
        }
        for (int i = 0; i < 40; i++) {
            minute("docs"); // mail's watcher stopped
        }

        final List<DecisionRecord> escalated = said("activity-silence");
        assertEquals(1, escalated.size(), h.decisions.toString());
        assertEquals(Outcome.ESCALATED, escalated.get(0).getOutcome());
        assertEquals("mail", escalated.get(0).getDataset());
        assertTrue(escalated.get(0).getReason().contains("no file activity of dataset mail (/srv/mail) for 15m"),
                escalated.get(0).getReason());
        assertTrue(said("host-silence").isEmpty(), said("host-silence").toString());

        minute("docs", "mail");

        assertEquals(2, said("activity-silence").size());
        assertEquals(Outcome.NO_ACTION, said("activity-silence").get(1).getOutcome());
    }

    @Test
    void shouldWaitForTheFirstWalkOfAHostThatComesBackAfterItsSilence() {
        h.register(Fixtures.dataset("docs", "h1", h.now).build());
        for (int i = 0; i < 10; i++) {
            minute("docs");
        }
        for (int i = 0; i < 60; i++) {
            minute(); // the host is down
        }
        for (int i = 0; i < 3; i++) {
            h.handle(new Trigger.OfEvent(Fixtures.event("h1", "agent.heartbeat", null, h.now)));
            minute(); // its telemetry comes back before the dataset's file activity
        }
        minute("docs");

        assertEquals(List.of(Outcome.ESCALATED, Outcome.NO_ACTION), said("host-silence").stream()
                .map(DecisionRecord::getOutcome).toList(), h.decisions.toString());
        assertTrue(said("activity-silence").isEmpty(), said("activity-silence").toString());
    }

    @Test
    void shouldWaitForTheFirstWalkOfACollectorThatStarts() {
        h.register(Fixtures.dataset("docs", "h1", h.now).build());
        for (int i = 0; i < 10; i++) {
            minute("docs");
        }
        for (int i = 0; i < 5; i++) {
            minute(); // the host reboots
        }
        h.handle(new Trigger.OfEvent(Fixtures.event("h1", "agent.start", null, h.now)));
        for (int i = 0; i < 12; i++) {
            h.handle(new Trigger.OfEvent(Fixtures.event("h1", "agent.heartbeat", null, h.now)));
            minute(); // its collector walks a large dataset, and sends other telemetry
        }
        minute("docs");

        assertTrue(said("activity-silence").isEmpty(), said("activity-silence").toString());
    }

    /**
     * A collector start, then {@code walk} minutes of other telemetry before the first interval of run {@code epoch};
     * a restart sends the last interval of the run before first, kept in its spool while it stopped.
     */
    private void startAndWalk(final String epoch, final int walk, final boolean restart) {
        h.handle(new Trigger.OfEvent(Fixtures.event("h1", "agent.start", null, h.now)));
        if (restart) {
            h.handle(new Trigger.OfEvent(Fixtures.event("h1", "file.activity", Fixtures.activity("docs", h.now)
                    .setJournalSequence(999).setWatcherEpoch("before-" + epoch).build(), h.now)));
        }
        for (int i = 0; i < walk; i++) {
            h.handle(new Trigger.OfEvent(Fixtures.event("h1", "agent.heartbeat", null, h.now)));
            minute();
        }
        h.handle(new Trigger.OfEvent(Fixtures.event("h1", "file.activity", Fixtures.activity("docs", h.now)
                .setJournalSequence(1).setWatcherEpoch(epoch).build(), h.now)));
        h.tick();
        h.advance(Duration.ofMinutes(1));
    }

    @Test
    void shouldWaitAfterARestartForAFirstWalkAsLongAsTheLastOne() {
        h.register(Fixtures.dataset("docs", "h1", h.now).build());
        startAndWalk("run-1", 40, false); // a tree of millions of files: 40 minutes to walk, more than host.silence
        for (int i = 0; i < 10; i++) {
            minute("docs");
        }

        startAndWalk("run-2", 45, true); // restarted: the same walk again, a bit longer

        assertTrue(said("activity-silence").isEmpty(), said("activity-silence").toString());
    }

    @Test
    void shouldLearnTheFirstWalkOfADatasetRegisteredWhileItsCollectorRuns() {
        h.register(Fixtures.dataset("docs", "h1", h.now).build());
        for (int i = 0; i < 40; i++) {
            h.handle(new Trigger.OfEvent(Fixtures.event("h1", "agent.heartbeat", null, h.now)));
            minute(); // the running collector picks the new dataset up and walks it
        }
        h.handle(new Trigger.OfEvent(Fixtures.event("h1", "file.activity", Fixtures.activity("docs", h.now)
                .setJournalSequence(1).setWatcherEpoch("run-1").build(), h.now)));
        for (int i = 0; i < 10; i++) {
            minute("docs");
        }

        startAndWalk("run-2", 45, true);

        assertTrue(said("activity-silence").isEmpty(), said("activity-silence").toString());
    }

    @Test
    void shouldMeasureOnTheHostsClockAFirstWalkItsSpoolSentLate() {
        h.register(Fixtures.dataset("docs", "h1", h.now).build());
        startAndWalk("run-1", 40, false);
        for (int i = 0; i < 10; i++) {
            minute("docs");
        }
        // the site lost power; the host came back before the cluster, and its collector started and walked docs for
        // 40 minutes while its spool kept everything
        final Instant down = h.now;
        for (int i = 0; i < 60; i++) {
            minute();
        }
        h.handle(new Trigger.OfEvent(Fixtures.event("h1", "agent.start", null, down.plusSeconds(5 * 60))));
        for (int i = 46; i <= 60; i++) {
            final Instant end = down.plusSeconds(i * 60L);
            h.handle(new Trigger.OfEvent(Fixtures.event("h1", "file.activity", Fixtures.activity("docs", end)
                    .setJournalSequence(i - 45).setWatcherEpoch("run-2").build(), end)));
        }
        for (int i = 0; i < 10; i++) {
            minute("docs");
        }

        startAndWalk("run-3", 45, true); // the next restart walks as long as the run before

        assertTrue(said("activity-silence").isEmpty(), said("activity-silence").toString());
    }

    @Test
    void shouldMeasureAFirstWalkAcrossAClockStepOfItsHost() {
        h.register(Fixtures.dataset("docs", "h1", h.now).build());
        // a host without a battery-backed clock boots three hours behind; NTP sets it during the walk
        final Duration behind = Duration.ofHours(3);
        h.handle(new Trigger.OfEvent(Fixtures.event("h1", "agent.start", null, h.now.minus(behind))));
        for (int i = 0; i < 20; i++) {
            h.handle(new Trigger.OfEvent(Fixtures.event("h1", "agent.heartbeat", null, h.now.minus(behind))));
            minute();
        }
        h.handle(new Trigger.OfEvent(HostEvent.newBuilder(Fixtures.event("h1", "clock.jump", null, h.now))
                .setAttributes(Map.of("jump.ms", Long.toString(behind.toMillis()))).build()));
        h.handle(new Trigger.OfEvent(Fixtures.event("h1", "file.activity", Fixtures.activity("docs", h.now)
                .setJournalSequence(1).setWatcherEpoch("run-1").build(), h.now))); // 20 minutes after the start
        minute();
        h.decisions.clear();
        for (int i = 0; i < 10; i++) {
            minute("docs");
        }

        h.handle(new Trigger.OfEvent(Fixtures.event("h1", "agent.start", null, h.now)));
        for (int i = 0; i < 60; i++) {
            h.handle(new Trigger.OfEvent(Fixtures.event("h1", "agent.heartbeat", null, h.now)));
            minute(); // a walk stuck on a filesystem that does not answer
        }

        final List<DecisionRecord> escalated = said("activity-silence");
        assertEquals(1, escalated.size(), h.decisions.toString());
        assertTrue(escalated.get(0).getReason().contains("twice as long as its first walk took the last time (20m)"),
                escalated.get(0).getReason());
    }

    @Test
    void shouldNotLearnAFirstWalkFromTheRunBeforesFirstIntervalDeliveredAgainAfterARestart() {
        h.register(Fixtures.dataset("docs", "h1", h.now).build());
        startAndWalk("run-1", 40, false);
        for (int i = 0; i < 10; i++) {
            minute("docs");
        }
        h.handle(new Trigger.OfEvent(Fixtures.event("h1", "agent.start", null, h.now)));
        for (int i = 0; i < 40; i++) {
            h.handle(new Trigger.OfEvent(Fixtures.event("h1", "agent.heartbeat", null, h.now)));
            minute();
        }
        final HostEvent first = Fixtures.event("h1", "file.activity", Fixtures.activity("docs", h.now)
                .setJournalSequence(1).setWatcherEpoch("run-2").build(), h.now);
        h.handle(new Trigger.OfEvent(first));
        minute();

        // restarted before the broker acknowledged that interval: the spool sends it again after the start
        h.handle(new Trigger.OfEvent(Fixtures.event("h1", "agent.start", null, h.now)));
        h.handle(new Trigger.OfEvent(first));
        for (int i = 0; i < 45; i++) {
            h.handle(new Trigger.OfEvent(Fixtures.event("h1", "agent.heartbeat", null, h.now)));
            minute(); // the same walk again
        }
        h.handle(new Trigger.OfEvent(Fixtures.event("h1", "file.activity", Fixtures.activity("docs", h.now)
                .setJournalSequence(1).setWatcherEpoch("run-3").build(), h.now)));
        h.tick();

        assertTrue(said("activity-silence").isEmpty(), said("activity-silence").toString());
    }

    /** A collector start, then {@code minutes} of a first walk of docs that its collector says moves, every minute. */
    private void walkSaidToMove(final int minutes) {
        for (int i = 0; i < minutes; i++) {
            h.handle(new Trigger.OfEvent(HostEvent.newBuilder(Fixtures.event("h1", "file.walk", null, h.now))
                    .setDataset("docs").setAttributes(Map.of("walk", "first")).build()));
            minute();
        }
    }

    @Test
    void shouldWaitForAFirstWalkItNeverSawWhileItsCollectorSaysItMoves() {
        h.register(Fixtures.dataset("docs", "h1", h.now).build());
        for (int i = 0; i < 10; i++) {
            minute("docs"); // the collector ran before the engine heard of docs: its first walk was never seen
        }
        h.handle(new Trigger.OfEvent(Fixtures.event("h1", "agent.start", null, h.now)));
        walkSaidToMove(40); // a tree of millions of files
        h.handle(new Trigger.OfEvent(Fixtures.event("h1", "file.activity", Fixtures.activity("docs", h.now)
                .setJournalSequence(1).setWatcherEpoch("run-2").build(), h.now)));
        h.tick();
        assertTrue(said("activity-silence").isEmpty(), said("activity-silence").toString());
    }

    @Test
    void shouldEscalateAWalkThatStopsMovingForHostSilence() {
        h.register(Fixtures.dataset("docs", "h1", h.now).build());
        for (int i = 0; i < 10; i++) {
            minute("docs");
        }
        h.handle(new Trigger.OfEvent(Fixtures.event("h1", "agent.start", null, h.now)));
        walkSaidToMove(10);
        for (int i = 0; i < 20; i++) {
            h.handle(new Trigger.OfEvent(Fixtures.event("h1", "agent.heartbeat", null, h.now)));
            minute(); // its filesystem stopped answering: the walk says nothing more
        }

        final List<DecisionRecord> escalated = said("activity-silence");
        assertEquals(1, escalated.size(), h.decisions.toString());
        assertTrue(escalated.get(0).getReason().contains("no file activity of dataset docs (/srv/docs) for 25m")
                && escalated.get(0).getReason().contains("its walk last said to move at"),
                escalated.get(0).getReason());
    }

    @Test
    void shouldEscalateAFirstWalkAfterARestartThatTakesTwiceAsLongAsTheLastOne() {
        h.register(Fixtures.dataset("docs", "h1", h.now).build());
        startAndWalk("run-1", 20, false);
        for (int i = 0; i < 10; i++) {
            minute("docs");
        }

        startAndWalk("run-2", 50, true); // a walk stuck on a filesystem that does not answer

        final List<DecisionRecord> escalated = said("activity-silence");
        assertEquals(Outcome.ESCALATED, escalated.get(0).getOutcome(), h.decisions.toString());
        assertTrue(escalated.get(0).getReason().contains("40m since its collector started, twice as long as its "
                + "first walk took the last time (20m)"), escalated.get(0).getReason());
    }

    @Test
    void shouldNotWaitForAWalkWhenTheHostComesBackWithoutARestart() {
        h.register(Fixtures.dataset("docs", "h1", h.now).build());
        h.register(Fixtures.dataset("mail", "h1", h.now).build());
        startAndWalk("run-1", 40, false);
        for (int i = 0; i < 10; i++) {
            minute("docs", "mail");
        }
        for (int i = 0; i < 30; i++) {
            minute(); // the network is away; the collector runs on and keeps its intervals
        }
        minute("docs", "mail"); // back: the same runs go on
        for (int i = 0; i < 20; i++) {
            minute("mail"); // docs' watcher stopped
        }

        final List<DecisionRecord> escalated = said("activity-silence");
        assertEquals(1, escalated.size(), h.decisions.toString());
        assertEquals("docs", escalated.get(0).getDataset());
    }

    @Test
    void shouldLeaveASilentHostToHostSilence() {
        h.register(Fixtures.dataset("docs", "h1", h.now).build());
        for (int i = 0; i < 10; i++) {
            minute("docs");
        }
        for (int i = 0; i < 40; i++) {
            minute();
        }

        assertEquals(1, said("host-silence").size(), h.decisions.toString());
        assertTrue(said("activity-silence").isEmpty(), said("activity-silence").toString());
    }
}
