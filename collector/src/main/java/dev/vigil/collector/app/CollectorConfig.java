package dev.vigil.collector.app;

import dev.vigil.collector.logs.LineFormat;
import dev.vigil.schemas.config.CommonConfig;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;

/** Settings of the collector agent; see {@code collector/README.md} and {@code collector-sample.properties}. */
public final class CollectorConfig extends CommonConfig {
    public static final String STATE_DIR_CONFIG = "state.dir";
    private static final String STATE_DIR_DOC = "Directory of the agent's own state: the on-disk spool and the "
            + "log checkpoints. Must survive restarts.";

    public static final String METRICS_ENABLED_CONFIG = "metrics.enabled";
    private static final String METRICS_ENABLED_DOC =
            "Publish host metrics (CPU, memory, filesystems, disks, network...).";
    public static final String METRICS_INTERVAL_MS_CONFIG = "metrics.interval.ms";
    private static final String METRICS_INTERVAL_MS_DOC = "How often host metrics are sampled, in milliseconds.";
    public static final String METRICS_FS_EXCLUDE_TYPES_CONFIG = "metrics.filesystem.exclude.types";
    private static final String METRICS_FS_EXCLUDE_TYPES_DOC = "Filesystem types left out of system.filesystem.* "
            + "(pseudo and read-only image filesystems by default, as telegraf does).";

