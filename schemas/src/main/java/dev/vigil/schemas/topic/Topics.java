package dev.vigil.schemas.topic;

import dev.vigil.schemas.Anomaly;
import dev.vigil.schemas.BackupCommand;
import dev.vigil.schemas.BackupResult;
import dev.vigil.schemas.DatasetSpec;
import dev.vigil.schemas.DecisionRecord;
import dev.vigil.schemas.Feedback;
import dev.vigil.schemas.Forecast;
import dev.vigil.schemas.HostEvent;
import dev.vigil.schemas.LogRecord;
import dev.vigil.schemas.LogTemplate;
import dev.vigil.schemas.MetricSample;
import dev.vigil.schemas.StatsWindow;
import dev.vigil.schemas.serde.AvroSerde;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Every topic Vigil uses, in data-flow order. The one place that names them.
 *
 * <p>Keys: telemetry and commands are keyed by host, so one host's records stay in order on one
 * partition and a worker reads only its host's partition; dataset state (specs, results,
 * decisions, feedback) is keyed by dataset id.
 */
public final class Topics {
    private static final Duration DAY = Duration.ofDays(1);
    private static final int PARTITIONS = 6;

    /** Metric samples from collectors. */
    public static final Topic<String, MetricSample> METRICS = new Topic<>("vigil-metrics", Serdes.String(),
            AvroSerde.of(MetricSample.class), "host", PARTITIONS, DAY.multipliedBy(7), false,
            "metric samples published by collectors");
    /** Log records from collectors. */
    public static final Topic<String, LogRecord> LOGS = new Topic<>("vigil-logs", Serdes.String(),
            AvroSerde.of(LogRecord.class), "host", PARTITIONS, DAY.multipliedBy(3), false,
            "log records tailed by collectors");
    /**
     * Largest record of the topics that carry path lists: a file-activity event lists the interval's
     * changed and deleted paths (the change journal incremental backups read instead of walking the
     * tree), and a RESTORE command the deleted paths to bring back, so a busy interval (tens of
     * thousands of paths) must fit in one record. Kafka's default is 1 MiB.
     */
    public static final int LARGE_RECORD_BYTES = 8 << 20;
    /** Host events, file activity included. */
    public static final Topic<String, HostEvent> EVENTS = new Topic<>("vigil-events", Serdes.String(),
            AvroSerde.of(HostEvent.class), "host", PARTITIONS, DAY.multipliedBy(30), false,
            "host events: file activity, disk errors, agent lifecycle, posted events", LARGE_RECORD_BYTES);
    /** Input a service refused (the analyzer, the decision engine, a worker), with the reason in a header. */
    public static final Topic<byte[], byte[]> DEAD_LETTER = new Topic<>("vigil-dead-letter", Serdes.ByteArray(),
            Serdes.ByteArray(), "original key", 3, DAY.multipliedBy(30), false,
            "malformed or impossible input, original bytes (none past 1 MiB), reason in header vigil.dlq.reason");
    /** Descriptive statistics per series and window. */
    public static final Topic<String, StatsWindow> STATS = new Topic<>("vigil-stats", Serdes.String(),
            AvroSerde.of(StatsWindow.class), "host", PARTITIONS, DAY.multipliedBy(7), false,
            "windowed statistics per series: count, mean, min, max, variance, stddev, median, p95");
    /** Anomaly episodes. */
    public static final Topic<String, Anomaly> ANOMALIES = new Topic<>("vigil-anomalies", Serdes.String(),
            AvroSerde.of(Anomaly.class), "host", PARTITIONS, DAY.multipliedBy(30), false,
            "anomaly episodes (open, update, close) with score and explanation");
    /** Time-to-full forecasts. */
    public static final Topic<String, Forecast> FORECASTS = new Topic<>("vigil-forecasts", Serdes.String(),
            AvroSerde.of(Forecast.class), "host", PARTITIONS, DAY.multipliedBy(7), false,
            "resource exhaustion forecasts under the horizon");
    /** Mined log templates. */
    public static final Topic<String, LogTemplate> LOG_TEMPLATES = new Topic<>("vigil-log-templates",
            Serdes.String(), AvroSerde.of(LogTemplate.class), "template id", 3, null, true,
            "log templates by stable id (compacted)");
    /** The registry of protected datasets. */
    public static final Topic<String, DatasetSpec> DATASETS = new Topic<>("vigil-datasets", Serdes.String(),
            AvroSerde.of(DatasetSpec.class), "dataset id", PARTITIONS, null, true,
            "protected datasets and their policies (compacted; null value removes)");
    /** Signed commands for workers. */
    public static final Topic<String, BackupCommand> COMMANDS = new Topic<>("vigil-commands", Serdes.String(),
            AvroSerde.of(BackupCommand.class), "host", PARTITIONS, DAY.multipliedBy(30), false,
            "signed backup, restore, verify, migrate and retention commands", LARGE_RECORD_BYTES);
    /** What workers did. */
    public static final Topic<String, BackupResult> RESULTS = new Topic<>("vigil-results", Serdes.String(),
            AvroSerde.of(BackupResult.class), "dataset id", PARTITIONS, DAY.multipliedBy(90), false,
            "command results: accepted, progress, succeeded, failed, rejected");
    /** The decision audit trail. */
    public static final Topic<String, DecisionRecord> DECISIONS = new Topic<>("vigil-decisions", Serdes.String(),
            AvroSerde.of(DecisionRecord.class), "dataset id", PARTITIONS, DAY.multipliedBy(365), false,
            "every decision with its explanation, suppressed ones included");
    /** Operator approvals, rejections and overrides. */
    public static final Topic<String, Feedback> FEEDBACK = new Topic<>("vigil-feedback", Serdes.String(),
            AvroSerde.of(Feedback.class), "dataset id", PARTITIONS, DAY.multipliedBy(3650), false,
            "operator approvals, rejections and overrides; training data for the decision tree");
    /** Writer schemas by fingerprint, so older readers can decode newer messages. */
    public static final Topic<String, String> SCHEMAS = new Topic<>("vigil-schemas", Serdes.String(),
            Serdes.String(), "schema fingerprint (hex)", 1, null, true,
            "every writer schema by fingerprint (compacted)");

    /** Every topic, in data-flow order. */
    public static final List<Topic<?, ?>> ALL = List.of(METRICS, LOGS, EVENTS, DEAD_LETTER, STATS, ANOMALIES,
            FORECASTS, LOG_TEMPLATES, DATASETS, COMMANDS, RESULTS, DECISIONS, FEEDBACK, SCHEMAS);

    private Topics() {
    }

    /**
     * @param prefix the deployment's topic prefix, possibly empty
     * @return every topic under that prefix
     */
    public static List<Topic<?, ?>> all(final String prefix) {
        return ALL.stream().<Topic<?, ?>>map(t -> t.withPrefix(prefix)).toList();
    }

    /** @return the current schema of every Avro-encoded topic value */
    public static List<org.apache.avro.Schema> valueSchemas() {
        return ALL.stream().map(Topic::valueSerde).filter(AvroSerde.class::isInstance)
                .map(s -> ((AvroSerde<?>) s).schema()).distinct().toList();
    }
}
