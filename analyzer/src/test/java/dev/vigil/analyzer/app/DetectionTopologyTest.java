package dev.vigil.analyzer.app;

import static dev.vigil.analyzer.app.TopologyFixture.HOST;
import static dev.vigil.analyzer.app.TopologyFixture.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.schemas.Anomaly;
import dev.vigil.schemas.AnomalyPhase;
import dev.vigil.schemas.Forecast;
import dev.vigil.schemas.LogTemplate;
import dev.vigil.schemas.StatsWindow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;

class DetectionTopologyTest {
    private static final long STEP = 10_000;

    /** Noise around 0.3, the same every run. */
    private static void history(final TopologyFixture f, final String metric, final int points, final long seed) {
        final Random random = new Random(seed);
        for (int i = 0; i < points; i++) {
            f.send(metric, i * STEP, 0.3 + 0.02 * random.nextGaussian());
        }
    }

    @Test
    void shouldOpenAnEpisodeOnASpikeAndCloseItWhenScoresCalmDown() {
        try (TopologyFixture f = new TopologyFixture()) {
            // given: a warm detector on ordinary values
            history(f, "system.cpu.utilization", 300, 1);
            assertTrue(f.anomalies.isEmpty(), () -> f.anomalies.readValuesToList().toString());
            // when: a spike, then ordinary values again
            f.send("system.cpu.utilization", 300 * STEP, 0.99);
            final Anomaly open = f.anomalies.readValue();
            // then
            assertEquals(AnomalyPhase.OPEN, open.getPhase());
            assertEquals("metric", open.getKind());
            assertEquals(HOST, open.getHost());
            assertEquals("system.cpu.utilization", open.getSeries());
            assertEquals(0.99, open.getObserved(), 1e-12);
            assertTrue(open.getScore() >= 0.75, "score " + open.getScore());
            assertFalse(open.getContributors().isEmpty());
            assertTrue(open.getExplanation().contains("0.99"), open.getExplanation());
            assertEquals(T0.plusMillis(300 * STEP), open.getEpisodeStart());
            final Random random = new Random(2);
            for (int i = 301; i < 340; i++) {
                f.send("system.cpu.utilization", i * STEP, 0.3 + 0.02 * random.nextGaussian());
            }
            final List<Anomaly> rest = f.anomalies.readValuesToList();
            final Anomaly close = rest.get(rest.size() - 1);
            assertEquals(AnomalyPhase.CLOSE, close.getPhase(), rest.toString());
            assertEquals(open.getEpisodeId(), close.getEpisodeId());
            assertEquals(1, rest.stream().filter(a -> a.getPhase() == AnomalyPhase.CLOSE).count());
        }
    }

    @Test
    void shouldNotScoreACounterThatOnlyGrows() {
        try (TopologyFixture f = new TopologyFixture()) {
            // uptime in seconds, 10 s a point; then the agent was away for 4 minutes: a jump of 240 s
            for (int i = 0; i < 300; i++) {
                f.send(TopologyFixture.metric(HOST, "system.uptime", i * STEP, 30_000 + i * 10.0, "s"));
            }
            f.send(TopologyFixture.metric(HOST, "system.uptime", 324 * STEP, 30_000 + 3_240.0, "s"));
            assertTrue(f.anomalies.isEmpty(), () -> f.anomalies.readValuesToList().toString());
            assertFalse(f.stats.isEmpty(), "its statistics are still published");
        }
    }

    @Test
    void shouldFlagAFileActivityBurstWithItsDataset() {
        try (TopologyFixture f = new TopologyFixture()) {
            final Random random = new Random(3);
            for (int i = 1; i <= 200; i++) {
                f.events.pipeInput(HOST, TopologyFixture.activity(i * STEP, "db", 5 + random.nextInt(3),
                        4.0 + random.nextDouble() * 0.3), T0);
            }
            f.events.pipeInput(HOST, TopologyFixture.activity(201 * STEP, "db", 900, 7.95), T0);
            final List<Anomaly> opened = f.anomalies.readValuesToList().stream()
                    .filter(a -> a.getPhase() == AnomalyPhase.OPEN).toList();
            assertFalse(opened.isEmpty());
            for (final Anomaly a : opened) {
                assertEquals("file", a.getKind());
                assertEquals("db", a.getDataset());
                assertTrue(a.getSeries().endsWith("{dataset=db}"), a.getSeries());
            }
            assertTrue(opened.stream().anyMatch(a -> a.getSeries().startsWith("dataset.files.modified")),
                    opened.stream().map(Anomaly::getSeries).collect(Collectors.joining(", ")));
        }
    }

