package dev.vigil.decision.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.decision.Fixtures;
import dev.vigil.decision.state.DatasetState;
import dev.vigil.decision.state.Intent;
import dev.vigil.schemas.Action;
import dev.vigil.schemas.DatasetSpec;
import dev.vigil.schemas.DecisionSource;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class GuardTest {
    private static final Instant NOW = Instant.parse("2026-01-07T10:00:00Z"); // a Wednesday
    private final Guard guard = new Guard(GuardSettings.defaults());
    private final DatasetSpec spec = Fixtures.dataset("d1", "h1", NOW).build();
    private final DatasetState state = DatasetState.fresh("d1", "h1");
    private final long now = NOW.toEpochMilli();

    private static Intent backup(final int priority, final DecisionSource source) {
        return Intent.of(Action.INCREMENTAL, priority, source, "r", "because");
    }

    private Guard.Verdict check(final Intent intent, final int hostInFlight) {
        return guard.check(intent, spec, state, hostInFlight, false, now);
    }

    @Test
    void shouldProposeDestructiveActionsUnlessTheDatasetAllowsThem() {
        final Intent restore = Intent.of(Action.RESTORE, 90, DecisionSource.RULE, "r", "x")
                .targeting(null, null, List.of(), null, null);
        assertEquals(Guard.Kind.PROPOSE, check(restore, 0).kind());
        assertEquals(Guard.Kind.COMMAND, check(restore.targeting(null, null, List.of(), "/tmp/elsewhere", null), 0)
                .kind(), "a restore elsewhere destroys nothing");
        for (final String onto : List.of("/srv/d1", "/srv/d1/", "/srv/d1/sub", "/srv", "/srv/./d1")) {
            assertEquals(Guard.Kind.PROPOSE, check(restore.targeting(null, null, List.of(), onto, null), 0).kind(),
                    "a target that is the dataset's path, inside or above it, is the original location: " + onto);
        }
        assertEquals(Guard.Kind.COMMAND, check(restore.targeting(null, null, List.of(), "/srv/d10", null), 0)
                .kind(), "a sibling whose name starts alike is elsewhere");
        final DatasetSpec auto = DatasetSpec.newBuilder(spec).setAutoRestore(true).build();
        assertEquals(Guard.Kind.COMMAND, guard.check(restore, auto, state, 0, false, now).kind());
        final Intent migrate = Intent.of(Action.MIGRATE, 90, DecisionSource.RULE, "r", "x")
                .targeting(null, null, List.of(), null, "/offsite");
        assertEquals(Guard.Kind.PROPOSE, check(migrate, 0).kind());
        assertEquals(Guard.Kind.DROP, check(Intent.of(Action.MIGRATE, 90, DecisionSource.RULE, "r", "x"), 0).kind());
        assertEquals(Guard.Kind.COMMAND, guard.check(restore, spec, state, 5, true, now).kind(),
                "approved: no cap, no cooldown");
    }

    @Test
    void shouldNotDuplicateACommandInFlight() {
        state.inFlight.put("c1", new DatasetState.InFlight("c1", "d", Intent.of(Action.FULL, 60,
                DecisionSource.POLICY, "rpo", "x"), now - 1000, now + 3_600_000, true, now - 500));

        final Guard.Verdict verdict = check(backup(100, DecisionSource.RULE), 1);

        assertEquals(Guard.Kind.DROP, verdict.kind());
        assertTrue(verdict.why().startsWith("duplicate: FULL c1 in flight"), verdict.why());
        assertEquals(Guard.Kind.HOLD, check(backup(100, DecisionSource.RULE).protecting(true), 1).kind(),
                "a protected snapshot waits for an unprotected one in flight");
        assertEquals(Guard.Kind.COMMAND, check(Intent.of(Action.VERIFY, 30, DecisionSource.POLICY, "v", "x"), 1)
                .kind(), "another lane is not a duplicate");
    }

    @Test
    void shouldHoldRoutineCommandsDuringTheCooldownButNotUrgentOnes() {
        state.lastCommandAt.put(Intent.BACKUP_LANE, now - Duration.ofMinutes(3).toMillis());

        final Guard.Verdict verdict = check(backup(60, DecisionSource.POLICY), 0);

        assertEquals(Guard.Kind.HOLD, verdict.kind());
        assertEquals("cooldown", verdict.category());
        assertTrue(verdict.why().contains("3m ago (cooldown 10m)"), verdict.why());
        assertEquals(Guard.Kind.COMMAND, check(backup(95, DecisionSource.RULE), 0).kind());
        state.lastCommandAt.put(Intent.BACKUP_LANE, now - Duration.ofMinutes(11).toMillis());
        assertEquals(Guard.Kind.COMMAND, check(backup(60, DecisionSource.POLICY), 0).kind());
    }

    @Test
    void shouldNeverHoldABackupForLongerThanHalfTheDatasetsRpo() {
        final DatasetSpec tight = DatasetSpec.newBuilder(spec).setRpoSeconds(240).build(); // 4m, cooldown 10m
        state.lastCommandAt.put(Intent.BACKUP_LANE, now - Duration.ofMinutes(1).toMillis());
        state.lastCommandAt.put("VERIFY", now - Duration.ofMinutes(3).toMillis());

        final Guard.Verdict held = guard.check(backup(60, DecisionSource.POLICY), tight, state, 0, false, now);
        assertEquals(Guard.Kind.HOLD, held.kind());
        assertTrue(held.why().contains("(cooldown 2m)"), held.why());
        state.lastCommandAt.put(Intent.BACKUP_LANE, now - Duration.ofMinutes(3).toMillis());
        assertEquals(Guard.Kind.COMMAND, guard.check(backup(60, DecisionSource.POLICY), tight, state, 0, false, now)
                .kind(), "3m after the last backup of a 4m RPO: the 10m cooldown would miss the RPO");
        assertEquals(Guard.Kind.HOLD, guard.check(Intent.of(Action.VERIFY, 30, DecisionSource.POLICY, "v", "x"), tight,
                state, 0, false, now).kind(), "other lanes keep the whole cooldown");
    }

    @Test
    void shouldCapCommandsInFlightPerHostForEveryone() {
        final Guard.Verdict verdict = check(backup(100, DecisionSource.RULE), 2);

        assertEquals(Guard.Kind.HOLD, verdict.kind());
        assertTrue(verdict.why().contains("host h1 at its cap of 2"), verdict.why());
        assertEquals(Guard.Kind.COMMAND, check(backup(100, DecisionSource.RULE), 1).kind());
    }

    @Test
    void shouldBackOffAfterFailuresExceptForTheRetryItself() {
        state.failures.put(Intent.BACKUP_LANE, new DatasetState.Failure(2, backup(60, DecisionSource.POLICY), now,
                now + 120_000, false, "x"));

        assertEquals("backoff", check(backup(60, DecisionSource.POLICY), 0).category());
        assertEquals(Guard.Kind.COMMAND, check(backup(60, DecisionSource.POLICY).asRetry(75, "retry"), 0).kind());
        final GuardSettings s = GuardSettings.defaults();
        assertEquals(List.of(Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(4),
                Duration.ofMinutes(32), Duration.ofHours(1)), List.of(s.backoff(1), s.backoff(2), s.backoff(3),
                s.backoff(6), s.backoff(20)));
    }

    @Test
    void shouldHoldRoutineCommandsInsideAMaintenanceWindow() {
        final DatasetSpec windowed = DatasetSpec.newBuilder(spec).setSchedule("Mon-Fri 09:30-10:30").build();

        final Guard.Verdict verdict = guard.check(backup(60, DecisionSource.POLICY), windowed, state, 0, false, now);

        assertEquals("maintenance", verdict.category());
        assertTrue(verdict.why().contains("until 2026-01-07T10:30:00Z"), verdict.why());
        assertEquals(Guard.Kind.COMMAND, guard.check(backup(95, DecisionSource.RULE), windowed, state, 0, false, now)
                .kind());
    }

    @Test
    void shouldParseWindowsAcrossMidnightAndDayRanges() {
        final MaintenanceWindow night = MaintenanceWindow.parse("Sat 22:00-02:00");
        final ZoneId utc = ZoneId.of("UTC");
        assertTrue(night.endIfInside(ZonedDateTime.of(2026, 1, 10, 23, 0, 0, 0, utc)).isPresent()); // Saturday
        assertTrue(night.endIfInside(ZonedDateTime.of(2026, 1, 11, 1, 0, 0, 0, utc)).isPresent()); // Sunday 01:00
        assertTrue(night.endIfInside(ZonedDateTime.of(2026, 1, 11, 23, 0, 0, 0, utc)).isEmpty()); // Sunday 23:00
        assertEquals(7, MaintenanceWindow.parse("daily 01:00-02:00").days().size());
        assertEquals(3, MaintenanceWindow.parse("Fri-Sun 01:00-02:00").days().size());
        assertEquals(2, MaintenanceWindow.parseAll("Sat 02:00-04:00; Sun 02:00-04:00").size());
        assertThrows(IllegalArgumentException.class, () -> MaintenanceWindow.parse("Someday 02:00-04:00"));
        assertThrows(IllegalArgumentException.class, () -> MaintenanceWindow.parse("Sat 2am"));
    }
}
