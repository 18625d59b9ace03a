package dev.vigil.analyzer.app;

import dev.vigil.analyzer.TestDirs;
import dev.vigil.schemas.Anomaly;
import dev.vigil.schemas.FileActivity;
import dev.vigil.schemas.Forecast;
import dev.vigil.schemas.HostEvent;
import dev.vigil.schemas.LogRecord;
import dev.vigil.schemas.LogTemplate;
import dev.vigil.schemas.MetricSample;
import dev.vigil.schemas.Severity;
import dev.vigil.schemas.StatsWindow;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/** The analyzer topology in a {@link TopologyTestDriver}, with typed input and output topics. */
final class TopologyFixture implements AutoCloseable {
    /** Event times start here; the wall clock is one day later. */
    static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
    static final String HOST = "web-1";

    final AnalyzerConfig config;
    private final Map<String, ?> overrides;
    final TopologyTestDriver driver;
    final TestInputTopic<String, MetricSample> metrics;
    final TestInputTopic<String, LogRecord> logs;
    final TestInputTopic<String, HostEvent> events;
    final TestInputTopic<byte[], byte[]> rawMetrics;
    final TestOutputTopic<String, StatsWindow> stats;
    final TestOutputTopic<String, Anomaly> anomalies;
    final TestOutputTopic<String, Forecast> forecasts;
    final TestOutputTopic<String, LogTemplate> templates;
    final TestOutputTopic<byte[], byte[]> deadLetters;

    /** @param overrides analyzer settings on top of the test defaults */
    TopologyFixture(final Map<String, ?> overrides) {
        this.overrides = Map.copyOf(overrides);
        final Map<String, Object> settings = new HashMap<>();
        settings.put(AnalyzerConfig.STATE_STORE_CONFIG, "memory");
        settings.put(AnalyzerConfig.QUERY_ENDPOINT_CONFIG, "");
        settings.put(AnalyzerConfig.DETECTOR_WARMUP_POINTS_CONFIG, 64);
        settings.put(AnalyzerConfig.CLEAN_GRACE_MS_CONFIG, 10_000L);
        settings.putAll(overrides);
        config = new AnalyzerConfig(settings, Clock.fixed(T0.plusSeconds(86_400), ZoneOffset.UTC));
        final Properties props = AnalyzerService.streamsProperties(config, null);
        props.put(StreamsConfig.STATE_DIR_CONFIG, TestDirs.create("analyzer-ttd").toString());
        driver = new TopologyTestDriver(AnalyzerTopology.build(config), props);
        metrics = input(Topics.METRICS);
        logs = input(Topics.LOGS);
        events = input(Topics.EVENTS);
        rawMetrics = driver.createInputTopic(Topics.METRICS.name(), new ByteArraySerializer(), new ByteArraySerializer());
        stats = output(Topics.STATS);
        anomalies = output(Topics.ANOMALIES);
        forecasts = output(Topics.FORECASTS);
        templates = output(Topics.LOG_TEMPLATES);
        deadLetters = driver.createOutputTopic(Topics.DEAD_LETTER.name(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    TopologyFixture() {
        this(Map.of());
    }

    private <K, V> TestInputTopic<K, V> input(final Topic<K, V> topic) {
        return driver.createInputTopic(topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    private <K, V> TestOutputTopic<K, V> output(final Topic<K, V> topic) {
        return driver.createOutputTopic(topic.name(), topic.keySerde().deserializer(),
                topic.valueSerde().deserializer());
    }

    static MetricSample metric(final String host, final String name, final long offsetMillis, final double value,
                               final String unit) {
        return MetricSample.newBuilder().setId(UUID.randomUUID().toString()).setHost(host).setName(name)
                .setTime(T0.plusMillis(offsetMillis)).setValue(value).setUnit(unit).build();
    }

    void send(final MetricSample sample) {
        metrics.pipeInput(sample.getHost(), sample, sample.getTime());
    }

    void send(final String name, final long offsetMillis, final double value) {
        send(metric(HOST, name, offsetMillis, value, "1"));
    }

    static LogRecord log(final long offsetMillis, final String message, final Severity severity) {
        return log(HOST, offsetMillis, message, severity);
    }

    static LogRecord log(final String host, final long offsetMillis, final String message, final Severity severity) {
        return LogRecord.newBuilder().setId(UUID.randomUUID().toString()).setHost(host)
                .setTime(T0.plusMillis(offsetMillis)).setSource("/var/log/app.log").setMessage(message)
                .setSeverity(severity).build();
    }

    static HostEvent activity(final long endOffsetMillis, final String dataset, final long modified,
                              final Double entropy) {
        final FileActivity a = FileActivity.newBuilder().setDataset(dataset)
                .setIntervalStart(T0.plusMillis(endOffsetMillis - 10_000)).setIntervalEnd(T0.plusMillis(endOffsetMillis))
                .setModified(modified).setBytesWritten(modified * 4096).setWriteEntropy(entropy).build();
        return HostEvent.newBuilder().setId(UUID.randomUUID().toString()).setHost(HOST)
                .setTime(T0.plusMillis(endOffsetMillis)).setKind("file.activity").setDataset(dataset)
                .setFileActivity(a).build();
    }

    /**
     * The analyzer stopped and started again on the committed state: a new driver whose stores hold the bytes this
     * one's hold (what a restore from the changelogs gives; the driver commits after every record), then this one
     * closed. Its outputs must be read before.
     *
     * @return the new fixture, same settings
     */
    TopologyFixture restart() {
        return restart(overrides);
    }

    /**
     * @param settings the settings of the new fixture (on top of the test defaults)
     * @return the new fixture, on this one's committed state
     */
    TopologyFixture restart(final Map<String, ?> settings) {
        final TopologyFixture next = new TopologyFixture(settings);
        for (final Map.Entry<String, StateStore> e : driver.getAllStateStores().entrySet()) {
            final KeyValueStore<Bytes, byte[]> to = innermost(next.driver.getAllStateStores().get(e.getKey()));
            try (KeyValueIterator<Bytes, byte[]> all = innermost(e.getValue()).all()) {
                all.forEachRemaining(kv -> to.put(kv.key, kv.value));
            }
        }
        close();
        return next;
    }

    /**
     * @param store a store's name
     * @return the keys its committed bytes hold, as text (the driver commits after every record)
     */
    List<String> storeKeys(final String store) {
        final List<String> keys = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> all = innermost(driver.getAllStateStores().get(store)).all()) {
            all.forEachRemaining(kv -> keys.add(new String(kv.key.get(), StandardCharsets.UTF_8)));
        }
        return keys;
    }

    @SuppressWarnings("unchecked")
    private static KeyValueStore<Bytes, byte[]> innermost(final StateStore store) {
        StateStore s = store;
        while (s instanceof WrappedStateStore<?, ?, ?> wrapped) {
            s = wrapped.wrapped();
        }
        return (KeyValueStore<Bytes, byte[]>) s;
    }

    @Override
    public void close() {
        driver.close();
    }
}