    @Test
    void shouldForecastTimeToFullOfAGrowingFilesystem() {
        try (TopologyFixture f = new TopologyFixture()) {
            // 0.5 growing by 0.001 per minute: full in about 8 hours, told once the points span a quarter of what is left
            for (int i = 0; i < 120 * 6; i++) {
                f.send(TopologyFixture.metric(HOST, "system.filesystem.utilization", i * STEP,
                        0.5 + 0.001 * i / 6.0, "1"));
            }
            final Forecast forecast = f.forecasts.readValue();
            assertEquals("system.filesystem.utilization", forecast.getSeries());
            assertEquals(0.001 / 60, forecast.getRatePerSecond(), 1e-7);
            assertTrue(forecast.getR2() > 0.99);
            final double expected = (1 - forecast.getCurrent()) / (0.001 / 60);
            assertEquals(expected, forecast.getTimeToFullSeconds(), expected * 0.01);
            assertTrue(forecast.getTimeToFullSeconds() <= 4 * (forecast.getTime().toEpochMilli() - T0.toEpochMilli())
                    / 1000.0 + 60, "not from fewer points than the extrapolation limit allows: " + forecast);
            assertTrue(f.forecasts.isEmpty(), "one forecast per interval");
        }
    }

    @Test
    void shouldMergeHoppingWindowsFromTheTumblingOnes() {
        try (TopologyFixture f = new TopologyFixture()) {
            for (int i = 0; i < 17 * 6; i++) {
                f.send("system.cpu.load_average.1m", i * STEP, i % 6);
            }
            final List<StatsWindow> hops = f.stats.readValuesToList().stream()
                    .filter(w -> w.getWindow().equals("15m/5m")).toList();
            assertEquals(List.of(5 * 6L, 10 * 6L, 15 * 6L), hops.stream().map(StatsWindow::getCount).toList());
            final StatsWindow last = hops.get(2);
            assertEquals(T0, last.getWindowStart());
            assertEquals(T0.plusSeconds(900), last.getTime());
            assertEquals(2.5, last.getMean(), 1e-12);
            assertEquals(0, last.getMin(), 0);
            assertEquals(5, last.getMax(), 0);
        }
    }

    @Test
    void shouldKeepTheBusiestTemplatesIdWhenWordsShowAParameter() {
        try (TopologyFixture f = new TopologyFixture()) {
            final List<String> users = List.of("root", "root", "root", "bob", "carol", "dave");
            for (int i = 0; i < users.size(); i++) {
                f.logs.pipeInput(HOST, TopologyFixture.log(i * 1_000L, "Accepted key for " + users.get(i),
                        dev.vigil.schemas.Severity.INFO), T0);
            }
            final List<KeyValue<String, LogTemplate>> out = f.templates.readKeyValuesToList();
            assertEquals(4, out.size(), out.toString()); // root, bob, carol, then the merge
            final KeyValue<String, LogTemplate> merged = out.get(3);
            assertEquals("Accepted key for <*>", merged.value.getTemplate());
            assertEquals(out.get(0).key, merged.key, "root's template, the busiest, keeps its id");
            assertEquals(6, merged.value.getCount());
            assertTrue(out.stream().allMatch(kv -> kv.value != null), "no deletes: other tasks may use the ids");
        }
    }

    @Test
    void shouldMoveEveryHostsCountsOfAMergedTemplateToTheOneThatRemains() {
        try (TopologyFixture f = new TopologyFixture()) {
            final String other = "web-2"; // same task: one partition in the fixture
            for (int i = 0; i < 2; i++) {
                f.logs.pipeInput(other, TopologyFixture.log(other, i * 1_000L, "Accepted key for bob",
                        dev.vigil.schemas.Severity.INFO), T0);
            }
            for (final String user : List.of("root", "root", "root", "root", "carol", "dave")) {
                f.logs.pipeInput(HOST, TopologyFixture.log(2_000L, "Accepted key for " + user,
                        dev.vigil.schemas.Severity.INFO), T0);
            }
            for (final long t : new long[] {200_000, 300_000, 400_000}) {
                f.logs.pipeInput(other, TopologyFixture.log(other, t, "Accepted key for erin",
                        dev.vigil.schemas.Severity.INFO), T0);
            }
            final List<KeyValue<String, LogTemplate>> templates = f.templates.readKeyValuesToList();
            final String bob = templates.get(0).key;
            final String remains = templates.get(templates.size() - 1).key;
            assertEquals("Accepted key for <*>", templates.get(templates.size() - 1).value.getTemplate());
            assertTrue(!bob.equals(remains), "root's template was the busiest: " + templates);
            final List<StatsWindow> others = f.stats.readValuesToList().stream()
                    .filter(w -> w.getHost().equals(other) && w.getWindow().equals("1m")).toList();
            final List<Double> merged = others.stream()
                    .filter(w -> w.getSeries().equals("log.template.records{template=" + remains + "}"))
                    .map(StatsWindow::getMean).toList();
            assertEquals(2.0, merged.get(0), "web-2's two lines of bob's template count under the one that remains: "
                    + merged);
            assertTrue(others.stream().noneMatch(w -> w.getSeries().contains(bob)), "bob's template has no series");
        }
    }