    public static final String LOGS_PATHS_CONFIG = "logs.paths";
    private static final String LOGS_PATHS_DOC = "Glob patterns of log files to tail, e.g. /var/log/*.log. "
            + "Files that appear later are picked up. Empty: no log tailing.";
    public static final String LOGS_EXCLUDE_PATHS_CONFIG = "logs.exclude.paths";
    private static final String LOGS_EXCLUDE_PATHS_DOC = "Glob patterns of files not to tail even when logs.paths "
            + "matches them, e.g. /var/log/vigil/* (the agent's own log: tailing it ships a line about every line it "
            + "ships) or /var/log/**.1. Empty: nothing excluded.";
    public static final String LOGS_START_AT_CONFIG = "logs.start.at";
    private static final String LOGS_START_AT_DOC = "Where to start in a file found at the agent's first start "
            + "(no checkpoint): 'end' skips existing content, 'beginning' reads it. Files created later are always "
            + "read from the beginning; checkpointed files resume where they stopped.";
    public static final String LOGS_POLL_INTERVAL_MS_CONFIG = "logs.poll.interval.ms";
    private static final String LOGS_POLL_INTERVAL_MS_DOC =
            "How often files are checked for new lines, in milliseconds.";
    public static final String LOGS_MULTILINE_START_PATTERN_CONFIG = "logs.multiline.start.pattern";
    private static final String LOGS_MULTILINE_START_PATTERN_DOC = "Regular expression matching the first line "
            + "of a record; following lines that do not match (a Java stack trace) are joined to it. Empty: every "
            + "line is a record. The default starts a record at every line but those that continue a stack trace "
            + "(indented lines, Caused by:, ... N more, an exception class at the start of a line, Python's Traceback "
            + "lines, blank lines), so that a trace is one record with its log line whatever the log's format. "
            + "Example for logs whose records start with a date: ^\\d{4}-\\d{2}-\\d{2}";
    /**
     * The default multi-line rule: a line starts a record unless it continues a stack trace. Without it, a Java stack
     * trace of 40 lines became 40 records, 39 of them without a level or a time of their own, and the analyzer mined
     * a template of "at" frames. Indented lines are Java's and Node's frames and Python's source lines; an exception
     * class at a line's start (java.lang.IllegalStateException: ..., ZeroDivisionError: ...) is the header of a trace
     * under the log line that reported it; blank lines and the sentences between chained tracebacks keep Python's
     * chains together.
     */
    public static final String DEFAULT_MULTILINE_START = "^(?!$|\\s|Caused by: |Suppressed: |\\.\\.\\. \\d+ more"
            + "|Traceback \\(most recent call last\\):|During handling of the above exception"
            + "|The above exception was the direct cause|[\\w$.]+(Exception|Error|Throwable)(: |$))";
    public static final String LOGS_MULTILINE_TIMEOUT_MS_CONFIG = "logs.multiline.timeout.ms";
    private static final String LOGS_MULTILINE_TIMEOUT_MS_DOC = "A pending multi-line record is published when no "
            + "line has been added to it for this long, in milliseconds.";
    public static final String LOGS_MULTILINE_MAX_LINES_CONFIG = "logs.multiline.max.lines";
    private static final String LOGS_MULTILINE_MAX_LINES_DOC = "At most this many lines are joined into one record; "
            + "the next line starts a new one.";
    public static final String LOGS_PARTIAL_LINE_TIMEOUT_MS_CONFIG = "logs.partial.line.timeout.ms";
    private static final String LOGS_PARTIAL_LINE_TIMEOUT_MS_DOC = "A last line without its newline is published, "
            + "with attribute partial=true, once its file has not grown for this long, in milliseconds: a writer that "
            + "died mid-line may never end it. If the writer ends it later, the rest is a record of its own; nothing "
            + "is published twice.";
    public static final String LOGS_MAX_LINE_BYTES_CONFIG = "logs.max.line.bytes";
    private static final String LOGS_MAX_LINE_BYTES_DOC = "Longest line kept, in bytes; the rest of a longer line is "
            + "skipped and the record gets attribute truncated=true.";
    public static final String LOGS_MAX_RECORD_BYTES_CONFIG = "logs.max.record.bytes";
    private static final String LOGS_MAX_RECORD_BYTES_DOC = "Longest joined multi-line record, in bytes.";
    public static final String LOGS_CHARSET_CONFIG = "logs.charset";
    private static final String LOGS_CHARSET_DOC = "Charset of the log files (any charset in which a newline is the "
            + "byte 0x0A, e.g. UTF-8, ISO-8859-1, windows-1252). Malformed bytes become U+FFFD.";
    public static final String LOGS_ROTATED_CLOSE_AFTER_MS_CONFIG = "logs.rotated.close.after.ms";
    private static final String LOGS_ROTATED_CLOSE_AFTER_MS_DOC = "A file renamed away by rotation is still read "
            + "until it has not grown for this long, in milliseconds (writers that have not reopened yet).";
    public static final String LOGS_ROTATED_DIRS_CONFIG = "logs.rotated.dirs";
    private static final String LOGS_ROTATED_DIRS_DOC = "Directories where logrotate's olddir moves rotated files, "
            + "searched besides each log's own directory for a rotation the agent has not read to its end (rotated "
            + "while it was stopped, compressed, or rotated in and out between two polls). As logrotate takes "
            + "olddir: an absolute path, or a path relative to each log's directory (old: /var/log/app/old for "
            + "/var/log/app/x.log). Empty: a log's own directory only.";

