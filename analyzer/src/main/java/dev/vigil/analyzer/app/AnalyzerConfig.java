package dev.vigil.analyzer.app;

import dev.vigil.analyzer.anomaly.DetectorOptions;
import dev.vigil.analyzer.clean.GapFiller;
import dev.vigil.analyzer.clean.Limits;
import dev.vigil.analyzer.detect.EpisodePolicy;
import dev.vigil.analyzer.forecast.ForecastPolicy;
import dev.vigil.analyzer.logs.MinerOptions;
import dev.vigil.analyzer.query.Endpoint;
import dev.vigil.analyzer.series.SeriesSettings;
import dev.vigil.analyzer.stats.WindowSpec;
import dev.vigil.schemas.config.CommonConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * The analyzer's settings: one {@link ConfigDef}, every key typed, defaulted, validated and
 * documented. {@code kafka.*} keys pass to Kafka Streams and its clients (e.g. {@code
 * kafka.num.standby.replicas=1}); exactly-once, the handlers and the naming check are fixed.
 * {@code java dev.vigil.analyzer.app.AnalyzerConfig} prints the reference as HTML.
 */
public final class AnalyzerConfig extends CommonConfig {
    public static final String APPLICATION_ID_CONFIG = "application.id";
    private static final String APPLICATION_ID_DOC = "Kafka Streams application id; instances with the same id "
            + "share the work by partitions. The topic prefix is put in front of it.";
    public static final String STATE_DIR_CONFIG = "state.dir";
    private static final String STATE_DIR_DOC = "Directory of the local state stores (rebuilt from changelog "
            + "topics when lost).";
    public static final String STATE_STORE_CONFIG = "state.store";
    private static final String STATE_STORE_DOC = "Where state stores keep their bytes: rocksdb (on disk, memory "
            + "bounded by the live caches below) or memory (faster, everything on the heap).";
    public static final String STREAM_THREADS_CONFIG = "stream.threads";
    private static final String STREAM_THREADS_DOC = "Stream threads of this instance; each runs some of the "
            + "tasks (one task per input partition).";
    public static final String COMMIT_INTERVAL_MS_CONFIG = "commit.interval.ms";
    private static final String COMMIT_INTERVAL_MS_DOC = "How often results are committed, in ms. With exactly-once, "
            + "output becomes visible to read_committed consumers at a commit: this bounds the latency from a "
            + "point to its anomaly.";
    public static final String STARTUP_TIMEOUT_MS_CONFIG = "startup.timeout.ms";
    private static final String STARTUP_TIMEOUT_MS_DOC = "How long start-up waits for the Kafka cluster to answer "
            + "and its topics to be created or checked (tries included), then for the Streams state RUNNING, in ms. A cluster that does not answer within a second is logged at "
            + "WARN with bootstrap.servers; one that does not answer within this time fails the start (exit code 1).";
    public static final String QUERY_ENDPOINT_CONFIG = "query.endpoint";
    private static final String QUERY_ENDPOINT_DOC = "host:port of this instance's HTTP endpoint for interactive "
            + "queries (vigil stats), also advertised to other instances as application.server. Port 0 picks a "
            + "free port. Empty disables it.";
    public static final String CLEAN_GRACE_MS_CONFIG = "clean.grace.ms";
    private static final String CLEAN_GRACE_MS_DOC = "How far behind a series' latest point a late point is still "
            + "placed in its window, in ms; later ones go to the dead-letter topic. Windows wait this long after "
            + "their end before they are published.";
    public static final String CLEAN_DEDUP_WINDOW_MS_CONFIG = "clean.dedup.window.ms";
    private static final String CLEAN_DEDUP_WINDOW_MS_DOC = "How far behind a series' latest point a retried "
            + "duplicate (same record id) is recognised and dropped, in ms of event time (at most 512 ids per series); "
            + "the same for log records, behind the host's latest log time (at most 8,192 ids per host); "
            + "at least clean.grace.ms, so that no late point is counted twice.";
    public static final String CLEAN_MAX_FUTURE_MS_CONFIG = "clean.max.future.ms";
    private static final String CLEAN_MAX_FUTURE_MS_DOC = "How far ahead of this host's clock an event time may be, "
            + "in ms; records further ahead go to the dead-letter topic.";
    public static final String CLEAN_GAP_MAX_POINTS_CONFIG = "clean.gap.max.points";
    private static final String CLEAN_GAP_MAX_POINTS_DOC = "Longest gap in a regular series that is filled, in "
            + "missing points (flagged imputed, counted in StatsWindow.imputed); 0 disables filling.";
    public static final String CLEAN_GAP_METHOD_CONFIG = "clean.gap.method";
    private static final String CLEAN_GAP_METHOD_DOC = "How gaps are filled: linear (interpolation) or forward "
            + "(repeat the last value).";
    public static final String LOGS_MAX_MESSAGE_BYTES_CONFIG = "logs.max.message.bytes";
    private static final String LOGS_MAX_MESSAGE_BYTES_DOC = "Longest log message analyzed, in UTF-8 bytes; longer "
            + "ones go to the dead-letter topic.";
    public static final String LOGS_TEMPLATE_SERIES_CONFIG = "logs.template.series";
    private static final String LOGS_TEMPLATE_SERIES_DOC = "Templates per host with their own count series "
            + "(log.template.records), the most recently seen ones.";
    public static final String LOGS_MINER_DEPTH_CONFIG = "logs.miner.depth";
    private static final String LOGS_MINER_DEPTH_DOC = "Template miner: depth of its parse tree (at least 3): the root, "
            + "one level by token count, then depth - 2 levels by a message's leading constant tokens.";
    public static final String LOGS_MINER_SIMILARITY_CONFIG = "logs.miner.similarity";
    private static final String LOGS_MINER_SIMILARITY_DOC = "Template miner: share of a message's tokens, in (0, 1], "
            + "that must equal a template's constant tokens for the message to join it.";
    public static final String LOGS_MINER_MAX_CHILDREN_CONFIG = "logs.miner.max.children";
    private static final String LOGS_MINER_MAX_CHILDREN_DOC = "Template miner: children per tree node before further "
            + "tokens share the wildcard child; also templates per leaf, past which its least recently matched one is "
            + "evicted (a message is compared with each template of its leaf).";
    public static final String LOGS_MINER_MAX_TEMPLATES_CONFIG = "logs.miner.max.templates";
    private static final String LOGS_MINER_MAX_TEMPLATES_DOC = "Template miner: templates kept per stream task (about "
            + "900 bytes of heap each); past it the least recently matched one is evicted. The stored state (one "
            + "changelog record) is also kept under 900 KiB, below the 1 MiB a Kafka producer sends by default: about "
            + "5,500 templates of 12 words.";
    public static final String LOGS_MINER_MAX_WORD_CHANGES_CONFIG = "logs.miner.max.word.changes";
    private static final String LOGS_MINER_MAX_WORD_CHANGES_DOC = "Template miner: plain words (without digits, not "
            + "yet parameters) that may differ between a message and the template it joins.";
    public static final String LOGS_MINER_WORD_VALUES_CONFIG = "logs.miner.word.values";
    private static final String LOGS_MINER_WORD_VALUES_DOC = "Template miner: different words a template position must "
            + "show (at least 2) before it becomes a parameter <*>; until then each word keeps its own template.";
    public static final String STATS_WINDOW_MS_CONFIG = "stats.window.ms";
    private static final String STATS_WINDOW_MS_DOC = "Tumbling statistics window, in ms; also the log count "
            + "window and how often a host is scored.";
    public static final String STATS_HOPPING_SIZE_MS_CONFIG = "stats.hopping.size.ms";
    private static final String STATS_HOPPING_SIZE_MS_DOC = "Hopping statistics window size, in ms; a multiple of "
            + "stats.window.ms.";
    public static final String STATS_HOPPING_ADVANCE_MS_CONFIG = "stats.hopping.advance.ms";
    private static final String STATS_HOPPING_ADVANCE_MS_DOC = "Hopping window advance, in ms; a multiple of "
            + "stats.window.ms, at most the size.";
    public static final String STATS_SKETCH_K_CONFIG = "stats.sketch.k";
    private static final String STATS_SKETCH_K_DOC = "KLL sketch k for median and p95: exact up to about k values "
            + "per window, then within about 1.65 % rank error at k = 200.";
    public static final String DETECTOR_WARMUP_POINTS_CONFIG = "detector.warmup.points";
    private static final String DETECTOR_WARMUP_POINTS_DOC = "Points a series' detector learns before it scores "
            + "(default: the detector's own default).";
    public static final String DETECTOR_WINDOW_POINTS_CONFIG = "detector.window.points";
    private static final String DETECTOR_WINDOW_POINTS_DOC = "Recent points the detector's tails and forest are trained on "
            + "(default: the detector's own default).";
    public static final String DETECTOR_RETRAIN_POINTS_CONFIG = "detector.retrain.points";
    private static final String DETECTOR_RETRAIN_POINTS_DOC = "The detector's tails are refitted every this many points, its forest every fourth time "
            + "(default: the detector's own default).";
    public static final String DETECTOR_SKIP_SERIES_CONFIG = "detector.skip.series";
    private static final String DETECTOR_SKIP_SERIES_DOC = "Metric names (a trailing * matches any ending) that get "
            + "statistics and forecasts but no anomaly detection: counters that only grow jump after any gap in "
            + "their data.";
    public static final String DETECTOR_TREES_CONFIG = "detector.trees";
    private static final String DETECTOR_TREES_DOC = "Isolation trees per forest (default: the detector's own default).";
    public static final String DETECTOR_SNAPSHOT_POINTS_CONFIG = "detector.snapshot.points";
    private static final String DETECTOR_SNAPSHOT_POINTS_DOC = "A series' detector is written to its changelog "
            + "every this many points; the points in between are kept with the series and replayed on restore. Fewer "
            + "snapshots cost less (256 against 64: +12-15 % throughput in 'vigil bench analyzer'), the series' "
            + "state grows by 16 bytes per point kept.";
    public static final String ANOMALY_OPEN_THRESHOLD_CONFIG = "anomaly.open.threshold";
    private static final String ANOMALY_OPEN_THRESHOLD_DOC = "Score (0..1) at which an anomaly episode opens. The "
            + "detector's score is N / (N + 2.5), N the surprise -log10(tail probability) above the series' recent "
            + "peak: 0.75 means N = 7.5.";
    public static final String ANOMALY_CLOSE_THRESHOLD_CONFIG = "anomaly.close.threshold";
    private static final String ANOMALY_CLOSE_THRESHOLD_DOC = "Score under which a point counts as calm; below "
            + "anomaly.open.threshold (hysteresis).";
    public static final String ANOMALY_CLOSE_POINTS_CONFIG = "anomaly.close.points";
    private static final String ANOMALY_CLOSE_POINTS_DOC = "Consecutive calm points that close an episode.";
    public static final String ANOMALY_UPDATE_DELTA_CONFIG = "anomaly.update.delta";
    private static final String ANOMALY_UPDATE_DELTA_DOC = "Rise of the score above the last published one that "
            + "publishes an UPDATE.";
    public static final String HOST_DETECTOR_ENABLED_CONFIG = "host.detector.enabled";
    private static final String HOST_DETECTOR_ENABLED_DOC = "Score each host's metric series together once per "
            + "stats window (multivariate forest).";
    public static final String SERIES_CACHE_MAX_CONFIG = "series.cache.max";
    private static final String SERIES_CACHE_MAX_DOC = "Series (and hosts) whose state stays decoded in memory, "
            + "per task; others are read back from the store when needed. Also the series whose latest windows "
            + "`vigil stats` answers from, per task (the most recently updated).";
    public static final String DETECTOR_CACHE_MAX_CONFIG = "detector.cache.max";
    private static final String DETECTOR_CACHE_MAX_DOC = "Series detectors kept in memory per task (each holds its "
            + "forest); others are rebuilt from their snapshot when needed. This bounds the analyzer's heap.";
    public static final String SERIES_MAX_PER_HOST_CONFIG = "series.max.per.host";
    private static final String SERIES_MAX_PER_HOST_DOC = "Metric series one host may have, per task (one task holds "
            + "all of a host's series); a point that would start another goes to the dead-letter topic, until some of "
            + "the host's series are forgotten (series.expiry.ms). A name or attribute that takes a new value per "
            + "request (a request id in it) would otherwise grow the state stores by about 45 KB a series for a day. "
            + "Log and file-activity series are not counted: their own settings bound them.";
    public static final String SERIES_IDLE_MS_CONFIG = "series.idle.ms";
    private static final String SERIES_IDLE_MS_DOC = "A series without points for this long (in its event time, and "
            + "in stream time since its last point came) has its open windows published and its episode closed, in ms. "
            + "A point that comes later for a window so published goes to the dead-letter topic.";
    public static final String SERIES_EXPIRY_MS_CONFIG = "series.expiry.ms";
    private static final String SERIES_EXPIRY_MS_DOC = "A series without points for this long is forgotten, in ms; so is a "
            + "host without log lines (its log counts and record ids).";;
    public static final String FORECAST_SERIES_CONFIG = "forecast.series";
    private static final String FORECAST_SERIES_DOC = "Metric names (ratio series, * as wildcard) that get "
            + "time-to-full forecasts.";
    public static final String FORECAST_HORIZON_MS_CONFIG = "forecast.horizon.ms";
    private static final String FORECAST_HORIZON_MS_DOC = "A forecast is published when time-to-full is under "
            + "this, in ms.";
    public static final String FORECAST_WINDOW_POINTS_CONFIG = "forecast.window.points";
    private static final String FORECAST_WINDOW_POINTS_DOC = "Window means kept for the line: it is fitted to the "
            + "newest of them that fit best, and tells at most forecast.max.extrapolation times their span ahead (360 "
            + "one-minute means: a day). A change applies to every series at its next window, which keeps its newest "
            + "points.";
    public static final String FORECAST_MIN_POINTS_CONFIG = "forecast.min.points";
    private static final String FORECAST_MIN_POINTS_DOC = "Window means needed before any forecast.";
    public static final String FORECAST_MIN_R2_CONFIG = "forecast.min.r2";
    private static final String FORECAST_MIN_R2_DOC = "Least fit quality (r squared) for a forecast.";
    public static final String FORECAST_MAX_EXTRAPOLATION_CONFIG = "forecast.max.extrapolation";
    private static final String FORECAST_MAX_EXTRAPOLATION_DOC = "A time-to-full is published only when it is at most "
            + "this many times the time the fitted points span: the trend held for at least a quarter of the time it "
            + "predicts (15 minutes of data: an hour ahead at most; 6 hours: a day).";
    public static final String FORECAST_INTERVAL_MS_CONFIG = "forecast.interval.ms";
    private static final String FORECAST_INTERVAL_MS_DOC = "Least time between two forecasts of one series, in ms "
            + "of event time.";

