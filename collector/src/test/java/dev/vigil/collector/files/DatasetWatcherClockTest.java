package dev.vigil.collector.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.vigil.schemas.FileActivities;
import dev.vigil.schemas.FileActivity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Intervals under a wall clock that steps, as NTP or a restored VM step it. */
class DatasetWatcherClockTest {
    @TempDir
    Path root;

    /** The system clock, shifted by an offset the test changes: a step of the host's clock. */
    private static final class SteppedClock extends Clock {
        private volatile Duration offset = Duration.ZERO;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(final java.time.ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }
    }

    @Test
    void shouldNeverEndAnIntervalBeforeItStartsWhenTheClockStepsBack() throws Exception {
        final SteppedClock clock = new SteppedClock();
        try (DatasetWatcher w = DatasetWatcher.start("ds", root, DatasetWatcher.Options.of("scan", 0, 1000, 1 << 20,
                8192), clock)) {
            final FileActivity before = w.closeInterval();
            clock.offset = Duration.ofMinutes(-10);
            Files.writeString(root.resolve("written-after-the-step.txt"), "data");
            final FileActivity stepped = w.closeInterval();
            // What the analyzer and the decision engine check before they use an interval
            assertNull(FileActivities.problem(stepped), stepped.toString());
            assertEquals(before.getIntervalEnd(), stepped.getIntervalStart(), "contiguous");
            assertEquals(List.of("written-after-the-step.txt"), stepped.getChangedPaths());
            final FileActivity next = w.closeInterval();
            assertNull(FileActivities.problem(next), next.toString());
            assertEquals(stepped.getIntervalEnd(), next.getIntervalStart(), "contiguous");
        }
    }
}