    public static final String FILES_DATASETS_CONFIG = "files.datasets";
    private static final String FILES_DATASETS_DOC = "Protected datasets to watch on this host, as id=path pairs. "
            + "Datasets registered with 'vigil datasets add' for this host are watched too (files.registry.enabled).";
    public static final String FILES_REGISTRY_ENABLED_CONFIG = "files.registry.enabled";
    private static final String FILES_REGISTRY_ENABLED_DOC = "Also watch every dataset of the vigil-datasets "
            + "registry whose host is this host (host.name).";
    public static final String FILES_INTERVAL_MS_CONFIG = "files.interval.ms";
    private static final String FILES_INTERVAL_MS_DOC = "Length of one file-activity interval, in milliseconds.";
    public static final String FILES_MODE_CONFIG = "files.mode";
    private static final String FILES_MODE_DOC = "How changes are found: 'watch' (inotify through the JDK "
            + "WatchService), 'scan' (compare the tree with the previous scan every interval), or 'auto' (watch on "
            + "local filesystems, scan on network and FUSE filesystems, and switch to scan if a verification scan "
            + "finds a change the watcher missed).";
    public static final String FILES_VERIFY_INTERVAL_MS_CONFIG = "files.verify.interval.ms";
    private static final String FILES_VERIFY_INTERVAL_MS_DOC = "In watch mode, how often a full scan checks that "
            + "the watcher missed nothing, in milliseconds; 0 never.";
    public static final String FILES_MAX_PATHS_CONFIG = "files.max.paths";
    private static final String FILES_MAX_PATHS_DOC = "Most changed plus deleted paths listed in one interval's "
            + "event; beyond it the lists are truncated and the interval is marked incomplete. Also bounds the heap of "
            + "an interval: it keeps at most twice this many changed paths (about 200 bytes each, 16 MiB at the "
            + "default; the intervals of all datasets that close at the same time together), and as many notified "
            + "ones; beyond, changes are counted only.";
    public static final String FILES_MAX_INDEXED_PATHS_CONFIG = "files.max.indexed.paths";
    private static final String FILES_MAX_INDEXED_PATHS_DOC = "Most paths (files and directories) of one dataset the "
            + "watcher indexes; each takes about 90 bytes of heap (names of ~20 bytes), so the 64 MiB heap of "
            + "collector/jvm.options holds about 300,000 in all datasets together. Beyond it new paths are not watched "
            + "and every interval is marked incomplete, with one error naming the dataset; raise it with -Xmx.";
    public static final String FILES_WATCH_RETRY_MS_CONFIG = "files.watch.retry.ms";
    private static final String FILES_WATCH_RETRY_MS_DOC = "When a directory cannot be watched (typically the inotify "
            + "limit fs.inotify.max_user_watches) the dataset is scanned every interval instead; watch mode is tried "
            + "again after this long, in milliseconds, so raising the limit takes effect without a restart; 0 never.";
    public static final String FILES_MAX_CONCURRENT_WALKS_CONFIG = "files.max.concurrent.walks";
    private static final String FILES_MAX_CONCURRENT_WALKS_DOC = "Most datasets that walk their tree at the same time "
            + "(a first walk, an interval: a scan, or the reading of notified paths); the others wait their turn, "
            + "their intervals growing meanwhile, nothing missed. A walk that has read nothing for two intervals (a "
            + "filesystem that does not answer) gives its turn to the others.";
    public static final String FILES_ENTROPY_SAMPLE_BYTES_CONFIG = "files.entropy.sample.bytes";
    private static final String FILES_ENTROPY_SAMPLE_BYTES_DOC = "Most newly written bytes read per dataset and "
            + "interval to estimate their Shannon entropy; of a compressed file (gzip, bzip2, xz, zstd, lz4, zip), its "
            + "decompressed content, for which up to 16 times as many compressed bytes are read per interval.";
    public static final String FILES_ENTROPY_FILE_SAMPLE_BYTES_CONFIG = "files.entropy.file.sample.bytes";
    private static final String FILES_ENTROPY_FILE_SAMPLE_BYTES_DOC = "Most bytes sampled from one file per interval.";

    public static final String EVENTS_HTTP_PORT_CONFIG = "events.http.port";
    private static final String EVENTS_HTTP_PORT_DOC = "Port of the local HTTP endpoint (POST /events); 0 picks a "
            + "free port, -1 turns the endpoint off.";
    public static final String EVENTS_HTTP_ADDRESS_CONFIG = "events.http.address";
    private static final String EVENTS_HTTP_ADDRESS_DOC = "Address the endpoint listens on; loopback by default, so "
            + "only tools on this host can post.";
    public static final String CLOCK_JUMP_THRESHOLD_MS_CONFIG = "clock.jump.threshold.ms";
    private static final String CLOCK_JUMP_THRESHOLD_MS_DOC = "A wall-clock step larger than this against the "
            + "monotonic clock is reported as a clock.jump event, in milliseconds.";