    private static final long MINUTE = 60_000L;
    private static final DetectorOptions DETECTOR = DetectorOptions.defaults();
    private static final MinerOptions MINER = MinerOptions.defaults();

    /** Every key the analyzer accepts. */
    public static final ConfigDef CONFIG = fixed(CommonConfig.define()
            .define(APPLICATION_ID_CONFIG, Type.STRING, "vigil-analyzer", new ConfigDef.NonEmptyString(),
                    Importance.HIGH, APPLICATION_ID_DOC)
            .define(STATE_DIR_CONFIG, Type.STRING, Path.of(System.getProperty("java.io.tmpdir"), "vigil-analyzer")
                    .toString(), new ConfigDef.NonEmptyString(), Importance.HIGH, STATE_DIR_DOC)
            .define(STATE_STORE_CONFIG, Type.STRING, "rocksdb", ValidString.in("rocksdb", "memory"), Importance.MEDIUM,
                    STATE_STORE_DOC)
            .define(STREAM_THREADS_CONFIG, Type.INT, 1, Range.between(1, 64), Importance.MEDIUM, STREAM_THREADS_DOC)
            .define(COMMIT_INTERVAL_MS_CONFIG, Type.LONG, 100L, Range.between(10, 60_000), Importance.MEDIUM,
                    COMMIT_INTERVAL_MS_DOC)
            .define(STARTUP_TIMEOUT_MS_CONFIG, Type.LONG, 60_000L, Range.atLeast(1000), Importance.LOW,
                    STARTUP_TIMEOUT_MS_DOC)
            .define(QUERY_ENDPOINT_CONFIG, Type.STRING, "127.0.0.1:7071", CommonConfig.validator(
                        "host:port, or empty", (name, value) -> {
                            try {
                                if (!((String) value).isBlank()) {
                                    Endpoint.parse(((String) value).strip());
                                }
                            } catch (IllegalArgumentException e) {
                                throw new ConfigException(name, value, e.getMessage());
                            }
                        }), Importance.MEDIUM, QUERY_ENDPOINT_DOC)
            .define(CLEAN_GRACE_MS_CONFIG, Type.LONG, 30_000L, Range.between(0, 24 * 60 * MINUTE), Importance.MEDIUM,
                    CLEAN_GRACE_MS_DOC)
            .define(CLEAN_DEDUP_WINDOW_MS_CONFIG, Type.LONG, 5 * MINUTE, Range.atLeast(0), Importance.LOW,
                    CLEAN_DEDUP_WINDOW_MS_DOC)
            .define(CLEAN_MAX_FUTURE_MS_CONFIG, Type.LONG, 10 * MINUTE, Range.atLeast(0), Importance.LOW,
                    CLEAN_MAX_FUTURE_MS_DOC)
            .define(CLEAN_GAP_MAX_POINTS_CONFIG, Type.INT, 10, Range.between(0, 1000), Importance.LOW,
                    CLEAN_GAP_MAX_POINTS_DOC)
            .define(CLEAN_GAP_METHOD_CONFIG, Type.STRING, "linear", ValidString.in("linear", "forward"),
                    Importance.LOW, CLEAN_GAP_METHOD_DOC)
            .define(LOGS_MAX_MESSAGE_BYTES_CONFIG, Type.INT, 65_536, Range.between(64, 16 << 20), Importance.LOW,
                    LOGS_MAX_MESSAGE_BYTES_DOC)
            .define(LOGS_TEMPLATE_SERIES_CONFIG, Type.INT, 20, Range.between(0, 1000), Importance.LOW,
                    LOGS_TEMPLATE_SERIES_DOC)
            .define(LOGS_MINER_DEPTH_CONFIG, Type.INT, MINER.depth(), Range.between(3, 64), Importance.LOW,
                    LOGS_MINER_DEPTH_DOC)
            .define(LOGS_MINER_SIMILARITY_CONFIG, Type.DOUBLE, MINER.similarity(), CommonConfig.validator("in (0, 1]",
                        (name, value) -> {
                            final double v = (Double) value;
                            if (!(v > 0 && v <= 1)) {
                                throw new ConfigException(name, value, "must be in (0, 1]");
                            }
                        }), Importance.LOW, LOGS_MINER_SIMILARITY_DOC)
            .define(LOGS_MINER_MAX_CHILDREN_CONFIG, Type.INT, MINER.maxChildren(), Range.between(2, 1_000_000),
                    Importance.LOW, LOGS_MINER_MAX_CHILDREN_DOC)
            .define(LOGS_MINER_MAX_TEMPLATES_CONFIG, Type.INT, MINER.maxTemplates(), Range.between(1, 10_000_000),
                    Importance.LOW, LOGS_MINER_MAX_TEMPLATES_DOC)
            .define(LOGS_MINER_MAX_WORD_CHANGES_CONFIG, Type.INT, MINER.maxWordChanges(), Range.between(0, 1000),
                    Importance.LOW, LOGS_MINER_MAX_WORD_CHANGES_DOC)
            .define(LOGS_MINER_WORD_VALUES_CONFIG, Type.INT, MINER.wordValues(), Range.between(2, 1_000_000),
                    Importance.LOW, LOGS_MINER_WORD_VALUES_DOC)
            .define(STATS_WINDOW_MS_CONFIG, Type.LONG, MINUTE, Range.atLeast(1000), Importance.MEDIUM,
                    STATS_WINDOW_MS_DOC)
            .define(STATS_HOPPING_SIZE_MS_CONFIG, Type.LONG, 15 * MINUTE, Range.atLeast(1000), Importance.LOW,
                    STATS_HOPPING_SIZE_MS_DOC)
            .define(STATS_HOPPING_ADVANCE_MS_CONFIG, Type.LONG, 5 * MINUTE, Range.atLeast(1000), Importance.LOW,
                    STATS_HOPPING_ADVANCE_MS_DOC)
            .define(STATS_SKETCH_K_CONFIG, Type.INT, 200, Range.between(8, 65535), Importance.LOW, STATS_SKETCH_K_DOC)
            .define(DETECTOR_WARMUP_POINTS_CONFIG, Type.INT, DETECTOR.warmupPoints(), Range.between(16, 65536),
                    Importance.MEDIUM, DETECTOR_WARMUP_POINTS_DOC)
            .define(DETECTOR_WINDOW_POINTS_CONFIG, Type.INT, DETECTOR.window(), Range.between(32, 65536),
                    Importance.LOW, DETECTOR_WINDOW_POINTS_DOC)
            .define(DETECTOR_RETRAIN_POINTS_CONFIG, Type.INT, DETECTOR.retrainEvery(), Range.between(1, 65536),
                    Importance.LOW, DETECTOR_RETRAIN_POINTS_DOC)
            .define(DETECTOR_SKIP_SERIES_CONFIG, Type.LIST, "system.uptime", Importance.LOW, DETECTOR_SKIP_SERIES_DOC)
            .define(DETECTOR_TREES_CONFIG, Type.INT, DETECTOR.trees(), Range.between(1, 1000), Importance.LOW,
                    DETECTOR_TREES_DOC)
            .define(DETECTOR_SNAPSHOT_POINTS_CONFIG, Type.INT, 256, Range.between(1, 4096), Importance.LOW,
                    DETECTOR_SNAPSHOT_POINTS_DOC)
            .define(ANOMALY_OPEN_THRESHOLD_CONFIG, Type.DOUBLE, 0.75, Range.between(0.01, 1.0), Importance.HIGH,
                    ANOMALY_OPEN_THRESHOLD_DOC)
            .define(ANOMALY_CLOSE_THRESHOLD_CONFIG, Type.DOUBLE, 0.3, Range.between(0.0, 1.0), Importance.MEDIUM,
                    ANOMALY_CLOSE_THRESHOLD_DOC)
            .define(ANOMALY_CLOSE_POINTS_CONFIG, Type.INT, 3, Range.between(1, 10_000), Importance.MEDIUM,
                    ANOMALY_CLOSE_POINTS_DOC)
            .define(ANOMALY_UPDATE_DELTA_CONFIG, Type.DOUBLE, 0.1, Range.between(0.01, 1.0), Importance.LOW,
                    ANOMALY_UPDATE_DELTA_DOC)
            .define(HOST_DETECTOR_ENABLED_CONFIG, Type.BOOLEAN, true, Importance.LOW, HOST_DETECTOR_ENABLED_DOC)
            .define(SERIES_CACHE_MAX_CONFIG, Type.INT, 10_000, Range.between(1, 10_000_000), Importance.LOW,
                    SERIES_CACHE_MAX_DOC)
            .define(DETECTOR_CACHE_MAX_CONFIG, Type.INT, 1000, Range.between(1, 10_000_000), Importance.MEDIUM,
                    DETECTOR_CACHE_MAX_DOC)
            .define(SERIES_MAX_PER_HOST_CONFIG, Type.INT, 2000, Range.between(1, 10_000_000), Importance.MEDIUM,
                    SERIES_MAX_PER_HOST_DOC)
            .define(SERIES_IDLE_MS_CONFIG, Type.LONG, 10 * MINUTE, Range.atLeast(1000), Importance.LOW,
                    SERIES_IDLE_MS_DOC)
            .define(SERIES_EXPIRY_MS_CONFIG, Type.LONG, 24 * 60 * MINUTE, Range.atLeast(1000), Importance.LOW,
                    SERIES_EXPIRY_MS_DOC)
            .define(FORECAST_SERIES_CONFIG, Type.LIST, "system.filesystem.utilization,system.filesystem.inodes.utilization", Importance.MEDIUM,
                    FORECAST_SERIES_DOC)
            .define(FORECAST_HORIZON_MS_CONFIG, Type.LONG, 7 * 24 * 60 * MINUTE, Range.atLeast(1000),
                    Importance.MEDIUM, FORECAST_HORIZON_MS_DOC)
            .define(FORECAST_WINDOW_POINTS_CONFIG, Type.INT, 360, Range.between(2, 10_000), Importance.LOW,
                    FORECAST_WINDOW_POINTS_DOC)
            .define(FORECAST_MIN_POINTS_CONFIG, Type.INT, 15, Range.between(2, 10_000), Importance.LOW,
                    FORECAST_MIN_POINTS_DOC)
            .define(FORECAST_MIN_R2_CONFIG, Type.DOUBLE, 0.8, Range.between(0.0, 1.0), Importance.LOW,
                    FORECAST_MIN_R2_DOC)
            .define(FORECAST_INTERVAL_MS_CONFIG, Type.LONG, 60 * MINUTE, Range.atLeast(0), Importance.LOW,
                    FORECAST_INTERVAL_MS_DOC)
            .define(FORECAST_MAX_EXTRAPOLATION_CONFIG, Type.DOUBLE, 4.0, Range.between(0.1, 10_000.0), Importance.LOW,
                    FORECAST_MAX_EXTRAPOLATION_DOC));

