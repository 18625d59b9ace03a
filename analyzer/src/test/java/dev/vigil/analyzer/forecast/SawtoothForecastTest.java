package dev.vigil.analyzer.forecast;

import static dev.vigil.analyzer.forecast.DiskSeries.DAY;
import static dev.vigil.analyzer.forecast.DiskSeries.HOUR;
import static dev.vigil.analyzer.forecast.DiskSeries.MINUTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.schemas.Forecast;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Forecasts of disks freed on a daily rhythm, and of those that are not, one point a minute over days. */
class SawtoothForecastTest {
    private static final String SERIES = "system.filesystem.utilization{mountpoint=/var}";
    /** The analyzer's defaults. */
    private final ForecastPolicy policy = new ForecastPolicy(List.of("system.filesystem.utilization"),
            7 * DAY, 360, 15, 0.8, HOUR, 4.0);

    private List<Forecast> run(final List<DiskSeries.Point> points) {
        final Trend trend = new Trend(360);
        final List<Forecast> out = new ArrayList<>();
        for (final DiskSeries.Point p : points) {
            trend.add(p.time(), p.value());
            final Forecast f = policy.check("h", SERIES, trend, p.time());
            if (f != null) {
                out.add(f);
            }
        }
        return out;
    }

    private static List<Forecast> between(final List<Forecast> forecasts, final long from, final long to) {
        return forecasts.stream().filter(f -> f.getTime().toEpochMilli() >= from && f.getTime().toEpochMilli() < to)
                .toList();
    }

    private static long time(final Forecast f) {
        return f.getTime().toEpochMilli();
    }

    @Test
    void shouldStopForecastingASawtoothWhosePeaksStayFlatOnceItsRhythmIsKnown() {
        // 0.40 after each nightly cleanup, 0.85 every evening: a line through any hour of the day says full by morning
        final List<Forecast> forecasts = run(DiskSeries.sawtooth(0.40, 0.45, 0).noisy(0.002, false)
                .points(7 * DAY, 1));
        assertFalse(between(forecasts, 0, 2 * HOUR + DAY).isEmpty(), "the first day is forecast as a line");
        // two cleanups seen (days 1 and 2): the rise is the rhythm's
        assertEquals(List.of(), between(forecasts, 2 * DAY + 2 * HOUR, 7 * DAY));
    }

    @Test
    void shouldIgnoreTheRhythmOfAnIrregularlySampledSawtoothWithGapsAsWell() {
        final List<Forecast> forecasts = run(DiskSeries.sawtooth(0.40, 0.45, 0).noisy(0.004, true)
                .points(7 * DAY, 2));
        assertEquals(List.of(), between(forecasts, 2 * DAY + 2 * HOUR, 7 * DAY));
    }

    @Test
    void shouldForecastFromThePeaksWhenTheyGrowDayOverDay() {
        // peaks 0.70, 0.75, 0.80, 0.85 at 22:00 on days 0-3: the line through them reaches 1.0 on day 6 at 22:00
        // (the noisy evening plateaus' highest points: within 5 %)
        final List<Forecast> forecasts = run(DiskSeries.sawtooth(0.35, 0.35, 0.05).noisy(0.002, false)
                .points(4 * DAY, 3));
        final List<Forecast> day3 = between(forecasts, 3 * DAY, 4 * DAY);
        assertTrue(day3.size() >= 20, "hourly from the third peak on: " + day3.size());
        for (final Forecast f : day3) {
            final double expected = (6 * DAY + 22 * HOUR - time(f)) / 1000.0;
            assertEquals(expected, f.getTimeToFullSeconds(), 0.05 * expected, f.toString());
            assertEquals(0.05 / 86_400, f.getRatePerSecond(), 0.005 / 86_400, f.toString());
        }
    }