    public static final String SPOOL_MAX_BYTES_CONFIG = "spool.max.bytes";
    private static final String SPOOL_MAX_BYTES_DOC = "Bound of the on-disk spool, in bytes. When full, the oldest "
            + "metrics are dropped first, then the oldest logs, events last; drops are counted and reported.";
    public static final String SPOOL_SEGMENT_BYTES_CONFIG = "spool.segment.bytes";
    private static final String SPOOL_SEGMENT_BYTES_DOC = "Size of one spool segment file, in bytes: the unit of "
            + "deletion and of dropping.";
    public static final String DELIVERY_TIMEOUT_MS_CONFIG = "delivery.timeout.ms";
    private static final String DELIVERY_TIMEOUT_MS_DOC = "How long one batch may wait for Kafka before it is "
            + "retried from the spool, in milliseconds.";
    public static final String DELIVERY_BATCH_RECORDS_CONFIG = "delivery.batch.records";
    private static final String DELIVERY_BATCH_RECORDS_DOC = "Most records sent from the spool in one round.";
    public static final String DELIVERY_LINGER_MS_CONFIG = "delivery.linger.ms";
    private static final String DELIVERY_LINGER_MS_DOC = "How long the sender waits for more records before "
            + "sending, in milliseconds: larger batches, fewer wake-ups.";
    public static final String DELIVERY_COMPRESSION_CONFIG = "delivery.compression.type";
    private static final String DELIVERY_COMPRESSION_DOC = "Compression of produced batches.";

    /** The definition of every key. */
    public static final ConfigDef CONFIG = definition();

    private final Map<String, Path> datasets;

    /** @param values settings (from {@link dev.vigil.schemas.config.ConfigFile}, or a map in code) */
    public CollectorConfig(final Map<?, ?> values) {
        super(CONFIG, values);
        datasets = parseDatasets(getList(FILES_DATASETS_CONFIG));
        if (getInt(SPOOL_SEGMENT_BYTES_CONFIG) * 4L > getLong(SPOOL_MAX_BYTES_CONFIG)) {
            throw new ConfigException(SPOOL_SEGMENT_BYTES_CONFIG + " must be at most a quarter of "
                    + SPOOL_MAX_BYTES_CONFIG + " (" + getInt(SPOOL_SEGMENT_BYTES_CONFIG) + " * 4 > "
                    + getLong(SPOOL_MAX_BYTES_CONFIG) + ")");
        }
    }