    /** The Kafka Streams settings the analyzer sets itself: their kafka.* form is refused, naming the key to set. */
    private static ConfigDef fixed(final ConfigDef definition) {
        CommonConfig.fixedClientKey(definition, "processing.guarantee", "the analyzer always runs exactly_once_v2");
        CommonConfig.fixedClientKey(definition, "application.id", "set " + APPLICATION_ID_CONFIG
                + " (the topic prefix is put in front of it)");
        CommonConfig.fixedClientKey(definition, "num.stream.threads", "set " + STREAM_THREADS_CONFIG);
        CommonConfig.fixedClientKey(definition, "state.dir", "set " + STATE_DIR_CONFIG);
        CommonConfig.fixedClientKey(definition, "commit.interval.ms", "set " + COMMIT_INTERVAL_MS_CONFIG);
        CommonConfig.fixedClientKey(definition, "application.server", "set " + QUERY_ENDPOINT_CONFIG);
        return definition;
    }

    private final Clock clock;
    private final SeriesSettings series;

    /**
     * @param values the settings (from {@link dev.vigil.schemas.config.ConfigFile} or code)
     * @throws ConfigException naming the keys when settings contradict each other
     */
    public AnalyzerConfig(final Map<?, ?> values) {
        this(values, Clock.systemUTC());
    }

