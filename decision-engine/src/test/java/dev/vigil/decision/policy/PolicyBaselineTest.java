package dev.vigil.decision.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.decision.Fixtures;
import dev.vigil.decision.state.DatasetState;
import dev.vigil.decision.state.Intent;
import dev.vigil.schemas.Action;
import dev.vigil.schemas.DatasetSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyBaselineTest {
    private static final Instant NOW = Instant.parse("2026-01-07T10:00:00Z");
    private final Policy policy = Policy.defaults();
    private final DatasetSpec spec = Fixtures.dataset("d1", "h1", NOW).setRpoSeconds(3600).build();
    private final long now = NOW.toEpochMilli();

    private DatasetState backedUp(final Duration fullAgo, final Duration lastAgo) {
        final DatasetState s = DatasetState.fresh("d1", "h1");
        s.success.put("FULL", new DatasetState.Success(now - fullAgo.toMillis(), "s1", 1_000_000, 10, "c"));
        s.lastBackupAt = now - lastAgo.toMillis();
        s.firstBackupAt = now - fullAgo.toMillis();
        s.lastFullBytes = 1_000_000;
        for (final Action a : List.of(Action.VERIFY, Action.FORGET)) {
            s.success.put(a.name(), new DatasetState.Success(now - 1000, null, 0, 0, "c"));
        }
        return s;
    }

    private static List<Action> actions(final List<Intent> intents) {
        return intents.stream().map(Intent::action).toList();
    }

    @Test
    void shouldAskForAFirstFullOnly() {
        final List<Intent> intents = PolicyBaseline.evaluate(spec, DatasetState.fresh("d1", "h1"), now, policy);

        assertEquals(List.of(Action.FULL), actions(intents));
        assertEquals(PolicyBaseline.FIRST_BACKUP, intents.get(0).priority());
    }

    @Test
    void shouldBackUpBeforeTheRpoRunsOutAndRaiseThePriorityOnceItHas() {
        assertTrue(PolicyBaseline.evaluate(spec, backedUp(Duration.ofHours(1), Duration.ofMinutes(50)), now, policy)
                .isEmpty(), "50 of 60 minutes: not yet (lead 90%)");
        final Intent due = PolicyBaseline.evaluate(spec, backedUp(Duration.ofHours(2), Duration.ofMinutes(55)), now,
                policy).get(0);
        assertEquals(PolicyBaseline.SCHEDULED, due.priority());
        final Intent late = PolicyBaseline.evaluate(spec, backedUp(Duration.ofHours(3), Duration.ofHours(2)), now,
                policy).get(0);
        assertEquals(PolicyBaseline.RPO_EXCEEDED, late.priority());
        assertTrue(late.reason().startsWith("RPO exceeded: last backup 2h ago, RPO 1h"), late.reason());
    }

    @Test
    void shouldChooseTheLevelByTheDataChangedSinceTheFull() {
        final DatasetState s = backedUp(Duration.ofDays(1), Duration.ofHours(2));
        s.changedBytesSinceFull = 50_000;
        assertEquals(Action.DIFFERENTIAL, PolicyBaseline.level(spec, s, now, policy).action());
        s.changedBytesSinceFull = 300_000;
        assertEquals(Action.INCREMENTAL, PolicyBaseline.level(spec, s, now, policy).action());
        s.changedBytesSinceFull = 600_000;
        assertEquals(Action.FULL, PolicyBaseline.level(spec, s, now, policy).action());
        s.changedBytesSinceFull = 300_000;
        s.chainLength = 30;
        assertEquals(Action.FULL, PolicyBaseline.level(spec, s, now, policy).action());
    }

    @Test
    void shouldTakeAFullEveryNDaysAndVerifyAndApplyRetentionOnSchedule() {
        final DatasetState s = backedUp(Duration.ofDays(8), Duration.ofMinutes(10));
        s.success.remove("VERIFY");
        s.success.put("FORGET", new DatasetState.Success(now - Duration.ofDays(2).toMillis(), null, 0, 0, "c"));
        s.success.put("PRUNE", new DatasetState.Success(now - Duration.ofDays(8).toMillis(), null, 0, 0, "c"));

        final List<Intent> intents = PolicyBaseline.evaluate(spec, s, now, policy);

        assertEquals(List.of(Action.FULL, Action.VERIFY, Action.FORGET, Action.PRUNE), actions(intents));
        assertEquals("full-every", intents.get(0).rule());
    }
}