    private static ConfigDef definition() {
        final ConfigDef def = CommonConfig.define()
                .define(STATE_DIR_CONFIG, Type.STRING, System.getProperty("user.home") + "/.vigil/collector",
                        new ConfigDef.NonEmptyString(), Importance.HIGH, STATE_DIR_DOC)
                .define(METRICS_ENABLED_CONFIG, Type.BOOLEAN, true, Importance.MEDIUM, METRICS_ENABLED_DOC)
                .define(METRICS_INTERVAL_MS_CONFIG, Type.LONG, 10_000L, Range.atLeast(100), Importance.MEDIUM,
                        METRICS_INTERVAL_MS_DOC)
                .define(METRICS_FS_EXCLUDE_TYPES_CONFIG, Type.LIST,
                        "tmpfs,devtmpfs,devfs,iso9660,squashfs,aufs,nsfs,autofs,ramfs", Importance.LOW,
                        METRICS_FS_EXCLUDE_TYPES_DOC)
                .define(LOGS_PATHS_CONFIG, Type.LIST, "", CommonConfig.validator("glob patterns",
                        (name, value) -> checkGlobs(name, castList(value))), Importance.HIGH, LOGS_PATHS_DOC)
                .define(LOGS_EXCLUDE_PATHS_CONFIG, Type.LIST, "", CommonConfig.validator("glob patterns",
                        (name, value) -> checkGlobs(name, castList(value))), Importance.MEDIUM,
                        LOGS_EXCLUDE_PATHS_DOC)
                .define(LOGS_START_AT_CONFIG, Type.STRING, "end", ValidString.in("beginning", "end"),
                        Importance.MEDIUM, LOGS_START_AT_DOC)
                .define(LOGS_POLL_INTERVAL_MS_CONFIG, Type.LONG, 1_000L, Range.between(10, 60_000), Importance.LOW,
                        LOGS_POLL_INTERVAL_MS_DOC)
                .define(LOGS_MULTILINE_START_PATTERN_CONFIG, Type.STRING, DEFAULT_MULTILINE_START,
                        CommonConfig.validator("a regular expression", (name, value) -> checkPattern(value)),
                        Importance.MEDIUM, LOGS_MULTILINE_START_PATTERN_DOC)
                .define(LOGS_MULTILINE_TIMEOUT_MS_CONFIG, Type.LONG, 1_000L, Range.between(1, 600_000),
                        Importance.LOW, LOGS_MULTILINE_TIMEOUT_MS_DOC)
                .define(LOGS_PARTIAL_LINE_TIMEOUT_MS_CONFIG, Type.LONG,
                        TimeUnit.NANOSECONDS.toMillis(LineFormat.DEFAULT_PARTIAL_LINE_TIMEOUT_NANOS), Range.atLeast(1),
                        Importance.LOW, LOGS_PARTIAL_LINE_TIMEOUT_MS_DOC)
                .define(LOGS_MULTILINE_MAX_LINES_CONFIG, Type.INT, 500, Range.atLeast(1), Importance.LOW,
                        LOGS_MULTILINE_MAX_LINES_DOC)
                .define(LOGS_MAX_LINE_BYTES_CONFIG, Type.INT, 16_384, Range.between(64, 16 << 20), Importance.LOW,
                        LOGS_MAX_LINE_BYTES_DOC)
                .define(LOGS_MAX_RECORD_BYTES_CONFIG, Type.INT, 65_536, Range.between(64, 16 << 20),
                        Importance.LOW, LOGS_MAX_RECORD_BYTES_DOC)
                .define(LOGS_CHARSET_CONFIG, Type.STRING, "UTF-8", CommonConfig.validator("a charset that writes a "
                        + "newline as 0x0A", (name, value) -> checkCharset(value)), Importance.LOW, LOGS_CHARSET_DOC)
                .define(LOGS_ROTATED_CLOSE_AFTER_MS_CONFIG, Type.LONG, 5_000L, Range.atLeast(0), Importance.LOW,
                        LOGS_ROTATED_CLOSE_AFTER_MS_DOC)
                .define(LOGS_ROTATED_DIRS_CONFIG, Type.LIST, "", CommonConfig.validator("directories",
                        (name, value) -> checkDirs(name, castList(value))), Importance.MEDIUM, LOGS_ROTATED_DIRS_DOC)
                .define(FILES_DATASETS_CONFIG, Type.LIST, "", CommonConfig.validator("id=path pairs",
                        (name, value) -> parseDatasets(castList(value))), Importance.HIGH, FILES_DATASETS_DOC)
                .define(FILES_REGISTRY_ENABLED_CONFIG, Type.BOOLEAN, true, Importance.MEDIUM,
                        FILES_REGISTRY_ENABLED_DOC)
                .define(FILES_INTERVAL_MS_CONFIG, Type.LONG, 10_000L, Range.atLeast(100), Importance.MEDIUM,
                        FILES_INTERVAL_MS_DOC)
                .define(FILES_MODE_CONFIG, Type.STRING, "auto", ValidString.in("auto", "watch", "scan"),
                        Importance.MEDIUM, FILES_MODE_DOC)
                .define(FILES_VERIFY_INTERVAL_MS_CONFIG, Type.LONG, 300_000L, Range.atLeast(0), Importance.LOW,
                        FILES_VERIFY_INTERVAL_MS_DOC)
                .define(FILES_MAX_PATHS_CONFIG, Type.INT, 40_000, Range.atLeast(1), Importance.LOW,
                        FILES_MAX_PATHS_DOC)
                .define(FILES_MAX_INDEXED_PATHS_CONFIG, Type.INT,
                        dev.vigil.collector.files.DatasetWatcher.Options.DEFAULT_MAX_INDEXED_PATHS, Range.atLeast(1),
                        Importance.LOW, FILES_MAX_INDEXED_PATHS_DOC)
                .define(FILES_WATCH_RETRY_MS_CONFIG, Type.LONG,
                        dev.vigil.collector.files.DatasetWatcher.Options.DEFAULT_WATCH_RETRY_MILLIS, Range.atLeast(0),
                        Importance.LOW, FILES_WATCH_RETRY_MS_DOC)
                .define(FILES_MAX_CONCURRENT_WALKS_CONFIG, Type.INT,
                        dev.vigil.collector.files.FileActivityMonitor.DEFAULT_MAX_CONCURRENT_WALKS, Range.atLeast(1),
                        Importance.LOW, FILES_MAX_CONCURRENT_WALKS_DOC)
                .define(FILES_ENTROPY_SAMPLE_BYTES_CONFIG, Type.INT, 262_144, Range.atLeast(0), Importance.LOW,
                        FILES_ENTROPY_SAMPLE_BYTES_DOC)
                .define(FILES_ENTROPY_FILE_SAMPLE_BYTES_CONFIG, Type.INT, 8_192, Range.atLeast(1), Importance.LOW,
                        FILES_ENTROPY_FILE_SAMPLE_BYTES_DOC)
                .define(EVENTS_HTTP_PORT_CONFIG, Type.INT, 7171, Range.between(-1, 65_535), Importance.MEDIUM,
                        EVENTS_HTTP_PORT_DOC)
                .define(EVENTS_HTTP_ADDRESS_CONFIG, Type.STRING, "127.0.0.1", CommonConfig.validator(
                        "an address of this host", (name, value) -> checkAddress((String) value)),
                        Importance.MEDIUM, EVENTS_HTTP_ADDRESS_DOC)
                .define(CLOCK_JUMP_THRESHOLD_MS_CONFIG, Type.LONG, 2_000L, Range.atLeast(100), Importance.LOW,
                        CLOCK_JUMP_THRESHOLD_MS_DOC)
                .define(SPOOL_MAX_BYTES_CONFIG, Type.LONG, 256L << 20, Range.atLeast(4096), Importance.MEDIUM,
                        SPOOL_MAX_BYTES_DOC)
                .define(SPOOL_SEGMENT_BYTES_CONFIG, Type.INT, 1 << 20, Range.atLeast(1024), Importance.LOW,
                        SPOOL_SEGMENT_BYTES_DOC)
                .define(DELIVERY_TIMEOUT_MS_CONFIG, Type.INT, 30_000, Range.atLeast(1_000), Importance.LOW,
                        DELIVERY_TIMEOUT_MS_DOC)
                .define(DELIVERY_BATCH_RECORDS_CONFIG, Type.INT, 5_000, Range.atLeast(1), Importance.LOW,
                        DELIVERY_BATCH_RECORDS_DOC)
                .define(DELIVERY_LINGER_MS_CONFIG, Type.LONG, 200L, Range.between(0, 60_000), Importance.LOW,
                        DELIVERY_LINGER_MS_DOC)
                .define(DELIVERY_COMPRESSION_CONFIG, Type.STRING, "lz4",
                        ValidString.in("none", "gzip", "snappy", "lz4", "zstd"), Importance.LOW,
                        DELIVERY_COMPRESSION_DOC);
        // What delivery at least once, without loss, rests on: the kafka.* form would silently weaken it.
        CommonConfig.fixedClientKey(def, "acks", "the agent always waits for every in-sync replica (all)");
        CommonConfig.fixedClientKey(def, "enable.idempotence", "the agent's retries must not duplicate records");
        CommonConfig.fixedClientKey(def, "compression.type", "set " + DELIVERY_COMPRESSION_CONFIG);
        return def;
    }