    /**
     * @param values the settings
     * @param clock the wall clock (tests inject a fixed one)
     * @throws ConfigException naming the keys when settings contradict each other
     */
    public AnalyzerConfig(final Map<?, ?> values, final Clock clock) {
        super(CONFIG, values);
        this.clock = clock;
        checkConsistency();
        try {
            this.series = buildSeriesSettings();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("inconsistent analyzer settings: " + e.getMessage());
        }
    }

    /** Refuses settings that contradict each other, naming the keys as the operator wrote them. */
    private void checkConsistency() {
        order(FORECAST_MIN_POINTS_CONFIG, getInt(FORECAST_MIN_POINTS_CONFIG), FORECAST_WINDOW_POINTS_CONFIG,
                getInt(FORECAST_WINDOW_POINTS_CONFIG), false);
        order(DETECTOR_WARMUP_POINTS_CONFIG, getInt(DETECTOR_WARMUP_POINTS_CONFIG), DETECTOR_WINDOW_POINTS_CONFIG,
                getInt(DETECTOR_WINDOW_POINTS_CONFIG), false);
        order(ANOMALY_CLOSE_THRESHOLD_CONFIG, getDouble(ANOMALY_CLOSE_THRESHOLD_CONFIG), ANOMALY_OPEN_THRESHOLD_CONFIG,
                getDouble(ANOMALY_OPEN_THRESHOLD_CONFIG), true);
        order(CLEAN_GRACE_MS_CONFIG, getLong(CLEAN_GRACE_MS_CONFIG), SERIES_IDLE_MS_CONFIG, getLong(SERIES_IDLE_MS_CONFIG),
                true);
        order(SERIES_IDLE_MS_CONFIG, getLong(SERIES_IDLE_MS_CONFIG), SERIES_EXPIRY_MS_CONFIG,
                getLong(SERIES_EXPIRY_MS_CONFIG), false);
        final long grace = getLong(CLEAN_GRACE_MS_CONFIG);
        final long dedup = getLong(CLEAN_DEDUP_WINDOW_MS_CONFIG);
        if (dedup < grace) {
            // A retry later than the dedup window but within the grace would be placed in its window again.
            throw new ConfigException(CLEAN_DEDUP_WINDOW_MS_CONFIG + " " + dedup + " must be at least "
                    + CLEAN_GRACE_MS_CONFIG + " " + grace + ": a retried record (same id) that comes later than the "
                    + "dedup window but within the grace would be counted twice");
        }
        final long tumbling = getLong(STATS_WINDOW_MS_CONFIG);
        for (final String key : List.of(STATS_HOPPING_SIZE_MS_CONFIG, STATS_HOPPING_ADVANCE_MS_CONFIG)) {
            if (getLong(key) % tumbling != 0) {
                throw new ConfigException(key + " " + getLong(key) + " must be a multiple of " + STATS_WINDOW_MS_CONFIG
                        + " " + tumbling);
            }
        }
    }

