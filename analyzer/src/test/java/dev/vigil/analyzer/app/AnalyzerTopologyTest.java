package dev.vigil.analyzer.app;

import static dev.vigil.analyzer.app.TopologyFixture.HOST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.analyzer.series.SeriesProcessor;
import dev.vigil.schemas.StatsWindow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

class AnalyzerTopologyTest {

    @Test
    void shouldPublishExactOneMinuteStatisticsWhenTheGraceHasPassed() {
        try (TopologyFixture f = new TopologyFixture()) {
            // given: 1..6 within the first minute, every 10 s
            for (int i = 0; i < 6; i++) {
                f.send("system.cpu.utilization", i * 10_000L, (i + 1) / 10.0);
            }
            f.send("system.cpu.utilization", 65_000L, 0.5);
            // then: the window waits for its grace (10 s after its end)
            assertTrue(f.stats.isEmpty());
            // when
            f.send("system.cpu.utilization", 70_000L, 0.5);
            // then
            final List<StatsWindow> out = f.stats.readValuesToList();
            assertEquals(1, out.size());
            final StatsWindow w = out.get(0);
            assertEquals(HOST, w.getHost());
            assertEquals("system.cpu.utilization", w.getSeries());
            assertEquals("1m", w.getWindow());
            assertEquals(6, w.getCount());
            assertEquals(0.35, w.getMean(), 1e-12);
            assertEquals(0.1, w.getMin(), 1e-12);
            assertEquals(0.6, w.getMax(), 1e-12);
            assertEquals(0.035, w.getVariance(), 1e-12);
            assertEquals(Math.sqrt(0.035), w.getStddev(), 1e-12);
            assertEquals(0.3, w.getMedian(), 1e-12);
            assertEquals(0.6, w.getP95(), 1e-12);
            assertEquals(TopologyFixture.T0.plusSeconds(60), w.getTime());
            assertEquals(0, w.getImputed());
        }
    }

    @Test
    void shouldForgetAnExpiredSeriesAndItsLatestWindowsButKeepTheOthers() {
        try (TopologyFixture f = new TopologyFixture(Map.of(AnalyzerConfig.SERIES_IDLE_MS_CONFIG, 120_000L,
                AnalyzerConfig.SERIES_EXPIRY_MS_CONFIG, 600_000L))) {
            final KeyValueStore<String, StatsWindow> latest = f.driver.getKeyValueStore(SeriesProcessor.STATS_STORE);
            // given: two series with closed windows, then only the second goes on
            for (int i = 0; i < 30; i++) {
                f.send("system.cpu.utilization", i * 10_000L, 0.5);
                f.send("system.memory.utilization", i * 10_000L, 0.4);
            }
            final String cpu = SeriesProcessor.statsKey(HOST, "system.cpu.utilization", "1m");
            final String memory = SeriesProcessor.statsKey(HOST, "system.memory.utilization", "1m");
            assertNotNull(latest.get(cpu));
            // when: the memory series alone runs on past the cpu series' expiry (stream time drives the sweep)
            for (int i = 30; i < 130; i++) {
                f.send("system.memory.utilization", i * 10_000L, 0.4);
            }
            // then
            assertNull(latest.get(cpu), "latest window of an expired series");
            assertNotNull(latest.get(memory));
            final List<String> keys = new ArrayList<>();
            latest.all().forEachRemaining(kv -> keys.add(kv.key));
            assertTrue(keys.stream().noneMatch(k -> k.contains("system.cpu.utilization")), keys.toString());
        }
    }

    @Test
    void shouldNotTakeASeriesThatLagsBehindTheOthersButKeepsComingForQuiet() {
        try (TopologyFixture f = new TopologyFixture(Map.of(AnalyzerConfig.SERIES_IDLE_MS_CONFIG, 120_000L,
                AnalyzerConfig.SERIES_EXPIRY_MS_CONFIG, 600_000L))) {
            // given: one host's spool replayed 15 minutes late (more than idle and expiry allow) beside live series,
            // its points off the minute so that a sweep would find its windows half full
            for (int i = 0; i < 60; i++) {
                f.send("system.cpu.utilization", i * 10_000L, 0.5);
                f.send("system.memory.utilization", i * 10_000L - 905_000L, 0.1 * (i % 6));
            }
            // then: each of its minutes is published once and whole, as for a series on time
            final List<StatsWindow> lagging = f.stats.readValuesToList().stream()
                    .filter(w -> w.getSeries().equals("system.memory.utilization") && w.getWindow().equals("1m"))
                    .toList();
            assertEquals(lagging.size(), lagging.stream().map(StatsWindow::getTime).distinct().count(),
                    "no window twice: " + lagging);
            assertEquals(10, lagging.size(), "closed by the series' own time: " + lagging);
            assertEquals(1 + 9 * 6, lagging.stream().mapToLong(StatsWindow::getCount).sum(), lagging.toString());
            final KeyValueStore<String, StatsWindow> latest = f.driver.getKeyValueStore(SeriesProcessor.STATS_STORE);
            assertNotNull(latest.get(SeriesProcessor.statsKey(HOST, "system.memory.utilization", "1m")),
                    "a series that keeps coming is not forgotten");
        }
    }