    @Test
    void shouldForecastSoonAfterTheUsualPeakWhenTheCleanupFails() {
        // the cleanup of day 4, 02:00, fails: the disk stays at 0.85 and fills again from 06:00, full at about 11:20
        final List<Forecast> forecasts = run(DiskSeries.sawtooth(0.40, 0.45, 0).failingOn(4).noisy(0.002, false)
                .points(4 * DAY + 12 * HOUR, 4));
        assertEquals(List.of(), between(forecasts, 2 * DAY + 2 * HOUR, 4 * DAY + 6 * HOUR));
        final List<Forecast> failed = between(forecasts, 4 * DAY + 6 * HOUR, 5 * DAY);
        assertFalse(failed.isEmpty(), "forecast once it went past the usual peak");
        final Forecast first = failed.get(0);
        assertTrue(time(first) <= 4 * DAY + 8 * HOUR, "more than three hours before it is full: " + first);
        final double full = 4 * DAY + 6 * HOUR + 0.15 / 0.45 * 16 * HOUR;
        assertEquals((full - time(first)) / 1000.0, first.getTimeToFullSeconds(), 0.25 * (full - time(first)) / 1000,
                first.toString());
    }

    @Test
    void shouldForecastARunawayLogWithinMinutesEvenOnARhythm() {
        // day 4, 08:00: a log grows by 0.5 % of the disk a minute, ten times the day's usual rise
        final long start = 4 * DAY + 8 * HOUR;
        final List<Forecast> forecasts = run(DiskSeries.sawtooth(0.40, 0.45, 0).runaway(start, 0.005)
                .noisy(0.002, false).points(start + 2 * HOUR, 5));
        assertEquals(List.of(), between(forecasts, 2 * DAY + 2 * HOUR, start));
        final List<Forecast> runaway = between(forecasts, start, start + 2 * HOUR);
        assertFalse(runaway.isEmpty());
        assertTrue(time(runaway.get(0)) <= start + 30 * MINUTE, runaway.get(0).toString());
    }

    @Test
    void shouldForecastSteadyGrowthAsBeforeThroughNoiseAndGaps() {
        // 0.10 a day from 0.30: full on day 7 at 03:00; told once the line's 24 hours reach it, and right
        final long full = DiskSeries.START + 7 * DAY;
        final List<Forecast> forecasts = run(DiskSeries.linear(0.30, 0.10).noisy(0.002, true).points(full, 6));
        assertFalse(forecasts.isEmpty());
        assertTrue(time(forecasts.get(0)) <= full - 20 * HOUR, forecasts.get(0).toString());
        for (final Forecast f : forecasts) {
            final double expected = (full - time(f)) / 1000.0;
            assertEquals(expected, f.getTimeToFullSeconds(), 0.2 * expected + 1800, f.toString());
        }
    }

    @Test
    void shouldKeepForecastingAGrowingDiskThatWasResized() {
        // 0.30 a day from 0.40; on day 1 at 12:00 (0.85) its capacity doubles: the ratio halves, and so does its growth
        final long resized = DAY + 12 * HOUR;
        final long full = 16 * DAY / 3; // when 0.40 + 0.30 d = 2.0
        final Trend trend = new Trend(360);
        final List<Forecast> forecasts = new ArrayList<>();
        for (long t = 0; t < full; t += MINUTE) {
            final double used = 0.40 + 0.30 * t / DAY;
            trend.add(t, t < resized ? used : used / 2);
            final Forecast f = policy.check("h", SERIES, trend, t);
            if (f != null) {
                forecasts.add(f);
            }
        }
        final List<Forecast> after = between(forecasts, resized, full);
        assertFalse(after.isEmpty());
        assertTrue(time(after.get(0)) <= full - 20 * HOUR, after.get(0).toString());
        for (final Forecast f : after) {
            final double expected = (full - time(f)) / 1000.0;
            assertEquals(expected, f.getTimeToFullSeconds(), 0.01 * expected + 60, f.toString());
        }
    }
}
