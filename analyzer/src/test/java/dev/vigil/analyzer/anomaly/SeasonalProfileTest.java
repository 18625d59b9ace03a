package dev.vigil.analyzer.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SeasonalProfileTest {
    private static final long DAY = 86_400_000L;
    private static final long MINUTE = 60_000L;
    /** A midnight, UTC. */
    private static final long DAY1 = 19_700 * DAY;

    private static long at(final long day, final int hour, final int minute) {
        return day + hour * 60 * MINUTE + minute * MINUTE;
    }

    @Test
    void shouldReadATimeOfDayNeverSeenFromTheNextTimeSeenWithinTheHour() {
        // given a daily profile of 10-minute bins that saw 08:45 and 09:15 only (a series sampled every 30
        // minutes, off the hour), so the bins around 09:00 are empty
        final SeasonalProfile daily = new SeasonalProfile(DAY, 144, 0.25);
        daily.add(at(DAY1, 8, 45), 0);
        daily.add(at(DAY1, 9, 15), 100);
        // when the next day asks for 09:00
        final double expected = daily.expected(at(DAY1 + DAY, 9, 0));
        // then it gets the 09:15 value (it got NaN, and the series' baseline fell back to its long-run mean)
        assertEquals(100, expected, 1e-9);
    }

    @Test
    void shouldNotReadATimeNeverSeenFromTheTimesJustBeforeItNorFromBeyondTheHour() {
        // given a profile that saw 08:30 minutes ago and 10:30 yesterday
        final SeasonalProfile daily = new SeasonalProfile(DAY, 144, 0.25);
        daily.add(at(DAY1, 10, 30), 100);
        daily.add(at(DAY1 + DAY, 8, 30), 0);
        // when 09:00 is asked for
        final double expected = daily.expected(at(DAY1 + DAY, 9, 0));
        // then there is no typical value: the last value is no seasonal profile, and 10:30 is 90 minutes away
        assertTrue(Double.isNaN(expected), "expected " + expected);
    }
}
