package dev.vigil.decision.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.decision.Fixtures;
import dev.vigil.decision.state.Intent;
import dev.vigil.schemas.BackupCommand;
import dev.vigil.schemas.CommandStatus;
import dev.vigil.schemas.DecisionRecord;
import dev.vigil.schemas.Figures;
import dev.vigil.schemas.Outcome;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A dataset emptied over a week shows in its backups, each with a few percent fewer files: never half at once (the
 * worker's loss guard), so only a comparison over the week tells it.
 */
class ShrinkingTest {
    private final EngineHarness h = new EngineHarness();

    /** Runs the engine for a day, the worker doing each command it gets, its backups holding {@code files} files. */
    private void day(final long files) {
        day(files, null);
    }

    /** The same, the day's first backup reporting a loss its guard caught, the snapshot {@code kept} protected. */
    private void day(final long files, final String kept) {
        String protect = kept;
        for (int i = 0; i < 24 * 12; i++) {
            h.advance(Duration.ofMinutes(5));
            h.tick();
            for (final BackupCommand c : List.copyOf(h.commands)) {
                if (h.state("d1").inFlight.containsKey(c.getId())) {
                    final boolean backup = Intent.isBackup(c.getAction());
                    h.handle(new Trigger.OfResult(Fixtures.result("d1", "h1", c.getId(), c.getAction(),
                            CommandStatus.SUCCEEDED, h.now).setFigures(backup
                            ? Figures.newBuilder().setFilesUnchanged(files).setBytesTotal(files * 100_000)
                            .setBytesAdded(1).setDurationMs(1).build() : null)
                            .setProtectedSnapshotId(backup ? protect : null).build()));
                    protect = backup ? null : protect;
                }
            }
        }
    }

    private List<DecisionRecord> shrinking() {
        return h.decisions.stream().filter(d -> "shrinking".equals(d.getRule())).toList();
    }

    @Test
    void shouldEscalateOnceADatasetThatLosesAFewPercentOfItsFilesAtEachDailyBackup() {
        h.register(Fixtures.dataset("d1", "h1", h.now).build());
        for (final long files : new long[] {10_000, 9_400, 8_800, 8_300, 7_800}) {
            day(files);
        }
        assertTrue(shrinking().isEmpty(), shrinking().toString());

        day(6_900); // 31% fewer than the week's fullest snapshot
        day(6_500);

        assertEquals(1, shrinking().size(), h.decisions.toString());
        final DecisionRecord said = shrinking().get(0);
        assertEquals(Outcome.ESCALATED, said.getOutcome());
        assertTrue(said.getReason().contains("holds 6900 files") && said.getReason().contains("31% fewer than the "
                + "10000 of snapshot"), said.getReason());
    }

    @Test
    void shouldNotSayAgainALossTheWorkersLossGuardReported() {
        h.register(Fixtures.dataset("d1", "h1", h.now).build());
        day(10_000);
        day(4_000, "before-the-loss");
        day(4_000);

        assertTrue(shrinking().isEmpty(), shrinking().toString());
        assertEquals(1, h.decisions.stream().filter(d -> "data-loss".equals(d.getRule())).count(),
                h.decisions.toString());
    }

    @Test
    void shouldLeaveADatasetThatKeepsItsSize() {
        h.register(Fixtures.dataset("d1", "h1", h.now).build());
        for (final long files : new long[] {10_000, 9_500, 10_200, 9_800, 9_900, 10_100, 9_700}) {
            day(files);
        }

        assertTrue(shrinking().isEmpty(), shrinking().toString());
    }
}