    @Test
    void shouldPublishLogTemplatesAndCountsPerMinute() {
        try (TopologyFixture f = new TopologyFixture()) {
            for (int i = 0; i < 30; i++) {
                f.logs.pipeInput(HOST, TopologyFixture.log(i * 5_000L, "Connection from 10.0.0." + i + " closed",
                        dev.vigil.schemas.Severity.INFO), T0);
                if (i % 3 == 0) {
                    f.logs.pipeInput(HOST, TopologyFixture.log(i * 5_000L + 1, "ERROR disk /dev/sda" + i % 2 + " failed",
                            dev.vigil.schemas.Severity.UNKNOWN), T0);
                }
            }
            f.logs.pipeInput(HOST, TopologyFixture.log(200_000, "Connection from 10.0.0.1 closed",
                    dev.vigil.schemas.Severity.INFO), T0);
            f.logs.pipeInput(HOST, TopologyFixture.log(300_000, "Connection from 10.0.0.1 closed",
                    dev.vigil.schemas.Severity.INFO), T0);
            // Count windows wait for their grace, then the series' statistics windows wait for theirs.
            f.logs.pipeInput(HOST, TopologyFixture.log(400_000, "Connection from 10.0.0.1 closed",
                    dev.vigil.schemas.Severity.INFO), T0);
            final List<String> templates = f.templates.readValuesToList().stream()
                    .map(t -> t.getTemplate()).distinct().toList();
            assertTrue(templates.contains("Connection from <*> closed"), templates.toString());
            final Map<String, List<StatsWindow>> bySeries = f.stats.readValuesToList().stream()
                    .filter(w -> w.getWindow().equals("1m"))
                    .collect(Collectors.groupingBy(StatsWindow::getSeries));
            final List<StatsWindow> lines = bySeries.get("log.records");
            assertNotNull(lines, bySeries.keySet().toString());
            // windows of one point each: 12 + 4 lines in minute 0, 12 + 4 in minute 1, 6 + 2 in minute 2
            // and the line at 200 s in minute 3
            assertEquals(List.of(16.0, 16.0, 8.0, 1.0), lines.stream().map(StatsWindow::getMean).toList());
            assertEquals(List.of(4.0, 4.0, 2.0, 0.0), bySeries.get("log.errors").stream().map(StatsWindow::getMean)
                    .toList());
            final List<String> perTemplate = new ArrayList<>(bySeries.keySet());
            assertTrue(perTemplate.stream().anyMatch(s -> s.startsWith("log.template.records{template=")),
                    perTemplate.toString());
        }
    }

    @Test
    void shouldCountAMinuteWithoutATemplateAsZeroEvenWhenALaterMinuteHasItAlready() {
        try (TopologyFixture f = new TopologyFixture()) {
            // minute 1 has no "Job done" line, and is still open (grace) when minute 2's arrives
            for (final long t : new long[] {0, 5_000, 125_000}) {
                f.logs.pipeInput(HOST, TopologyFixture.log(t, "Job 7 done", dev.vigil.schemas.Severity.INFO), T0);
            }
            for (final long t : new long[] {70_000, 200_000, 300_000, 400_000}) {
                f.logs.pipeInput(HOST, TopologyFixture.log(t, "Heartbeat from libgpg-error-dev on level=info",
                        dev.vigil.schemas.Severity.UNKNOWN), T0);
            }
            final String job = f.templates.readValuesToList().stream().filter(t -> t.getTemplate().startsWith("Job"))
                    .findFirst().orElseThrow().getId();
            final List<StatsWindow> windows = f.stats.readValuesToList().stream()
                    .filter(w -> w.getWindow().equals("1m")
                            && w.getSeries().equals("log.template.records{template=" + job + "}")).toList();
            assertEquals(List.of(2.0, 0.0, 1.0), windows.stream().limit(3).map(StatsWindow::getMean).toList(),
                    windows.toString());
            assertEquals(0L, windows.get(1).getImputed(), "a zero counted, not a gap filled in");
        }
    }

    @Test
    void shouldGiveTheSameOutputWhenStateIsEvictedAndReadBack() {
        // Caches of one entry force every point to read its series back from the store, and its
        // detector from an older snapshot plus the replayed tail.
        final List<String> tiny = run(Map.of(AnalyzerConfig.SERIES_CACHE_MAX_CONFIG, 1,
                AnalyzerConfig.DETECTOR_CACHE_MAX_CONFIG, 1, AnalyzerConfig.DETECTOR_SNAPSHOT_POINTS_CONFIG, 7));
        final List<String> roomy = run(Map.of());
        assertTrue(tiny.stream().anyMatch(s -> s.startsWith("OPEN")), tiny.toString());
        assertEquals(roomy, tiny);
    }

    private static List<String> run(final Map<String, ?> settings) {
        try (TopologyFixture f = new TopologyFixture(settings)) {
            final Random random = new Random(5);
            for (int i = 0; i < 250; i++) {
                for (final String metric : List.of("system.cpu.utilization", "system.memory.utilization")) {
                    final double v = i == 200 ? 0.99 : 0.3 + 0.02 * random.nextGaussian();
                    f.send(metric, i * STEP, v);
                }
            }
            final List<String> out = new ArrayList<>();
            f.anomalies.readValuesToList().forEach(a -> out.add(a.getPhase() + " " + a.getId() + " " + a.getScore()));
            f.stats.readValuesToList().forEach(w -> out.add(w.getId() + " " + w.getMean() + " " + w.getP95()));
            return out;
        }
    }
}
