package dev.vigil.analyzer.app;

import dev.vigil.analyzer.activity.ActivityProcessor;
import dev.vigil.analyzer.clean.EventTimeExtractor;
import dev.vigil.analyzer.clean.MetricCleaner;
import dev.vigil.analyzer.detect.HostProcessor;
import dev.vigil.analyzer.logseries.LogProcessor;
import dev.vigil.analyzer.series.SeriesProcessor;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.TopicAdmin;
import dev.vigil.schemas.topic.Topics;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * The analyzer's Kafka Streams topology, built from its configuration; the service and the tests
 * build the very same one.
 *
 * <pre>
 * vigil-metrics ─ metrics-source ─ metrics-clean ──────────┐
 * vigil-logs ──── logs-source ──── logs-mine ─────────────┼─ series ─┬─ stats-sink ──────── vigil-stats
 *                                     └─ log-templates-sink │          ├─ anomalies-sink ──── vigil-anomalies
 * vigil-events ── events-source ── events-activity ────────┘          ├─ forecasts-sink ──── vigil-forecasts
 *                                                                     └─ host-detect ─ anomalies-sink
 * </pre>
 *
 * <p>Every input is keyed by host and every per-series and per-host state lives in the task of
 * that host's partition, so there is no repartition topic: scale-out is by input partitions.
 * Processors and stores have explicit names, so changelog topics keep their names across edits.
 */
public final class AnalyzerTopology {
    /** Source of metric samples. */
    public static final String METRICS_SOURCE = "metrics-source";
    /** Source of log records. */
    public static final String LOGS_SOURCE = "logs-source";
    /** Source of host events. */
    public static final String EVENTS_SOURCE = "events-source";
    /** Validates and normalizes metric samples. */
    public static final String METRICS_CLEAN = "metrics-clean";
    /** Mines log templates and counts. */
    public static final String LOGS_MINE = "logs-mine";
    /** File activity to series. */
    public static final String EVENTS_ACTIVITY = "events-activity";
    /** The per-series pipeline. */
    public static final String SERIES = LogProcessor.POINTS;

    private AnalyzerTopology() {
    }

    /**
     * @param config the analyzer's settings (topic prefix, windows, detector, ...)
     * @return the topology
     */
    public static Topology build(final AnalyzerConfig config) {
        final String prefix = config.topicPrefix();
        final boolean persistent = config.persistentStores();
        final int cache = config.getInt(AnalyzerConfig.SERIES_CACHE_MAX_CONFIG);
        final boolean hostDetection = config.getBoolean(AnalyzerConfig.HOST_DETECTOR_ENABLED_CONFIG);
        final EventTimeExtractor eventTime = new EventTimeExtractor(config.limits());
        final Topology topology = new Topology();

        // Sources: every input keyed by host; event time becomes the record timestamp.
        source(topology, METRICS_SOURCE, eventTime, Topics.METRICS.withPrefix(prefix));
        source(topology, LOGS_SOURCE, eventTime, Topics.LOGS.withPrefix(prefix));
        source(topology, EVENTS_SOURCE, eventTime, Topics.EVENTS.withPrefix(prefix));

        // Cleaning and normalization turn each source into points of canonical series.
        topology.addProcessor(METRICS_CLEAN, () -> new MetricCleaner(config.limits()), METRICS_SOURCE);
        topology.addProcessor(LOGS_MINE, () -> new LogProcessor(config.limits(), config.miner(),
                config.series().windows().tumblingMillis(), config.series().windows().graceMillis(),
                config.series().dedupWindowMillis(), config.getInt(AnalyzerConfig.LOGS_TEMPLATE_SERIES_CONFIG),
                config.series().expiryMillis()), LOGS_SOURCE);
        topology.addProcessor(EVENTS_ACTIVITY, () -> new ActivityProcessor(config.limits()), EVENTS_SOURCE);

        // One pipeline for every series, whatever its source: order, dedup, gaps, stats, detection, forecasts.
        topology.addProcessor(SERIES, () -> new SeriesProcessor(config.series(), hostDetection),
                METRICS_CLEAN, LOGS_MINE, EVENTS_ACTIVITY);
        final List<String> anomalyParents = new ArrayList<>(List.of(SERIES));
        if (hostDetection) {
            // The host-level forest sees each host's metric points in partition order.
            topology.addProcessor(SeriesProcessor.HOST, () -> new HostProcessor(config.series().detector(),
                    config.series().episodes(), config.series().windows().tumblingMillis(), config.series().idleMillis(),
                    config.series().expiryMillis()), SERIES);
            anomalyParents.add(SeriesProcessor.HOST);
            for (final StoreBuilder<?> store : HostProcessor.stores(config.series().detector(), persistent, cache)) {
                topology.addStateStore(changelogged(store), SeriesProcessor.HOST);
            }
        }
        for (final StoreBuilder<?> store : SeriesProcessor.stores(config.series(), persistent, cache,
                config.getInt(AnalyzerConfig.DETECTOR_CACHE_MAX_CONFIG))) {
            topology.addStateStore(changelogged(store), SERIES);
        }
        for (final StoreBuilder<?> store : LogProcessor.stores(config.miner(), persistent, cache)) {
            topology.addStateStore(changelogged(store), LOGS_MINE);
        }

        // Sinks: results keyed by host (templates by template id), serdes from the topic catalogue.
        sink(topology, SeriesProcessor.STATS, Topics.STATS.withPrefix(prefix), SERIES);
        sink(topology, SeriesProcessor.ANOMALIES, Topics.ANOMALIES.withPrefix(prefix), anomalyParents.toArray(String[]::new));
        sink(topology, SeriesProcessor.FORECASTS, Topics.FORECASTS.withPrefix(prefix), SERIES);
        sink(topology, LogProcessor.TEMPLATES, Topics.LOG_TEMPLATES.withPrefix(prefix), LOGS_MINE);
        return topology;
    }

    /** Every store keeps its changelog near its live size: the segments roll so that the broker can compact them. */
    private static StoreBuilder<?> changelogged(final StoreBuilder<?> store) {
        return store.withLoggingEnabled(TopicAdmin.STORE_CHANGELOG_CONFIGS);
    }

    private static void source(final Topology topology, final String name, final EventTimeExtractor eventTime,
                               final Topic<?, ?> topic) {
        // A new application reads each input from its beginning.
        topology.addSource(AutoOffsetReset.earliest(), name, eventTime, topic.keySerde().deserializer(),
                topic.valueSerde().deserializer(), topic.name());
    }

    private static void sink(final Topology topology, final String name, final Topic<?, ?> topic,
                             final String... parents) {
        topology.addSink(name, topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer(), parents);
    }
}
