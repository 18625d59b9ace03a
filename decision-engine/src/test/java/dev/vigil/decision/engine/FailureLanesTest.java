package dev.vigil.decision.engine;

import static dev.vigil.decision.Fixtures.dataset;
import static dev.vigil.decision.Fixtures.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.decision.state.DatasetState;
import dev.vigil.decision.state.Intent;
import dev.vigil.decision.state.JsonSerde;
import dev.vigil.schemas.Action;
import dev.vigil.schemas.BackupCommand;
import dev.vigil.schemas.CommandStatus;
import dev.vigil.schemas.DecisionRecord;
import dev.vigil.schemas.Outcome;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Failures of different lanes (a broken repository fails backups and retention alike) are counted each on its own. */
class FailureLanesTest {
    private final EngineHarness h = new EngineHarness();

    /** Fails every command of d1 in flight, in the order they were issued. */
    private void failAllInFlight() {
        final DatasetState state = h.state("d1");
        for (final DatasetState.InFlight f : List.copyOf(state.inFlight.values())) {
            h.handle(new Trigger.OfResult(result("d1", "h1", f.commandId(), f.action(), CommandStatus.FAILED, h.now)
                    .setMessage("repository /backup/repo: read-only file system").build()));
        }
    }

    @Test
    void shouldKeepTheBackoffAndEscalationOfFailingBackupsWhenRetentionFailsToo() {
        h.register(dataset("d1", "h1", h.now).build());
        h.advance(Duration.ofMinutes(1));
        h.handle(new Trigger.OfResult(result("d1", "h1", h.lastCommand().getId(), Action.FULL,
                CommandStatus.SUCCEEDED, h.now).build()));
        h.advance(Duration.ofDays(1));
        h.tick(); // a backup (RPO) and a FORGET (retention) are due; then the repository breaks
        assertEquals(2, h.state("d1").inFlight.size());
        final int before = h.commands.size();
        for (int round = 0; round < 4; round++) {
            h.advance(Duration.ofSeconds(30));
            failAllInFlight();
            for (int i = 0; i < 10; i++) { // ten minutes of ticks
                h.advance(Duration.ofMinutes(1));
                h.tick();
                failAllInFlight();
            }
        }
        final List<BackupCommand> issued = h.commands.subList(before, h.commands.size());
        final long backups = issued.stream().filter(c -> Intent.isBackup(c.getAction())).count();
        // backoff 1m, 2m, 4m, 8m, 16m: within these 42 minutes a lane is tried at most five times
        assertTrue(backups <= 5, "backups must back off while FORGET fails too, got " + backups + " in 42 min");
        final List<DecisionRecord> escalated = h.outcomes(Outcome.ESCALATED);
        assertEquals(1, escalated.stream().filter(d -> Intent.isBackup(d.getAction())).count(),
                "the failing backups escalate once: " + escalated);
        assertEquals(1, escalated.stream().filter(d -> d.getAction() == Action.FORGET).count(),
                "the failing FORGET escalates once: " + escalated);
    }

    @Test
    void shouldReadTheSingleFailureOfAStateStoredBeforeFailuresWereKeptPerLane() throws Exception {
        final String stored = "{\"dataset\":\"d1\",\"host\":\"h1\",\"failure\":{\"count\":2,\"retry\":{\"action\":"
                + "\"FULL\",\"priority\":80,\"source\":\"POLICY\",\"rule\":\"first-backup\",\"reason\":\"r\"},"
                + "\"lastAt\":1,\"nextRetryAt\":2,\"escalated\":false,\"message\":\"disk full\"}}";
        final DatasetState state = JsonSerde.MAPPER.readValue(stored, DatasetState.class);
        assertEquals(2, state.failures.get(Intent.BACKUP_LANE).count());
        assertEquals(2, state.failuresInARow());
    }
}