    @Test
    void shouldCloseASeriesWhosePointsAreAllRefusedAsTooLate() {
        try (TopologyFixture f = new TopologyFixture(Map.of(AnalyzerConfig.SERIES_IDLE_MS_CONFIG, 120_000L,
                AnalyzerConfig.SERIES_EXPIRY_MS_CONFIG, 600_000L))) {
            // given: a series with an open minute, then a host clock that jumped back: every later point is refused
            for (int i = 0; i < 5; i++) {
                f.send("system.memory.utilization", 60_000L + i * 10_000L, 0.4);
            }
            for (int i = 0; i < 40; i++) {
                f.send("system.cpu.utilization", i * 10_000L, 0.5);
                f.send("system.memory.utilization", -3_600_000L + i * 10_000L, 0.4);
            }
            // then: the sweep takes it for quiet and publishes its open minute
            assertTrue(f.stats.readValuesToList().stream().anyMatch(w -> w.getSeries()
                    .equals("system.memory.utilization") && w.getWindow().equals("1m") && w.getCount() == 5));
        }
    }

    @Test
    void shouldKeepTheLatestWindowsOfAtMostTheCachedSeries() {
        try (TopologyFixture f = new TopologyFixture(Map.of(AnalyzerConfig.SERIES_CACHE_MAX_CONFIG, 2))) {
            final KeyValueStore<String, StatsWindow> latest = f.driver.getKeyValueStore(SeriesProcessor.STATS_STORE);
            // given: three series, their windows closing in turn
            final String[] names = {"system.cpu.utilization", "system.memory.utilization", "system.cpu.load_average.1m"};
            for (int i = 0; i < 30; i++) {
                for (final String name : names) {
                    f.send(name, i * 10_000L, 0.5);
                }
            }
            // then: two series' worth of windows stay (tumbling and hopping), the last series updated among them
            final List<String> keys = new ArrayList<>();
            latest.all().forEachRemaining(kv -> keys.add(kv.key));
            assertTrue(keys.size() <= 4, keys.toString());
            assertNotNull(latest.get(SeriesProcessor.statsKey(HOST, names[2], "1m")), keys.toString());
            // and: every window was still published
            assertEquals(3, f.stats.readValuesToList().stream().map(StatsWindow::getSeries).distinct().count());
        }
    }

    @Test
    void shouldDropARetriedDuplicateById() {
        try (TopologyFixture f = new TopologyFixture()) {
            final var first = TopologyFixture.metric(HOST, "system.cpu.utilization", 0, 0.2, "1");
            f.send(first);
            f.send(TopologyFixture.metric(HOST, "system.cpu.utilization", 10_000, 0.4, "1"));
            f.send(first);
            f.send(TopologyFixture.metric(HOST, "system.cpu.utilization", 75_000, 0.4, "1"));
            final StatsWindow w = f.stats.readValue();
            assertEquals(2, w.getCount());
            assertTrue(f.deadLetters.isEmpty());
        }
    }

    @Test
    void shouldNormalizeUnitsAndAliases() {
        try (TopologyFixture f = new TopologyFixture()) {
            f.send(TopologyFixture.metric(HOST, "mem.used_percent", 0, 42.0, ""));
            f.send(TopologyFixture.metric(HOST, "hw.temperature", 0, 212.0, "[degF]"));
            f.send(TopologyFixture.metric(HOST, "mem.used_percent", 75_000, 42.0, ""));
            f.send(TopologyFixture.metric(HOST, "hw.temperature", 75_000, 212.0, "[degF]"));
            final Map<String, StatsWindow> bySeries = new java.util.TreeMap<>();
            f.stats.readValuesToList().forEach(w -> bySeries.put(w.getSeries(), w));
            assertEquals(0.42, bySeries.get("system.memory.utilization").getMean(), 1e-12);
            assertEquals("1", bySeries.get("system.memory.utilization").getUnit());
            assertEquals(100.0, bySeries.get("hw.temperature").getMean(), 1e-9);
            assertEquals("Cel", bySeries.get("hw.temperature").getUnit());
            assertFalse(bySeries.containsKey("mem.used_percent"));
        }
    }
}
