package dev.vigil.analyzer.app;

import static dev.vigil.analyzer.app.TopologyFixture.HOST;
import static dev.vigil.analyzer.app.TopologyFixture.T0;
import static dev.vigil.analyzer.forecast.DiskSeries.DAY;
import static dev.vigil.analyzer.forecast.DiskSeries.HOUR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.analyzer.forecast.DiskSeries;
import dev.vigil.schemas.Forecast;
import dev.vigil.schemas.MetricSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Time-to-full forecasts of disks freed every night, through the whole topology, one point a minute over days. */
class ForecastTopologyTest {
    private static final String VAR = "system.filesystem.utilization{mountpoint=/var}";
    private static final String SRV = "system.filesystem.utilization{mountpoint=/srv}";

    private static MetricSample sample(final String mountpoint, final DiskSeries.Point p) {
        return MetricSample.newBuilder().setId(UUID.randomUUID().toString()).setHost(HOST)
                .setName("system.filesystem.utilization").setTime(T0.plusMillis(p.time())).setValue(p.value())
                .setUnit("1").setAttributes(Map.of("mountpoint", mountpoint)).build();
    }

    private static long offset(final Forecast f) {
        return f.getTime().toEpochMilli() - T0.toEpochMilli();
    }

    @Test
    void shouldForecastADiskFreedEveryNightFromItsPeaksAcrossARestart() {
        // /var: 0.40 after each nightly cleanup, 0.85 each evening, flat; /srv: peaks 0.70, 0.75, ... full on day 6 at
        // 22:00 (the highest point of each noisy evening plateau: within 5 %)
        final List<DiskSeries.Point> var = DiskSeries.sawtooth(0.40, 0.45, 0).noisy(0.002, false).points(4 * DAY, 1);
        final List<DiskSeries.Point> srv = DiskSeries.sawtooth(0.35, 0.35, 0.05).noisy(0.002, false).points(4 * DAY, 2);
        final List<Forecast> forecasts = new ArrayList<>();
        // the fixture's clock stands at day 1: points days ahead of it must not be refused as from the future
        TopologyFixture f = new TopologyFixture(Map.of(AnalyzerConfig.CLEAN_MAX_FUTURE_MS_CONFIG, 7 * DAY));
        try {
            for (int i = 0; i < var.size(); i++) {
                if (var.get(i).time() == 2 * DAY + 12 * HOUR) {
                    // the cycles learned so far must come back from the store
                    forecasts.addAll(f.forecasts.readValuesToList());
                    f = f.restart();
                }
                f.send(sample("/var", var.get(i)));
                f.send(sample("/srv", srv.get(i)));
            }
            forecasts.addAll(f.forecasts.readValuesToList());
            assertTrue(f.deadLetters.isEmpty(), "every point taken");
        } finally {
            f.close();
        }
        assertTrue(forecasts.stream().anyMatch(x -> x.getSeries().equals(VAR) && offset(x) < DAY),
                "the first day is forecast as a line");
        assertEquals(List.of(), forecasts.stream().filter(x -> x.getSeries().equals(VAR) && offset(x) >= 2 * DAY + 2 * HOUR)
                .toList(), "known to be freed every night");
        final List<Forecast> srvDay3 = forecasts.stream()
                .filter(x -> x.getSeries().equals(SRV) && offset(x) >= 3 * DAY).toList();
        assertTrue(srvDay3.size() >= 20, "hourly: " + srvDay3.size());
        for (final Forecast x : srvDay3) {
            final double expected = (6 * DAY + 22 * HOUR - offset(x)) / 1000.0;
            assertEquals(expected, x.getTimeToFullSeconds(), 0.05 * expected, x.toString());
        }
    }

    @Test
    void shouldNotForecastABurstOfMinutesHoursAhead() {
        // given a fresh deployment on a file system 28 % used: a 700 MiB dataset generated and backed up, a few GB
        // in 17 minutes (3 % of the capacity), then quiet for two hours
        final long minute = 60_000L;
        try (TopologyFixture f = new TopologyFixture()) {
            final Random random = new Random(7);
            for (int i = 0; i < 150; i++) {
                final double written = 0.03 * Math.min(1, Math.max(0, (i - 10) / 17.0));
                f.send(TopologyFixture.metric(HOST, "system.filesystem.utilization", i * minute,
                        0.28 + written + 0.0003 * random.nextGaussian(), "1"));
            }
            // then no time-to-full: the line through the burst said "full in 6h53m" after 17 minutes of it
            assertTrue(f.forecasts.isEmpty(), () -> f.forecasts.readValuesToList().toString());
        }
    }

    @Test
    void shouldForecastSteadyGrowthHoursBeforeFull() {
        // given a disk flat at 0.28 for two hours, then filling 0.06 an hour: full 12 hours later
        final long minute = 60_000L;
        final long start = 2 * HOUR;
        final long full = start + 12 * HOUR;
        try (TopologyFixture f = new TopologyFixture()) {
            final Random random = new Random(11);
            for (long t = 0; t < full; t += minute) {
                final double filled = Math.max(0, t - start) / (double) HOUR * 0.06;
                f.send(TopologyFixture.metric(HOST, "system.filesystem.utilization", t,
                        Math.min(1, 0.28 + filled + 0.002 * random.nextGaussian()), "1"));
            }
            // then it is told while at least 8 of those 12 hours are left (a line over the last hour only, held for a
            // quarter of what it predicts, would tell it 4 hours before full)
            final List<Forecast> forecasts = f.forecasts.readValuesToList();
            assertFalse(forecasts.isEmpty());
            assertTrue(offset(forecasts.get(0)) <= full - 8 * HOUR, forecasts.get(0).toString());
            // and once the fitted points are all of the rise, with its time-to-full
            for (final Forecast x : forecasts.stream().filter(x -> offset(x) >= start + 6 * HOUR).toList()) {
                final double expected = (full - offset(x)) / 1000.0;
                assertEquals(expected, x.getTimeToFullSeconds(), 0.1 * expected, x.toString());
            }
        }
    }

