package dev.vigil.analyzer.forecast;

import static dev.vigil.analyzer.forecast.DiskSeries.DAY;
import static dev.vigil.analyzer.forecast.DiskSeries.HOUR;
import static dev.vigil.analyzer.forecast.DiskSeries.MINUTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class CyclesTest {
    @Test
    void shouldCountACleanupThatTakesHalfAnHourAsOneRelease() {
        final Cycles cycles = new Cycles();
        final Random random = new Random(7);
        int releases = 0;
        long t = 0;
        for (int day = 0; day < 3; day++) {
            for (int m = 0; m < 16 * 60; m++, t += MINUTE) {
                releases += cycles.add(t, 0.40 + 0.40 * m / (16 * 60) + 0.003 * random.nextGaussian()) ? 1 : 0;
            }
            // files deleted one after the other: 0.80 down to 0.40 over 30 minutes
            for (int m = 0; m < 30; m++, t += MINUTE) {
                releases += cycles.add(t, 0.80 - 0.40 * m / 29 + 0.003 * random.nextGaussian()) ? 1 : 0;
            }
        }
        assertEquals(3, releases);
        assertTrue(cycles.rhythmic(t));
    }

    @Test
    void shouldNotTakeTheNoiseOfAFlatDiskForReleases() {
        final Cycles cycles = new Cycles();
        final Random random = new Random(8);
        for (long t = 0; t < 3 * DAY; t += MINUTE) {
            assertFalse(cycles.add(t, 0.50 + 0.006 * random.nextGaussian()), "at " + t / HOUR + " h");
        }
        assertFalse(cycles.rhythmic(3 * DAY));
    }
}
