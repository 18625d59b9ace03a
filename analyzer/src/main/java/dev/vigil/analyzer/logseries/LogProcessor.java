package dev.vigil.analyzer.logseries;

import dev.vigil.analyzer.clean.HostWarnings;
import dev.vigil.analyzer.clean.IdHash;
import dev.vigil.analyzer.clean.Limits;
import dev.vigil.analyzer.clean.Refusal;
import dev.vigil.analyzer.clean.RejectedRecordException;
import dev.vigil.analyzer.logs.MinerOptions;
import dev.vigil.analyzer.logs.Template;
import dev.vigil.analyzer.logs.TemplateMatch;
import dev.vigil.analyzer.logs.TemplateMiner;
import dev.vigil.analyzer.normalize.Point;
import dev.vigil.analyzer.normalize.SeriesKey;
import dev.vigil.analyzer.store.Arrivals;
import dev.vigil.analyzer.store.Codec;
import dev.vigil.analyzer.store.LiveStore;
import dev.vigil.analyzer.store.LiveStoreBuilder;
import dev.vigil.schemas.LogRecord;
import dev.vigil.schemas.LogTemplate;
import dev.vigil.schemas.Severity;
import dev.vigil.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs to numbers. Each log record gets its template from the task's {@link TemplateMiner} (new
 * and generalized templates go to the compacted template topic, keyed by their stable id); per
 * host and window it counts lines, error-level lines, lines of never-seen templates, and lines of
 * each of the host's active templates. When a window closes (the host's log event time passed its
 * end plus the grace), the counts leave as {@link Point}s of {@link LogSeries} series, zero counts
 * included, for the series pipeline to summarize and score. Windows without any line are
 * published as zeros when the next line comes, up to {@value #MAX_EMPTY_WINDOWS} of them.
 *
 * <p>A record delivered again (same id: the collector delivers at least once) is dropped before it is mined or
 * counted, while its id is remembered: among the host's last 8,192 ids, and the first delivery's event time within the
 * dedup window of the host's latest log time. The ids are kept in their own store, in buckets of 256 so that a commit
 * rewrites only the newest ({@link HostIds}), in the same transaction as the host's counts, so this holds across
 * restarts and rebalances. A record without an id (empty) is always counted. A line too late for its own window counts in the
 * first window not yet published (with a warning per host, rate-limited: a host whose clock went back has all its
 * lines counted so until its time catches up). Rejected (to the dead-letter topic): no host or time, a host longer
 * than {@value Limits#MAX_HOST_CHARS} characters, a key other than the host, a time far in the future, a message
 * longer than the limit.
 *
 * <p>A stream-time sweep forgets hosts that stopped sending logs (autoscaled away, decommissioned), as metric series
 * are forgotten: a host whose latest log time is {@code expiryMillis} behind stream time, and whose last line came
 * that long ago in stream time, has its open windows published (as its next line would have published them) and its
 * counts and id buckets deleted. A host that comes back afterwards starts over.
 */
public final class LogProcessor implements Processor<String, LogRecord, String, Object> {
    /** Child receiving the count points. */
    public static final String POINTS = "series";
    /** Child receiving {@link LogTemplate}s. */
    public static final String TEMPLATES = "log-templates-sink";
    /** Store of the task's template miner. */
    public static final String MINER_STORE = "log-miner-store";
    /** Store of per-host counts. */
    public static final String COUNTS_STORE = "log-counts-store";
    /** Store of per-host recent record ids, in buckets ({@link HostIds}). */
    public static final String IDS_STORE = "log-ids-store";
    /** Most empty windows published as zeros between two lines of a host. */
    static final int MAX_EMPTY_WINDOWS = 60;
    private static final String MINER_KEY = "miner";
    private static final Logger LOG = LoggerFactory.getLogger(LogProcessor.class);
    /** Level words in a message whose severity the collector did not know. */
    // Upper-case level words standing alone, or a level field (level=error, "level":"error"): not 'error' inside a
    // name such as libgpg-error-dev or in ordinary prose
    private static final Pattern ERROR_WORDS = Pattern.compile(
            "(?<![\\w.-])(ERROR|FATAL|CRIT|CRITICAL|SEVERE|PANIC|EMERG|ALERT)(?![\\w.-])"
            + "|(?i:\\blevel\"?\\s*[=:]\\s*\"?(error|fatal|crit|critical|severe|panic|emerg|alert)\\b)");

    private final Limits limits;
    private final MinerOptions minerOptions;
    private final long windowMillis;
    private final long graceMillis;
    private final long dedupWindowMillis;
    private final int maxTemplates;
    private final long expiryMillis;
    private final Arrivals arrivals = new Arrivals();
    private final HostWarnings late;
    private ProcessorContext<String, Object> context;
    private LiveStore<TemplateMiner> miners;
    private LiveStore<LogMinutes> counts;
    private HostIds ids;

    /**
     * @param limits what a record must respect
     * @param minerOptions the template miner's options
     * @param windowMillis count window
     * @param graceMillis how long a window waits for late lines
     * @param dedupWindowMillis how far behind the host's latest log time a repeated record id is recognised, in ms
     * @param maxTemplates active templates per host with their own count series
     * @param expiryMillis how long a host is without log lines (in its log time and in stream time) before its counts
     *     and ids are forgotten, in ms ({@code series.expiry.ms})
     */
    public LogProcessor(final Limits limits, final MinerOptions minerOptions, final long windowMillis,
                        final long graceMillis, final long dedupWindowMillis, final int maxTemplates,
                        final long expiryMillis) {
        this.limits = limits;
        this.minerOptions = minerOptions;
        this.windowMillis = windowMillis;
        this.graceMillis = graceMillis;
        this.dedupWindowMillis = dedupWindowMillis;
        this.maxTemplates = maxTemplates;
        this.expiryMillis = expiryMillis;
        this.late = new HostWarnings(limits.clock(), HostWarnings.DEFAULT_PERIOD, LOG::warn);
    }

    /**
     * @param options the miner's options
     * @param persistent RocksDB (true) or in-memory stores
     * @param capacity live hosts kept in memory per task (and as many full hosts' id buckets)
     * @return the stores this processor needs
     */
    public static List<StoreBuilder<?>> stores(final MinerOptions options, final boolean persistent,
                                               final int capacity) {
        final Codec<TemplateMiner> minerCodec = new Codec<>() {
            @Override
            public byte[] encode(final TemplateMiner miner) {
                return miner.toBytes();
            }

            @Override
            public TemplateMiner decode(final byte[] bytes) {
                return TemplateMiner.fromBytes(bytes, options);
            }
        };
        return List.of(LiveStoreBuilder.of(MINER_STORE, persistent, minerCodec, 1),
                LiveStoreBuilder.of(COUNTS_STORE, persistent, LogMinutes.CODEC, capacity),
                LiveStoreBuilder.of(IDS_STORE, persistent, HostIds.CODEC,
                        (int) Math.min(Integer.MAX_VALUE, (long) capacity * HostIds.MAX_BUCKETS)));
    }

    @Override
    public void init(final ProcessorContext<String, Object> context) {
        this.context = context;
        this.miners = context.getStateStore(MINER_STORE);
        this.counts = context.getStateStore(COUNTS_STORE);
        final LiveStore<HostIds.Bucket> buckets = context.getStateStore(IDS_STORE);
        this.ids = new HostIds(new HostIds.Buckets() {
            @Override
            public HostIds.Bucket get(final String key) {
                return buckets.get(key);
            }

            @Override
            public void put(final String key, final HostIds.Bucket bucket) {
                buckets.put(key, bucket);
            }

            @Override
            public void delete(final String key) {
                buckets.delete(key);
            }
        });
        context.schedule(Duration.ofMillis(Math.max(1000, Math.min(60_000, expiryMillis / 2))),
                PunctuationType.STREAM_TIME, this::sweep);
    }

    /** Forgets the hosts silent for the expiry, their open windows published first; runs on stream time. */
    private void sweep(final long streamTime) {
        for (final String host : counts.keys()) {
            final LogMinutes m = counts.get(host);
            if (m == null) {
                continue;
            }
            if (arrivals.silentFor(host, m.watermark, streamTime) < expiryMillis) {
                continue;
            }
            // What its next line would have published: every open window, with zeros for empty ones between.
            close(host, m, Long.MAX_VALUE);
            ids.forgetAll(host, m);
            counts.delete(host);
            arrivals.forget(host);
        }
    }

    @Override
    public void process(final Record<String, LogRecord> record) {
        final LogRecord log = record.value();
        if (log == null) {
            throw new RejectedRecordException("log record without a value");
        }
        // Built only when a record is refused.
        final Supplier<String> what = () -> "log " + Limits.quoted(log.getHost()) + "/" + Limits.quoted(log.getSource())
                + " (id " + Limits.quoted(log.getId()) + ")";
        final String host = Limits.host(what, log.getHost());
        Limits.checkKey(what, record.key(), log.getHost(), Topics.LOGS.name());
        final long time = log.getTime() == null ? 0 : log.getTime().toEpochMilli();
        limits.checkTime(what, host, time);
        final String message = log.getMessage() == null ? "" : log.getMessage();
        if (message.length() > limits.maxLogBytes() / 3) {
            final int bytes = message.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > limits.maxLogBytes()) {
                throw new RejectedRecordException(what.get() + ": message of " + bytes + " bytes, more than the "
                        + limits.maxLogBytes() + " allowed", host, Refusal.LOG_TOO_LONG);
            }
        }
        LogMinutes m = counts.get(host);
        if (m == null) {
            m = new LogMinutes();
        } else if (ids.migrate(host, m, dedupWindowMillis)) {
            counts.put(host, m); // its ids (format version 3) are now in buckets
        }
        // Looked up whatever its time: a line the collector reads again after a crash keeps its id, but when the line
        // holds no time of its own it gets the time it was read, so its repeat can be newer than the host's latest.
        final long idHash = log.getId() == null || log.getId().isEmpty() ? 0 : IdHash.of(log.getId());
        if (idHash != 0 && ids.contains(host, m, idHash)) {
            return; // delivered again: counted (and mined) already
        }
        final TemplateMatch match = mine(host, time, message);
        m.watermark = Math.max(m.watermark, time);
        ids.add(host, m, time, idHash, dedupWindowMillis);
        close(host, m, m.watermark);
        long start = Math.floorDiv(time, windowMillis) * windowMillis;
        if (m.lastClosed != Long.MIN_VALUE) {
            // Too late for its own window: counted in the first window not yet published.
            if (start <= m.lastClosed) {
                late.record(host, Refusal.LOG_LATE, what.get() + ": log time " + log.getTime() + " is "
                        + (m.watermark - time) / 1000 + " s behind the host's latest, counted in the window of "
                        + Instant.ofEpochMilli(m.lastClosed + windowMillis));
                start = m.lastClosed + windowMillis;
            }
        }
        final LogMinutes.Counts c = m.open.computeIfAbsent(start, s -> new LogMinutes.Counts());
        c.lines++;
        if (isError(log.getSeverity(), message)) {
            c.errors++;
        }
        if (match.newTemplate()) {
            c.newTemplates++;
        }
        c.perTemplate.merge(match.templateId(), 1L, Long::sum);
        if (!match.absorbed().isEmpty()) {
            // Every host of this task counts with this miner: all of them go on under the template that remains.
            // Merges are rare (a word position becoming a parameter), so the sweep over the task's hosts is too.
            m.absorb(match.absorbed(), match.templateId());
            for (final String other : counts.keys()) {
                final LogMinutes o = other.equals(host) ? null : counts.get(other);
                if (o != null && o.absorb(match.absorbed(), match.templateId())) {
                    counts.put(other, o);
                }
            }
        }
        m.active.put(match.templateId(), start);
        m.since.merge(match.templateId(), start, Math::min);
        counts.put(host, m);
        // counted only now: a repeat does not keep a host from being forgotten
        arrivals.arrived(host, context.currentStreamTimeMs());
    }

    private TemplateMatch mine(final String host, final long time, final String message) {
        TemplateMiner miner = miners.get(MINER_KEY);
        if (miner == null) {
            miner = new TemplateMiner(minerOptions);
            miners.put(MINER_KEY, miner);
        }
        final long changes = miner.changes();
        final TemplateMatch match = miner.add(message);
        if (miner.changes() != changes) {
            // Only learned changes are written back; counts inside the miner may lag after a crash, the templates,
            // their ids and the words seen do not.
            miners.put(MINER_KEY, miner);
        }
        if (match.newTemplate() || match.templateChanged()) {
            long seen = 1;
            if (match.templateChanged()) {
                for (final Template t : miner.templates()) {
                    if (t.id().equals(match.templateId())) {
                        seen = t.count();
                    }
                }
            }
            final LogTemplate out = LogTemplate.newBuilder().setId(match.templateId()).setHost(host)
                    .setTime(Instant.ofEpochMilli(time)).setTemplate(match.template()).setCount(seen).build();
            context.forward(new Record<>(match.templateId(), out, time), TEMPLATES);
        }
        return match;
    }

    static boolean isError(final Severity severity, final String message) {
        if (severity == Severity.ERROR || severity == Severity.CRITICAL) {
            return true;
        }
        return (severity == null || severity == Severity.UNKNOWN) && ERROR_WORDS.matcher(message).find();
    }

    /** Publishes the windows that the host's event time ({@code until}) has left behind, with zeros for empty ones. */
    private void close(final String host, final LogMinutes m, final long until) {
        while (!m.open.isEmpty() && m.open.firstKey() + windowMillis + graceMillis <= until) {
            final Map.Entry<Long, LogMinutes.Counts> first = m.open.pollFirstEntry();
            if (m.lastClosed != Long.MIN_VALUE) {
                final long from = Math.max(m.lastClosed + windowMillis, first.getKey() - MAX_EMPTY_WINDOWS * windowMillis);
                for (long empty = from; empty < first.getKey(); empty += windowMillis) {
                    publish(host, m, empty, new LogMinutes.Counts());
                }
            }
            publish(host, m, first.getKey(), first.getValue());
            m.lastClosed = first.getKey();
        }
    }

    private void publish(final String host, final LogMinutes m, final long start, final LogMinutes.Counts c) {
        point(host, LogSeries.LINES, start, c.lines);
        point(host, LogSeries.ERRORS, start, c.errors);
        point(host, LogSeries.NEW_TEMPLATES, start, c.newTemplates);
        // Forget templates unseen for an hour of windows, then keep the most recently seen ones.
        final Iterator<Map.Entry<String, Long>> it = m.active.entrySet().iterator();
        while (it.hasNext()) {
            final Map.Entry<String, Long> e = it.next();
            if (e.getValue() < start - MAX_EMPTY_WINDOWS * windowMillis || m.active.size() > maxTemplates) {
                m.since.remove(e.getKey());
                it.remove();
            }
        }
        // In id order, and without get(): that would reorder the access-ordered map.
        for (final Map.Entry<String, Long> e : new TreeMap<>(m.active).entrySet()) {
            // from the first window with the template on, a window without it is a zero, not a gap to interpolate
            if (m.since.getOrDefault(e.getKey(), Long.MIN_VALUE) <= start || c.perTemplate.containsKey(e.getKey())) {
                point(host, SeriesKey.of(LogSeries.PER_TEMPLATE, new TreeMap<>(Map.of("template", e.getKey()))),
                        start, c.perTemplate.getOrDefault(e.getKey(), 0L));
            }
        }
    }

    private void point(final String host, final String series, final long time, final long value) {
        final Point p = new Point(host, series, LogSeries.UNIT, time, value, Point.Kind.LOG, null, 0, false);
        context.forward(new Record<>(host, p, time), POINTS);
    }
}
