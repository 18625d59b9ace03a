package dev.vigil.analyzer.series;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.analyzer.TestDirs;
import dev.vigil.analyzer.app.AnalyzerConfig;
import dev.vigil.analyzer.app.AnalyzerService;
import dev.vigil.analyzer.app.AnalyzerTopology;
import dev.vigil.analyzer.store.LiveStore;
import dev.vigil.schemas.MetricSample;
import dev.vigil.schemas.topic.Topics;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

/** The documented per-series state sizes hold, and the state survives its encoding unchanged. */
class SeriesStateSizeTest {

    @Test
    void shouldKeepPerSeriesStateSmallAndRoundTripIt() throws Exception {
        final AnalyzerConfig config = new AnalyzerConfig(Map.of(AnalyzerConfig.STATE_STORE_CONFIG, "memory",
                AnalyzerConfig.QUERY_ENDPOINT_CONFIG, ""));
        final Properties props = AnalyzerService.streamsProperties(config, null);
        props.put(StreamsConfig.STATE_DIR_CONFIG, TestDirs.create("size-test").toString());
        try (TopologyTestDriver driver = new TopologyTestDriver(AnalyzerTopology.build(config), props)) {
            final TestInputTopic<String, MetricSample> in = driver.createInputTopic(Topics.METRICS.name(),
                    Topics.METRICS.keySerde().serializer(), Topics.METRICS.valueSerde().serializer());
            final Instant t0 = Instant.now().minusSeconds(86_400).truncatedTo(java.time.temporal.ChronoUnit.DAYS);
            final Random random = new Random(1);
            // given: six hours of a filesystem series, one point every 10 s
            for (int i = 0; i < 6 * 360; i++) {
                final Instant time = t0.plusSeconds(10L * i);
                in.pipeInput("h", MetricSample.newBuilder().setId("id-" + i).setHost("h")
                        .setName("system.filesystem.utilization").setTime(time).setValue(0.5 + 0.01 * random.nextGaussian())
                        .setUnit("1").build(), time);
            }
            final String key = "h\u0000system.filesystem.utilization";
            @SuppressWarnings("unchecked")
            final LiveStore<SeriesState> states = (LiveStore<SeriesState>) driver.getStateStore(
                    SeriesProcessor.STATE_STORE);
            @SuppressWarnings("unchecked")
            final LiveStore<SeriesHistory> histories = (LiveStore<SeriesHistory>) driver.getStateStore(
                    SeriesProcessor.HISTORY_STORE);
            final SeriesState state = states.get(key);
            final byte[] stateBytes = SeriesState.CODEC.encode(state);
            final byte[] historyBytes = SeriesHistory.CODEC.encode(histories.get(key));
            // then: the sizes the README gives
            assertTrue(stateBytes.length < 1600 + 16 * state.tailSize, "series state " + stateBytes.length
                    + " bytes with " + state.tailSize + " points since the detector's snapshot");
            // a forecast series keeps one mean per minute for its trend, 16 bytes each (6 hours: 6 KB more)
            final int trend = 16 * config.getInt(AnalyzerConfig.FORECAST_WINDOW_POINTS_CONFIG);
            assertTrue(historyBytes.length < 3000 + trend, "series history " + historyBytes.length + " bytes");
            // and: decoding gives the same state
            final SeriesState decoded = SeriesState.CODEC.decode(stateBytes);
            assertEquals(state.lastTime, decoded.lastTime);
            assertEquals(state.ids.size(), decoded.ids.size());
            assertEquals(state.tailSize, decoded.tailSize);
            assertEquals(java.util.Arrays.toString(java.util.Arrays.copyOf(state.tailTimes, state.tailSize)),
                    java.util.Arrays.toString(java.util.Arrays.copyOf(decoded.tailTimes, decoded.tailSize)));
            org.junit.jupiter.api.Assertions.assertArrayEquals(stateBytes, SeriesState.CODEC.encode(decoded));
            org.junit.jupiter.api.Assertions.assertArrayEquals(historyBytes,
                    SeriesHistory.CODEC.encode(SeriesHistory.CODEC.decode(historyBytes)));
            // and: a state written before windows published by the idle sweep were remembered (version 1) is read, as
            // nothing published
            final int published = new dev.vigil.analyzer.store.BinaryWriter(16).writeLong(state.publishedUntil)
                    .toByteArray().length;
            final byte[] version1 = java.util.Arrays.copyOf(stateBytes, stateBytes.length - published);
            version1[0] = 1;
            final SeriesState old = SeriesState.CODEC.decode(version1);
            assertEquals(Long.MIN_VALUE, old.publishedUntil);
            assertEquals(state.lastTime, old.lastTime);
            assertTrue(state.publishedUntil > state.lastTime - 120_000, "published until " + state.publishedUntil);
            System.out.printf("series state %d bytes, history %d bytes%n", stateBytes.length, historyBytes.length);
        }
    }
}
