package dev.vigil.collector.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClockWatchTest {
    @Test
    void shouldReportStepsOfTheWallClockButNotItsSteadyProgress() {
        final List<Long> jumps = new ArrayList<>();
        final ClockWatch watch = new ClockWatch(Clock.systemUTC(), 2_000, jumps::add);
        final long wall = System.currentTimeMillis();
        final long mono = System.nanoTime();
        watch.check(wall, mono);
        watch.check(wall + 1_000, mono + 1_000_000_000L);
        watch.check(wall + 1_000 + 60_000, mono + 2_000_000_000L);
        watch.check(wall + 61_000 - 30_000 + 1_000, mono + 3_000_000_000L);
        assertEquals(List.of(59_000L, -30_000L), jumps);
    }
}
