package dev.vigil.decision.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.decision.Fixtures;
import dev.vigil.decision.guard.Guard;
import dev.vigil.decision.guard.GuardSettings;
import dev.vigil.decision.state.DatasetState;
import dev.vigil.decision.state.Intent;
import dev.vigil.decision.state.MemoryState;
import dev.vigil.schemas.Action;
import dev.vigil.schemas.DatasetSpec;
import dev.vigil.schemas.DecisionSource;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DecisionsTest {
    private static final Instant NOW = Instant.parse("2026-01-05T10:00:00Z");

    @Test
    void shouldAuditEachKindOfSuppressionOncePerIntervalAlsoWhenTwoAlternate() {
        final Decisions decisions = new Decisions(new Guard(GuardSettings.defaults()));
        final DatasetSpec spec = Fixtures.dataset("d1", "h1", NOW).build();
        final DatasetState state = DatasetState.fresh("d1", "h1");
        final Intent byTree = Intent.of(Action.INCREMENTAL, 50, DecisionSource.TREE, "tree", "changes");
        final Intent byRpo = Intent.of(Action.DIFFERENTIAL, 60, DecisionSource.POLICY, "rpo", "rpo exceeded");
        int audited = 0;
        // every tick for 50 minutes, inside the repeat interval (1 hour), as a dataset held by a backoff sees them
        for (int minute = 0; minute < 50; minute++) {
            final Session s = new Session(new MemoryState(), NOW.plus(Duration.ofMinutes(minute)), IdSource.RANDOM);
            decisions.suppress(s, spec, state, byTree, "superseded by DIFFERENTIAL", "superseded");
            decisions.suppress(s, spec, state, byRpo, "backing off", "backoff");
            audited += s.out.size();
        }
        assertEquals(2, audited, "each kind once, not one record per tick because the two alternate");
        final Session later = new Session(new MemoryState(), NOW.plus(Duration.ofMinutes(61)), IdSource.RANDOM);
        decisions.suppress(later, spec, state, byRpo, "backing off", "backoff");
        assertEquals(1, later.out.size(), "and again once the interval has passed");
    }
}
