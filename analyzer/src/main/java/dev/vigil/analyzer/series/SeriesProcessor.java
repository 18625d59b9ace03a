package dev.vigil.analyzer.series;

import dev.vigil.analyzer.anomaly.DetectionResult;
import dev.vigil.analyzer.anomaly.SeriesDetector;
import dev.vigil.analyzer.clean.IdHash;
import dev.vigil.analyzer.clean.Refusal;
import dev.vigil.analyzer.clean.RejectedRecordException;
import dev.vigil.analyzer.detect.Anomalies;
import dev.vigil.analyzer.detect.EpisodePolicy;
import dev.vigil.analyzer.forecast.Trend;
import dev.vigil.analyzer.normalize.Point;
import dev.vigil.analyzer.stats.StatsRecords;
import dev.vigil.analyzer.stats.WindowSummary;
import dev.vigil.analyzer.store.Arrivals;
import dev.vigil.analyzer.store.LiveStore;
import dev.vigil.analyzer.store.LiveStoreBuilder;
import dev.vigil.schemas.Anomaly;
import dev.vigil.schemas.AnomalyPhase;
import dev.vigil.schemas.Forecast;
import dev.vigil.schemas.StatsWindow;
import dev.vigil.schemas.serde.AvroSerde;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The per-series pipeline, for points of every source, keyed by host: drop retried duplicates,
 * place late points by event time (or reject them past the grace), fill short gaps, update the
 * statistics windows, score with the series' detector, turn scores into episodes, fit forecasts.
 *
 * <p>Outputs go to named children: {@value #STATS}, {@value #ANOMALIES}, {@value #FORECASTS}, and
 * every real in-order metric point to {@value #HOST}. Every output is a function of the series'
 * points in event-time order, so reprocessing and scale-out give the same records with the same ids.
 * A stream-time punctuator closes the windows and episodes of series that went quiet and forgets
 * series after the expiry.
 */
public final class SeriesProcessor implements Processor<String, Point, String, Object> {
    /** Child receiving {@link StatsWindow}s. */
    public static final String STATS = "stats-sink";
    /** Child receiving {@link Anomaly} records. */
    public static final String ANOMALIES = "anomalies-sink";
    /** Child receiving {@link Forecast}s. */
    public static final String FORECASTS = "forecasts-sink";
    /** Child receiving accepted real metric points, for the host-level detector. */
    public static final String HOST = "host-detect";
    /** Store of {@link SeriesState}. */
    public static final String STATE_STORE = "series-store";
    /** Store of {@link SeriesHistory}. */
    public static final String HISTORY_STORE = "series-history-store";
    /** Store of detector snapshots. */
    public static final String DETECTOR_STORE = "series-detector-store";
    /** Queryable store of the latest {@link StatsWindow} per host, series and window. */
    public static final String STATS_STORE = "stats-store";
    /** Window kinds per series in {@link #STATS_STORE}: the tumbling one and the hopping one. */
    private static final int STATS_WINDOWS = 2;
    private static final char SEP = '\u0000';
    /**
     * Forest phases given to series (by their seed): a third of them each rebuild their forests at
     * one of three points instead of all at once. Phase 3 (second forest after only 256 points) is
     * left out: on the NAB subset it scored 54.5 against 58.6-58.8 for phases 0-2.
     */
    private static final int FOREST_PHASES = 3;

    private final SeriesSettings settings;
    private final boolean hostChild;
    private ProcessorContext<String, Object> context;
    private LiveStore<SeriesState> states;
    private LiveStore<SeriesHistory> histories;
    private LiveStore<DetectorSlot> detectors;
    private KeyValueStore<String, StatsWindow> stats;
    private final Arrivals arrivals = new Arrivals();
    /**
     * Metric series per host in the state store, counted from the store at the first point (after a restore), then
     * kept up to date; null until then.
     */
    private Map<String, Integer> metricSeries;

    /**
     * @param settings windows, detector and episode settings
     * @param hostChild whether child {@value #HOST} exists (host-level detection is on)
     */
    public SeriesProcessor(final SeriesSettings settings, final boolean hostChild) {
        this.settings = settings;
        this.hostChild = hostChild;
    }

    /**
     * @param host a host
     * @param series a series text
     * @param window a window name, or empty for a prefix over all windows
     * @return the key of the stats store
     */
    public static String statsKey(final String host, final String series, final String window) {
        return host + SEP + series + SEP + window;
    }

    /**
     * The latest windows are kept in memory whatever {@code persistent} says, for as many series as the live
     * series cache ({@code capacity}), least recently updated out first: a RocksDB put per closed window cost
     * the analyzer 8-19 % of its throughput (docs/BENCHMARKS.md), and a bounded map keeps the heap bounded.
     *
     * @param settings the settings, for the detector codec
     * @param persistent RocksDB (true) or in-memory stores
     * @param capacity live series kept in memory per task and store
     * @param detectorCapacity live detectors kept in memory per task
     * @return the stores this processor needs
     */
    public static List<StoreBuilder<?>> stores(final SeriesSettings settings, final boolean persistent,
                                               final int capacity, final int detectorCapacity) {
        return List.of(LiveStoreBuilder.of(STATE_STORE, persistent, SeriesState.CODEC, capacity),
                LiveStoreBuilder.of(HISTORY_STORE, persistent, SeriesHistory.CODEC, capacity),
                LiveStoreBuilder.of(DETECTOR_STORE, persistent, DetectorSlot.codec(settings.detector()),
                        detectorCapacity),
                Stores.keyValueStoreBuilder(Stores.lruMap(STATS_STORE, STATS_WINDOWS * capacity), Serdes.String(),
                        AvroSerde.of(StatsWindow.class)));
    }

    @Override
    public void init(final ProcessorContext<String, Object> context) {
        this.context = context;
        this.states = context.getStateStore(STATE_STORE);
        this.histories = context.getStateStore(HISTORY_STORE);
        this.detectors = context.getStateStore(DETECTOR_STORE);
        this.stats = context.getStateStore(STATS_STORE);
        final long every = Math.max(1000, Math.min(60_000, settings.idleMillis() / 2));
        context.schedule(Duration.ofMillis(every), PunctuationType.STREAM_TIME, this::sweep);
    }

    @Override
    public void process(final Record<String, Point> record) {
        final Point p = record.value();
        final String key = p.host() + SEP + p.series();
        SeriesState s = states.get(key);
        if (s == null) {
            if (p.kind() == Point.Kind.METRIC) {
                admitSeries(p);
            }
            s = new SeriesState(p.unit(), p.kind(), p.dataset());
        } else if (!p.unit().equals(s.unit)) {
            // Cleaning converts every unit of a dimension to its canonical one (% and ratio to 1, MB to By): another
            // canonical unit is another quantity, which would be mixed into the statistics, detector and forecast
            // of this one, published under its unit.
            throw new RejectedRecordException(p.kind().label() + " " + p.host() + "/" + p.series() + ": unit "
                    + p.unit() + " is not its series' unit " + s.unit + " (another quantity under the same name: "
                    + "send it under a name of its own)", p.host(), Refusal.UNIT);
        }
        if (p.time() <= s.lastTime) {
            if (p.idHash() != 0 && s.ids.contains(p.idHash())) {
                return; // a retry of a point already counted
            }
            final long grace = settings.windows().graceMillis();
            if (p.time() < s.lastTime - grace) {
                throw new RejectedRecordException(p.kind().label() + " " + p.host() + "/" + p.series() + ": event time "
                        + Instant.ofEpochMilli(p.time()) + " is " + (s.lastTime - p.time()) / 1000 + " s behind the "
                        + "series' latest point, beyond the " + grace / 1000 + " s grace", p.host(), Refusal.LATE);
            }
            checkUnpublished(s, p);
            // Out of order within the grace: it still counts in its window, but the detector only
            // learns series in event-time order.
            s.ids.add(p.time(), p.idHash(), s.lastTime, settings.dedupWindowMillis());
            s.windows.add(p.time(), p.value(), false, settings.windows());
            states.put(key, s);
            arrivals.arrived(key, context.currentStreamTimeMs());
            return;
        }
        checkUnpublished(s, p);
        if (s.lastTime != Long.MIN_VALUE) {
            final double[][] filled = s.gaps.fill(s.lastTime, s.lastValue, p.time(), p.value(),
                    settings.gapMaxPoints(), settings.gapMethod());
            for (int i = 0; i < filled[0].length; i++) {
                advance(key, s, p.imputedAt((long) filled[0][i], filled[1][i]));
            }
            s.gaps.observe(p.time() - s.lastTime);
        }
        advance(key, s, p);
        states.put(key, s);
        // counted only now: a point refused as too late, or a retry, does not keep a series from going quiet
        arrivals.arrived(key, context.currentStreamTimeMs());
    }

    /**
     * Counts a new metric series of its host, or refuses it beyond the cap. Each refused point is dead-lettered: their
     * volume is the host's own input's, the dead letters name each series (what the operator needs to find the
     * sender), and the handler's warning is one line per host every few minutes.
     */
    private void admitSeries(final Point p) {
        if (metricSeries == null) {
            metricSeries = new HashMap<>();
            for (final String key : states.keys()) {
                final SeriesState s = states.get(key);
                if (s != null && s.kind == Point.Kind.METRIC) {
                    metricSeries.merge(key.substring(0, key.indexOf(SEP)), 1, Integer::sum);
                }
            }
        }
        final int count = metricSeries.getOrDefault(p.host(), 0);
        if (count >= settings.maxSeriesPerHost()) {
            throw new RejectedRecordException(p.kind().label() + " " + p.host() + "/" + p.series() + ": a new series, "
                    + "refused: the host has " + count + " metric series already (series.max.per.host; a name or "
                    + "attribute with a new value per request makes a series each: fix the sender, or raise "
                    + "series.max.per.host)", p.host(), Refusal.SERIES_CAP);
        }
        metricSeries.put(p.host(), count + 1);
    }

    /**
     * Only the idle sweep publishes a window before the grace has passed behind the series' latest point: a point for
     * it afterwards (late within the grace, or in order after a pause) would open it again, to be published a second
     * time under the same id with that point alone.
     */
    private void checkUnpublished(final SeriesState s, final Point p) {
        if (p.time() < s.publishedUntil) {
            throw new RejectedRecordException(p.kind().label() + " " + p.host() + "/" + p.series() + ": event time "
                    + Instant.ofEpochMilli(p.time()) + " is in a window published already (up to "
                    + Instant.ofEpochMilli(s.publishedUntil) + ") when the series was quiet for "
                    + settings.idleMillis() / 1000 + " s (series.idle.ms)", p.host(), Refusal.PUBLISHED);
        }
    }

    private void advance(final String key, final SeriesState s, final Point p) {
        closeWindows(key, s, p.host(), p.series(), p.time());
        if (p.time() >= s.publishedUntil) {
            // a point filled in a gap that began before a window the idle sweep published is still learned, not counted
            s.windows.add(p.time(), p.value(), p.imputed(), settings.windows());
        }
        final boolean scored = settings.scored(p.series());
        if (scored) {
            final DetectionResult result = detect(key, s, p);
            if (!p.imputed() && result.warm()) {
                episode(s, p, result);
            }
        }
        s.ids.add(p.time(), p.idHash(), p.time(), settings.dedupWindowMillis());
        s.lastTime = p.time();
        s.lastValue = p.value();
        if (hostChild && scored && p.kind() == Point.Kind.METRIC && !p.imputed()) {
            context.forward(new Record<>(p.host(), p, p.time()), HOST);
        }
    }

    private DetectionResult detect(final String key, final SeriesState s, final Point p) {
        DetectorSlot slot = detectors.get(key);
        if (slot == null) {
            // Series that start together would otherwise all rebuild their forests on the same point.
            final long seed = IdHash.of(key);
            slot = new DetectorSlot(new SeriesDetector(settings.detector(), seed,
                    (int) Math.floorMod(seed, (long) FOREST_PHASES)), Long.MIN_VALUE);
            detectors.put(key, slot);
        }
        if (s.tailSize > 0 && s.tailTimes[s.tailSize - 1] > slot.lastTime) {
            // Read back from an older snapshot: catch up on the points learned since.
            for (int i = 0; i < s.tailSize; i++) {
                if (s.tailTimes[i] > slot.lastTime) {
                    slot.update(s.tailTimes[i], s.tailValues[i]);
                }
            }
        }
        final DetectionResult result = slot.update(p.time(), p.value());
        s.addTail(p.time(), p.value());
        final int every = settings.snapshotPoints();
        // Snapshots at points spread by the series' seed, so that series that started together
        // do not all write theirs in the same commit.
        final long offset = Math.floorMod(slot.detector.seed(), every);
        if (s.tailSize >= every || (slot.detector.points() + offset) % every == 0) {
            // The next commit writes the snapshot and the emptied tail together.
            detectors.put(key, slot);
            s.tailSize = 0;
        }
        return result;
    }

    private void episode(final SeriesState s, final Point p, final DetectionResult result) {
        final EpisodePolicy.Step step = settings.episodes().step(s.episode, p.host() + SEP + p.series(), p.time(),
                result.score());
        s.episode = step.phase() == AnomalyPhase.CLOSE ? null : step.episode();
        if (step.phase() != null) {
            final Anomalies.Subject subject = new Anomalies.Subject(p.host(), p.series(), p.kind().label(),
                    p.dataset(), p.unit(), Anomalies.SERIES_DETECTOR);
            context.forward(new Record<>(p.host(), Anomalies.of(subject, step.phase(), step.episode(), p.time(),
                    result), p.time()), ANOMALIES);
        }
    }

    private void closeWindows(final String key, final SeriesState s, final String host, final String series,
                              final long watermark) {
        final List<WindowSummary> closed = s.windows.close(watermark, settings.windows());
        if (closed.isEmpty()) {
            return;
        }
        SeriesHistory history = histories.get(key);
        if (history == null) {
            history = new SeriesHistory();
        }
        final long size = settings.windows().tumblingMillis();
        for (final WindowSummary w : closed) {
            final long end = w.start() + size;
            s.publishedUntil = Math.max(s.publishedUntil, end);
            publish(host, series, s.unit, settings.windows().tumblingName(), w, end);
            for (final WindowSummary hop : history.hopping.onClosed(w, settings.windows())) {
                publish(host, series, s.unit, settings.windows().hoppingName(), hop,
                        hop.start() + settings.windows().hoppingSizeMillis());
            }
            forecast(host, series, s, history, w.moments().mean(), end);
        }
        histories.put(key, history);
    }

    private void publish(final String host, final String series, final String unit, final String window,
                         final WindowSummary summary, final long end) {
        final StatsWindow out = StatsRecords.of(host, series, unit, window, summary, end);
        stats.put(statsKey(host, series, window), out);
        context.forward(new Record<>(host, out, end), STATS);
    }

    private void forecast(final String host, final String series, final SeriesState s, final SeriesHistory history,
                          final double mean, final long end) {
        if (!settings.forecasts().applies(series, s.unit)) {
            return;
        }
        final int points = settings.forecasts().windowPoints();
        if (history.trend == null) {
            history.trend = new Trend(points);
        } else if (history.trend.capacity() != points) {
            // forecast.window.points changed since the trend was stored: a live series is never forgotten, so it
            // would keep the old number for good
            history.trend = history.trend.resized(points);
        }
        history.trend.restartAfterSilence(end, settings.idleMillis());
        history.trend.add(end, mean);
        final Forecast f = settings.forecasts().check(host, series, history.trend, end);
        if (f != null) {
            context.forward(new Record<>(host, f, end), FORECASTS);
        }
    }

    /** Closes what quiet series left open and forgets expired ones; runs on stream time (see {@link Arrivals}). */
    private void sweep(final long streamTime) {
        arrivals.sweeping(streamTime);
        for (final String key : states.keys()) {
            final SeriesState s = states.get(key);
            if (s == null) {
                continue;
            }
            final long quietFor = arrivals.quietFor(key, s.lastTime, streamTime);
            final long silentFor = arrivals.silentFor(key, s.lastTime, streamTime);
            if (quietFor < settings.idleMillis() && silentFor < settings.expiryMillis()) {
                continue;
            }
            final int sep = key.indexOf(SEP);
            final String host = key.substring(0, sep);
            final String series = key.substring(sep + 1);
            if (silentFor >= settings.expiryMillis()) {
                arrivals.forget(key);
                if (s.kind == Point.Kind.METRIC && metricSeries != null) {
                    metricSeries.computeIfPresent(host, (h, n) -> n > 1 ? n - 1 : null);
                }
                closeQuiet(key, s, host, series);
                states.delete(key);
                histories.delete(key);
                detectors.delete(key);
                // Its latest windows too: a forgotten series is not answered for, nor kept in memory.
                stats.delete(statsKey(host, series, settings.windows().tumblingName()));
                stats.delete(statsKey(host, series, settings.windows().hoppingName()));
            } else if (closeQuiet(key, s, host, series)) {
                states.put(key, s);
            }
        }
    }

    private boolean closeQuiet(final String key, final SeriesState s, final String host, final String series) {
        final boolean open = !s.windows.windows().isEmpty() || s.episode != null;
        closeWindows(key, s, host, series, Long.MAX_VALUE);
        if (s.episode != null) {
            final Anomalies.Subject subject = new Anomalies.Subject(host, series, s.kind.label(), s.dataset, s.unit,
                    Anomalies.SERIES_DETECTOR);
            context.forward(new Record<>(host, Anomalies.quiet(subject, s.episode, s.lastTime, s.lastValue),
                    s.lastTime), ANOMALIES);
            s.episode = null;
        }
        return open;
    }
}
