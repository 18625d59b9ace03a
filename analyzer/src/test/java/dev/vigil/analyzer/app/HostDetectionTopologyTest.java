package dev.vigil.analyzer.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;

import dev.vigil.analyzer.anomaly.HostDetector;
import dev.vigil.analyzer.detect.HostProcessor;
import dev.vigil.analyzer.store.LiveStore;
import dev.vigil.schemas.Anomaly;
import dev.vigil.schemas.MetricSample;
import dev.vigil.schemas.AnomalyPhase;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HostDetectionTopologyTest {
    private static final long STEP = 1_000;
    private static final List<String> METRICS = List.of("system.cpu.utilization", "system.memory.utilization",
            "system.disk.utilization");

    private static void point(final TopologyFixture f, final String host, final long i, final double level,
                              final Random random) {
        for (final String metric : METRICS) {
            f.send(TopologyFixture.metric(host, metric, i * STEP, level + 0.01 * random.nextGaussian(), "1"));
        }
    }

    @Test
    void shouldCloseAHostEpisodeWhenTheHostGoesQuiet() {
        try (TopologyFixture f = new TopologyFixture(Map.of(AnalyzerConfig.STATS_WINDOW_MS_CONFIG, STEP,
                AnalyzerConfig.STATS_HOPPING_SIZE_MS_CONFIG, 5 * STEP, AnalyzerConfig.STATS_HOPPING_ADVANCE_MS_CONFIG,
                STEP, AnalyzerConfig.SERIES_IDLE_MS_CONFIG, 60_000L))) {
            // given: a host whose series all jump together once its host detector is warm, an episode open
            final Random random = new Random(7);
            for (long i = 0; i < 300; i++) {
                point(f, "db-1", i, 0.3, random);
                point(f, "web-2", i, 0.3, random);
            }
            point(f, "db-1", 300, 0.95, random);
            point(f, "db-1", 301, 0.95, random);
            point(f, "web-2", 300, 0.3, random);
            point(f, "web-2", 301, 0.3, random);
            final List<Anomaly> before = f.anomalies.readValuesToList();
            assertTrue(before.stream().anyMatch(a -> a.getKind().equals("host") && a.getPhase() == AnomalyPhase.OPEN),
                    before::toString);
            // when: db-1 sends nothing more, while the other host keeps stream time going well past the idle time
            for (long i = 302; i < 500; i++) {
                point(f, "web-2", i, 0.3, random);
            }
            // then: its host-level episode is closed, like its series' episodes
            final List<Anomaly> after = f.anomalies.readValuesToList();
            final List<Anomaly> hostCloses = after.stream().filter(a -> a.getHost().equals("db-1")
                    && a.getKind().equals("host") && a.getPhase() == AnomalyPhase.CLOSE).toList();
            assertEquals(1, hostCloses.size(), after::toString);
            assertTrue(hostCloses.get(0).getExplanation().contains("sent no points"), hostCloses.get(0)::getExplanation);
        }
    }

    @Test
    void shouldLookAtTheSeriesAHostHasNowWhenItsContainersComeAndGo() {
        // one window per second; a series silent for a minute is forgotten
        try (TopologyFixture f = new TopologyFixture(Map.of(AnalyzerConfig.STATS_WINDOW_MS_CONFIG, STEP,
                AnalyzerConfig.STATS_HOPPING_SIZE_MS_CONFIG, 5 * STEP, AnalyzerConfig.STATS_HOPPING_ADVANCE_MS_CONFIG,
                STEP, AnalyzerConfig.SERIES_IDLE_MS_CONFIG, 30_000L, AnalyzerConfig.SERIES_EXPIRY_MS_CONFIG,
                60_000L))) {
            // given: a host that runs 100 containers one after the other, 20 s each, each with its own series
            final Random random = new Random(11);
            final int containers = 100;
            final long life = 20;
            for (long i = 0; i < containers * life; i++) {
                f.send(TopologyFixture.metric("db-1", "system.cpu.utilization", i * STEP,
                        0.3 + 0.01 * random.nextGaussian(), "1"));
                final MetricSample m = TopologyFixture.metric("db-1", "container.cpu.utilization", i * STEP,
                        0.2 + 0.01 * random.nextGaussian(), "1");
                m.setAttributes(Map.of("container", "c" + i / life));
                f.send(m);
            }
            f.anomalies.readValuesToList();
            // then: its detector looks at the host's series and the containers of the last minute, not the first 64
            @SuppressWarnings("unchecked")
            final LiveStore<HostDetector> detectors = (LiveStore<HostDetector>) f.driver.getStateStore(
                    HostProcessor.DETECTOR_STORE);
            final List<String> expected = new ArrayList<>();
            for (int c = containers - 3; c < containers; c++) {
                expected.add("container.cpu.utilization{container=c" + c + "}");
            }
            expected.add("system.cpu.utilization");
            assertEquals(expected, detectors.get("db-1").series());
        }
    }
}