    private static void order(final String lowKey, final double low, final String highKey, final double high,
                              final boolean strict) {
        if (strict ? low >= high : low > high) {
            throw new ConfigException(lowKey + " " + num(low) + " must be " + (strict ? "below " : "at most ") + highKey
                    + " " + num(high));
        }
    }

    private static String num(final double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private SeriesSettings buildSeriesSettings() {
        final WindowSpec windows = new WindowSpec(getLong(STATS_WINDOW_MS_CONFIG), getLong(STATS_HOPPING_SIZE_MS_CONFIG),
                getLong(STATS_HOPPING_ADVANCE_MS_CONFIG), getLong(CLEAN_GRACE_MS_CONFIG), getInt(STATS_SKETCH_K_CONFIG));
        final EpisodePolicy episodes = new EpisodePolicy(getDouble(ANOMALY_OPEN_THRESHOLD_CONFIG),
                getDouble(ANOMALY_CLOSE_THRESHOLD_CONFIG), getInt(ANOMALY_CLOSE_POINTS_CONFIG),
                getDouble(ANOMALY_UPDATE_DELTA_CONFIG));
        final ForecastPolicy forecasts = new ForecastPolicy(getList(FORECAST_SERIES_CONFIG),
                getLong(FORECAST_HORIZON_MS_CONFIG), getInt(FORECAST_WINDOW_POINTS_CONFIG),
                getInt(FORECAST_MIN_POINTS_CONFIG), getDouble(FORECAST_MIN_R2_CONFIG), getLong(FORECAST_INTERVAL_MS_CONFIG),
                getDouble(FORECAST_MAX_EXTRAPOLATION_CONFIG));
        return new SeriesSettings(windows, getLong(CLEAN_DEDUP_WINDOW_MS_CONFIG), getInt(CLEAN_GAP_MAX_POINTS_CONFIG),
                GapFiller.Method.valueOf(getString(CLEAN_GAP_METHOD_CONFIG).toUpperCase(Locale.ROOT)), detector(),
                getInt(DETECTOR_SNAPSHOT_POINTS_CONFIG), episodes, forecasts, getLong(SERIES_IDLE_MS_CONFIG),
                getLong(SERIES_EXPIRY_MS_CONFIG), getList(DETECTOR_SKIP_SERIES_CONFIG), getInt(SERIES_MAX_PER_HOST_CONFIG));
    }

    /** @return the detector options: the detector's defaults with the detector.* keys applied */
    public DetectorOptions detector() {
        final int window = getInt(DETECTOR_WINDOW_POINTS_CONFIG);
        final int warmup = getInt(DETECTOR_WARMUP_POINTS_CONFIG);
        if (warmup > window) {
            throw new IllegalArgumentException(DETECTOR_WARMUP_POINTS_CONFIG + " " + warmup + " must be at most "
                    + DETECTOR_WINDOW_POINTS_CONFIG + " " + window);
        }
        return DETECTOR.withWindow(window).withWarmupPoints(warmup).withRetrainEvery(getInt(DETECTOR_RETRAIN_POINTS_CONFIG))
                .withTrees(getInt(DETECTOR_TREES_CONFIG));
    }

    /** @return the per-series settings */
    public SeriesSettings series() {
        return series;
    }

    /**
     * @return the template miner options: the miner's defaults with the logs.miner.* keys applied (one configuration
     *         for every log source of this analyzer)
     */
    public MinerOptions miner() {
        return new MinerOptions(getInt(LOGS_MINER_DEPTH_CONFIG), getDouble(LOGS_MINER_SIMILARITY_CONFIG),
                getInt(LOGS_MINER_MAX_CHILDREN_CONFIG), getInt(LOGS_MINER_MAX_TEMPLATES_CONFIG),
                getInt(LOGS_MINER_MAX_WORD_CHANGES_CONFIG), getInt(LOGS_MINER_WORD_VALUES_CONFIG));
    }

    /** @return cleaning limits, with this config's clock */
    public Limits limits() {
        return new Limits(clock, getLong(CLEAN_MAX_FUTURE_MS_CONFIG), getInt(LOGS_MAX_MESSAGE_BYTES_CONFIG), 512);
    }

    /** @return the wall clock */
    public Clock clock() {
        return clock;
    }

    /** @return the application id with the topic prefix in front */
    public String applicationId() {
        return topicPrefix() + getString(APPLICATION_ID_CONFIG);
    }

    /** @return true for RocksDB stores, false for in-memory ones */
    public boolean persistentStores() {
        return "rocksdb".equals(getString(STATE_STORE_CONFIG));
    }

    /**
     * Prints the reference of every key as HTML.
     *
     * @param args ignored
     */
    public static void main(final String[] args) {
        System.out.println(CONFIG.toHtml());
    }
}