    @Test
    void shouldForecastAFilesystemRunningOutOfInodesByDefault() {
        // many small files: the inode share climbs 0.002 a minute from 0.80 (full in under 2 hours) while the byte
        // share (another series) stays flat; the collector publishes the inode share, telegraf's and collectd's
        // percentages are mapped to it
        final long minute = 60_000L;
        final TopologyFixture f = new TopologyFixture(Map.of());
        try {
            for (int i = 0; i < 40; i++) {
                f.send(TopologyFixture.metric(HOST, "system.filesystem.inodes.utilization", i * minute,
                        0.80 + 0.002 * i, "1"));
                f.send(TopologyFixture.metric(HOST, "system.filesystem.utilization", i * minute, 0.30, "1"));
            }
            final List<Forecast> forecasts = f.forecasts.readValuesToList();
            assertFalse(forecasts.isEmpty(), "no forecast of the inode share");
            assertTrue(forecasts.stream().allMatch(x -> x.getSeries().startsWith("system.filesystem.inodes.utilization")),
                    forecasts.toString());
        } finally {
            f.close();
        }
    }

    @Test
    void shouldFitAsManyPointsAsForecastWindowPointsSaysAfterItChanged() {
        // 0.012 a day from 0.50: full in 41 hours, more than 24 times the hour that 60 points span
        final long minute = 60_000L;
        TopologyFixture f = new TopologyFixture(Map.of(AnalyzerConfig.FORECAST_WINDOW_POINTS_CONFIG, 60,
                AnalyzerConfig.FORECAST_MAX_EXTRAPOLATION_CONFIG, 24.0));
        try {
            for (int i = 0; i < 3 * 60; i++) {
                f.send(TopologyFixture.metric(HOST, "system.filesystem.utilization", i * minute,
                        0.50 + 0.0002 * i, "1"));
            }
            assertTrue(f.forecasts.isEmpty());
            // the operator fits 240 points (4 hours: up to 4 days ahead) and restarts the analyzer
            f = f.restart(Map.of(AnalyzerConfig.FORECAST_WINDOW_POINTS_CONFIG, 240,
                    AnalyzerConfig.FORECAST_MAX_EXTRAPOLATION_CONFIG, 24.0));
            for (int i = 3 * 60; i < 6 * 60; i++) {
                f.send(TopologyFixture.metric(HOST, "system.filesystem.utilization", i * minute,
                        0.50 + 0.0002 * i, "1"));
            }
            assertFalse(f.forecasts.isEmpty(), "the series' trend holds 240 points now");
            final Forecast x = f.forecasts.readValue();
            final double expected = (1 - x.getCurrent()) / (0.0002 / 60);
            assertEquals(expected, x.getTimeToFullSeconds(), 0.01 * expected);
        } finally {
            f.close();
        }
    }

    @Test
    void shouldNotForecastAStepAcrossASilenceButGrowthAfterIt() {
        final long minute = 60_000L;
        try (TopologyFixture f = new TopologyFixture()) {
            // given a disk at 0.50 for 6 hours, then the agent down for 12 hours, during which data was restored
            for (int i = 0; i < 360; i++) {
                f.send(TopologyFixture.metric(HOST, "system.filesystem.utilization", i * minute, 0.50, "1"));
            }
            final long back = 18 * HOUR;
            // when it comes back at 0.60, flat for an hour
            for (int i = 0; i < 60; i++) {
                f.send(TopologyFixture.metric(HOST, "system.filesystem.utilization", back + i * minute, 0.60, "1"));
            }
            // then no forecast: one step is no growth (the line through both levels said full in 52 hours, r2 0.97)
            assertTrue(f.forecasts.isEmpty(), () -> f.forecasts.readValuesToList().toString());
            // and when it then grows, its forecast comes from the points since
            for (int i = 60; i < 180; i++) {
                f.send(TopologyFixture.metric(HOST, "system.filesystem.utilization", back + i * minute,
                        0.60 + 0.002 * (i - 60), "1"));
            }
            final Forecast x = f.forecasts.readValue();
            assertTrue(offset(x) > back + 60 * minute && x.getRatePerSecond() > 0, x.toString());
        }
    }

    @Test
    void shouldNotForecastASeriesNamedForForecastsThatIsNoShareOfACapacity() {
        final long minute = 60_000L;
        // given every system series named for forecasts: the load average is dimensionless too (unit 1), not a share
        try (TopologyFixture f = new TopologyFixture(Map.of(AnalyzerConfig.FORECAST_SERIES_CONFIG, "system.*"))) {
            // when it rises from 2 to 4 over two hours
            for (int i = 0; i < 120; i++) {
                f.send(TopologyFixture.metric(HOST, "system.cpu.load_average.1m", i * minute, 2 + i / 60.0, ""));
            }
            // then it gets no time-to-full (it got "full" in 0 s: already past the capacity of 1)
            assertTrue(f.forecasts.isEmpty(), () -> f.forecasts.readValuesToList().toString());
        }
    }
}