    /** @return directory of the spool and checkpoints */
    public Path stateDir() {
        return Path.of(getString(STATE_DIR_CONFIG));
    }

    /** @return datasets from {@value #FILES_DATASETS_CONFIG}, id to absolute path, in configured order */
    public Map<String, Path> datasets() {
        return datasets;
    }

    /** @return the multi-line start pattern, or null when every line is a record */
    public Pattern multilineStart() {
        final String p = getString(LOGS_MULTILINE_START_PATTERN_CONFIG);
        return p.isEmpty() ? null : Pattern.compile(p);
    }

    /** @return how bytes of log files become records: charset, multi-line joining, bounds */
    public LineFormat lineFormat() {
        return new LineFormat(logCharset(), multilineStart(), getInt(LOGS_MULTILINE_MAX_LINES_CONFIG),
                TimeUnit.MILLISECONDS.toNanos(getLong(LOGS_MULTILINE_TIMEOUT_MS_CONFIG)),
                getInt(LOGS_MAX_LINE_BYTES_CONFIG), getInt(LOGS_MAX_RECORD_BYTES_CONFIG),
                TimeUnit.MILLISECONDS.toNanos(getLong(LOGS_PARTIAL_LINE_TIMEOUT_MS_CONFIG)));
    }

    /** @return the log files' charset */
    public Charset logCharset() {
        return Charset.forName(getString(LOGS_CHARSET_CONFIG));
    }

