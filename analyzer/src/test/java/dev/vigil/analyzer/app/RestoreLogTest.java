package dev.vigil.analyzer.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import dev.vigil.embedded.junit.LogCapture;
import dev.vigil.analyzer.StepClock;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class RestoreLogTest {
    @Test
    void shouldSayWhenAStoreStartsAndEndsItsRestoreWithRecordsAndDuration() {
        final StepClock clock = new StepClock(0);
        final RestoreLog restores = new RestoreLog(clock);
        final TopicPartition series = new TopicPartition("vigil-analyzer-series-store-changelog", 3);
        final TopicPartition miner = new TopicPartition("vigil-analyzer-log-miner-store-changelog", 3);
        try (LogCapture log = new LogCapture(RestoreLog.class, Level.INFO)) {
            restores.onRestoreStart(series, "series-store", 100, 5100);
            restores.onRestoreStart(miner, "log-miner-store", 0, 40);
            clock.millis += 1500;
            restores.onBatchRestored(series, "series-store", 1000, 900);
            restores.onRestoreEnd(series, "series-store", 5000);
            clock.millis += 500;
            restores.onRestoreSuspended(miner, "log-miner-store", 12);
            assertEquals(List.of(
                    "Restoring state store series-store from changelog vigil-analyzer-series-store-changelog-3: up to "
                            + "5000 records (offsets 100 to 5100)",
                    "Restoring state store log-miner-store from changelog vigil-analyzer-log-miner-store-changelog-3: "
                            + "up to 40 records (offsets 0 to 40)",
                    "Restored state store series-store from changelog vigil-analyzer-series-store-changelog-3: 5000 "
                            + "records in 1500 ms",
                    "Restore of state store log-miner-store from changelog vigil-analyzer-log-miner-store-changelog-3 "
                            + "stopped after 12 records in 2000 ms: its task moved to another thread or instance, "
                            + "which restores it"), log.messages());
        }
    }

    @Test
    void shouldSayNothingAtInfoWhenAStoreHasNothingToRestore() {
        final RestoreLog restores = new RestoreLog(new StepClock(0));
        final TopicPartition changelog = new TopicPartition("vigil-analyzer-stats-store-changelog", 0);
        try (LogCapture log = new LogCapture(RestoreLog.class, Level.INFO)) {
            restores.onRestoreStart(changelog, "stats-store", 0, 0);
            restores.onRestoreEnd(changelog, "stats-store", 0);
            assertEquals(List.of(), log.messages());
        }
    }
}
