package dev.vigil.decision.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.decision.Fixtures;
import dev.vigil.decision.state.Intent;
import dev.vigil.schemas.Action;
import dev.vigil.schemas.BackupCommand;
import dev.vigil.schemas.DatasetSpec;
import dev.vigil.schemas.DecisionSource;
import dev.vigil.schemas.Retention;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CommandFactoryTest {
    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

    private static BackupCommand build(final Action action, final DatasetSpec spec) {
        return CommandFactory.build("c1", "d1", Intent.of(action, 100, DecisionSource.POLICY, null, "why"), spec, NOW,
                Duration.ofHours(1));
    }

    @Test
    void shouldGiveAForgetTheDatasetsRetentionFromTheRegistry() {
        final Retention keep = Retention.newBuilder().setKeepLast(3).setKeepHourly(0).setKeepDaily(14)
                .setKeepWeekly(0).setKeepMonthly(6).setKeepYearly(1).build();
        final DatasetSpec spec = Fixtures.dataset("ds", "h1", NOW).setRetention(keep).build();
        assertEquals(keep, build(Action.FORGET, spec).getRetention());
        assertNull(build(Action.INCREMENTAL, spec).getRetention(), "only FORGET applies a retention");
    }

    @Test
    void shouldOverwriteOnlyARestoreOntoTheOriginalLocation() {
        final DatasetSpec spec = Fixtures.dataset("ds", "h1", NOW).build();
        assertTrue(build(Action.RESTORE, spec).getOverwrite());
        assertFalse(build(Action.FULL, spec).getOverwrite());
        assertEquals(NOW.plus(Duration.ofHours(1)), build(Action.FULL, spec).getExpiresAt());
    }

    @Test
    void shouldRestoreDeletedPathsOnlyWhereTheyAreStillMissing() {
        final DatasetSpec spec = Fixtures.dataset("ds", "h1", NOW).build();
        final Intent deleted = Intent.of(Action.RESTORE, 90, DecisionSource.RULE, "deletion-burst", "why")
                .targeting(null, NOW.toEpochMilli(), java.util.List.of("a", "b/c"), null, null);
        assertTrue(CommandFactory.build("c1", "d1", deleted, spec, NOW, Duration.ofHours(1)).getMissingOnly(),
                "a file put back by hand after the deletion, and edited, must not be overwritten on approval");
        assertFalse(build(Action.RESTORE, spec).getMissingOnly(), "a whole-snapshot restore replaces what is there");
    }

    @Test
    void shouldSendATargetThatIsTheDatasetsOwnPathSpeltOtherwiseAsTheOriginalLocationWithOverwrite() {
        final DatasetSpec spec = Fixtures.dataset("d1", "h1", NOW).build(); // path /srv/d1
        final Intent own = Intent.of(Action.RESTORE, 50, DecisionSource.RULE, "r", "why")
                .targeting(null, null, java.util.List.of(), "/srv/d1/../d1", null);
        final BackupCommand command = CommandFactory.build("c1", "d1", own, spec, NOW, Duration.ofHours(1));
        assertNull(command.getTarget());
        assertTrue(command.getOverwrite(), "judged the dataset's own path, so restored as onto it");

        final Intent elsewhere = own.targeting(null, null, java.util.List.of(), "/tmp/./restore//x", null);
        final BackupCommand other = CommandFactory.build("c1", "d1", elsewhere, spec, NOW, Duration.ofHours(1));
        assertEquals("/tmp/restore/x", other.getTarget());
        assertFalse(other.getOverwrite());
    }
}