    /**
     * Parses {@code id=path} pairs.
     *
     * @param pairs the pairs
     * @return id to absolute, normalized path
     * @throws ConfigException naming the bad pair
     */
    public static Map<String, Path> parseDatasets(final List<String> pairs) {
        final Map<String, Path> out = new LinkedHashMap<>();
        for (final String pair : pairs) {
            final int eq = pair.indexOf('=');
            if (eq <= 0 || eq == pair.length() - 1) {
                throw new ConfigException(FILES_DATASETS_CONFIG, pair, "expected id=path");
            }
            final String id = pair.substring(0, eq).strip();
            if (out.put(id, Path.of(pair.substring(eq + 1).strip()).toAbsolutePath().normalize()) != null) {
                throw new ConfigException(FILES_DATASETS_CONFIG, pair, "dataset id '" + id + "' given twice");
            }
        }
        return Map.copyOf(out);
    }

    @SuppressWarnings("unchecked")
    private static List<String> castList(final Object value) {
        return (List<String>) value;
    }

    private static void checkPattern(final Object value) {
        try {
            Pattern.compile((String) value);
        } catch (PatternSyntaxException e) {
            throw new ConfigException(LOGS_MULTILINE_START_PATTERN_CONFIG, value, e.getDescription());
        }
    }

    private static void checkAddress(final String address) {
        try {
            if (address.isBlank()) {
                throw new java.net.UnknownHostException("empty");
            }
            java.net.InetAddress.getByName(address);
        } catch (java.net.UnknownHostException e) {
            throw new ConfigException(EVENTS_HTTP_ADDRESS_CONFIG, address, "not an address this host can listen on");
        }
    }

    private static void checkGlobs(final String key, final List<String> globs) {
        for (final String g : globs) {
            try {
                java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + g);
            } catch (PatternSyntaxException e) {
                throw new ConfigException(key, g, "not a valid glob: " + e.getDescription());
            }
        }
    }

    private static void checkDirs(final String key, final List<String> dirs) {
        for (final String d : dirs) {
            if (d.isBlank() || d.matches(".*[*?\\[{].*")) {
                throw new ConfigException(key, d, "a directory, without wildcards");
            }
        }
    }

    private static void checkCharset(final Object value) {
        final Charset charset;
        try {
            charset = Charset.forName((String) value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(LOGS_CHARSET_CONFIG, value, "unknown charset");
        }
        if (!Arrays.equals("\n".getBytes(charset), new byte[] {'\n'})) {
            throw new ConfigException(LOGS_CHARSET_CONFIG, value,
                    "lines are split on the byte 0x0A, so the charset must encode a newline as that byte "
                            + "(UTF-16 and UTF-32 are not supported)");
        }
    }

    /** Prints the configuration reference as HTML. @param args unused */
    public static void main(final String[] args) {
        System.out.println(CONFIG.toHtml());
    }
}
