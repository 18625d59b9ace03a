package dev.vigil.analyzer.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class ForecastPolicyTest {
    private static final long MINUTE = 60_000L;
    private final ForecastPolicy policy = new ForecastPolicy(List.of("system.filesystem.utilization"),
            7 * 24 * 60 * MINUTE, 60, 15, 0.8, 60 * MINUTE, 24.0);

    /** One point a minute, growing by {@code perMinute} from 0.5. */
    private static Trend growing(final int minutes, final double perMinute) {
        final Trend t = new Trend(60);
        for (int i = 0; i <= minutes; i++) {
            t.add(i * MINUTE, 0.5 + i * perMinute);
        }
        return t;
    }

    @Test
    void shouldNotExtrapolateFurtherThanItsTimesTheDataItFitted() {
        // 15 minutes of growth that would fill the disk in about 8 hours: 32 times the data, not published
        assertNull(policy.check("h", "system.filesystem.utilization", growing(15, 0.001), 15 * MINUTE));
        // the same trend held for an hour of points (60 minutes span, so up to 24 hours ahead): published
        final var later = policy.check("h", "system.filesystem.utilization", growing(59, 0.001), 59 * MINUTE);
        assertNotNull(later);
        assertEquals(0.441 / 0.001 * 60, later.getTimeToFullSeconds(), 1.0);
        // a fast fill is told at once: 15 minutes of data, full in 50 minutes
        assertNotNull(policy.check("h", "system.filesystem.utilization", growing(15, 0.008), 15 * MINUTE));
    }
}
