package dev.vigil.analyzer.detect;

import dev.vigil.analyzer.anomaly.DetectionResult;
import dev.vigil.analyzer.anomaly.DetectorOptions;
import dev.vigil.analyzer.anomaly.HostDetector;
import dev.vigil.analyzer.clean.IdHash;
import dev.vigil.analyzer.normalize.Point;
import dev.vigil.analyzer.store.Arrivals;
import dev.vigil.analyzer.store.BinaryReader;
import dev.vigil.analyzer.store.BinaryWriter;
import dev.vigil.analyzer.store.Codec;
import dev.vigil.analyzer.store.LiveStore;
import dev.vigil.analyzer.store.LiveStoreBuilder;
import dev.vigil.schemas.Anomaly;
import dev.vigil.schemas.AnomalyPhase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * The host-level detector: once per window (when a host's metric points move into the next
 * window), the latest value of each of the host's metric series is scored as one vector by the
 * host's multivariate forest; scores become host episodes ({@code kind = host}, {@code series =
 * host}) whose contributors name the series that stood out. Input: accepted real metric points in
 * their partition's order, so the result is the same on every replay.
 *
 * <p>A series of the host without a point for {@code expiryMillis} (in the host's event time) leaves its view and
 * its detector, as the series pipeline forgets it: a host whose series come and go (one per container) would
 * otherwise fill the detector's {@link HostDetector#MAX_SERIES} places with series long gone.
 *
 * <p>A stream-time sweep closes the episode of a host that went quiet (no point for {@code idleMillis}, in its
 * event time and in stream time since its last point came, as for series) and forgets hosts silent for {@code
 * expiryMillis}: a host that dies during an episode would otherwise leave it open forever.
 */
public final class HostProcessor implements Processor<String, Point, String, Anomaly> {
    /** Store of {@link HostState}. */
    public static final String STATE_STORE = "host-store";
    /** Store of host detectors. */
    public static final String DETECTOR_STORE = "host-detector-store";
    /** Series name of host-level anomalies. */
    public static final String SERIES = "host";

    private final DetectorOptions options;
    private final EpisodePolicy episodes;
    private final long windowMillis;
    private final long idleMillis;
    private final long expiryMillis;
    private final Arrivals arrivals = new Arrivals();
    private ProcessorContext<String, Anomaly> context;
    private LiveStore<HostState> states;
    private LiveStore<HostDetector> detectors;

    /**
     * @param options detector hyperparameters
     * @param episodes episode thresholds
     * @param windowMillis how often a host is scored, in event time
     * @param idleMillis how long a host is without points before its episode is closed, in ms
     * @param expiryMillis how long a host is without points before it is forgotten, in ms
     */
    public HostProcessor(final DetectorOptions options, final EpisodePolicy episodes, final long windowMillis,
                         final long idleMillis, final long expiryMillis) {
        this.options = options;
        this.episodes = episodes;
        this.windowMillis = windowMillis;
        this.idleMillis = idleMillis;
        this.expiryMillis = expiryMillis;
    }

    /**
     * @param options the options detectors run with
     * @return how host detectors are kept in their store
     */
    static Codec<HostDetector> detectorCodec(final DetectorOptions options) {
        return new Codec<>() {
            @Override
            public byte[] encode(final HostDetector d) {
                return new BinaryWriter(1024).writeBytes(d.toBytes()).toByteArray();
            }

            @Override
            public HostDetector decode(final byte[] bytes) {
                return HostDetector.fromBytes(new BinaryReader(bytes).readBytes(), options);
            }
        };
    }

    /**
     * @param options the options detectors run with
     * @param persistent RocksDB (true) or in-memory stores
     * @param capacity live hosts kept in memory per task
     * @return the stores this processor needs
     */
    public static List<StoreBuilder<?>> stores(final DetectorOptions options, final boolean persistent,
                                               final int capacity) {
        return List.of(LiveStoreBuilder.of(STATE_STORE, persistent, HostState.CODEC, capacity),
                LiveStoreBuilder.of(DETECTOR_STORE, persistent, detectorCodec(options), capacity));
    }

    @Override
    public void init(final ProcessorContext<String, Anomaly> context) {
        this.context = context;
        this.states = context.getStateStore(STATE_STORE);
        this.detectors = context.getStateStore(DETECTOR_STORE);
        context.schedule(Duration.ofMillis(Math.max(1000, Math.min(60_000, idleMillis / 2))),
                PunctuationType.STREAM_TIME, this::sweep);
    }

    @Override
    public void process(final Record<String, Point> record) {
        final Point p = record.value();
        HostState h = states.get(p.host());
        if (h == null) {
            h = new HostState();
        }
        final long window = Math.floorDiv(p.time(), windowMillis) * windowMillis;
        if (window > h.window) {
            h.forgetSilent(p.time(), expiryMillis);
            if (h.window != Long.MIN_VALUE && h.latest.size() >= 2) {
                score(p.host(), h, h.window + windowMillis);
            }
            h.window = window;
        }
        if (h.latest.containsKey(p.series()) || h.latest.size() < HostDetector.MAX_SERIES) {
            h.latest.put(p.series(), p.value());
            h.seen.put(p.series(), p.time());
        }
        h.lastTime = Math.max(h.lastTime, p.time());
        states.put(p.host(), h);
        arrivals.arrived(p.host(), context.currentStreamTimeMs());
    }

    /** Closes the episodes of quiet hosts and forgets silent ones; runs on stream time (see {@link Arrivals}). */
    private void sweep(final long streamTime) {
        arrivals.sweeping(streamTime);
        for (final String host : states.keys()) {
            final HostState h = states.get(host);
            if (h == null) {
                continue;
            }
            final long quietFor = arrivals.quietFor(host, h.lastTime, streamTime);
            final long silentFor = arrivals.silentFor(host, h.lastTime, streamTime);
            if (h.episode != null && (quietFor >= idleMillis || silentFor >= expiryMillis)) {
                final Anomalies.Subject subject = new Anomalies.Subject(host, SERIES, Point.Kind.HOST.label(), null,
                        null, Anomalies.HOST_DETECTOR);
                context.forward(new Record<>(host, Anomalies.quiet(subject, h.episode, h.lastTime, 0), h.lastTime));
                h.episode = null;
                states.put(host, h);
            }
            if (silentFor >= expiryMillis) {
                arrivals.forget(host);
                states.delete(host);
                detectors.delete(host);
            }
        }
    }

    private void score(final String host, final HostState h, final long time) {
        HostDetector detector = detectors.get(host);
        if (detector == null) {
            detector = new HostDetector(options, IdHash.of("host", host));
        }
        final Map<String, Double> values = new TreeMap<>(h.latest);
        // the series the host's view forgot (silent for the expiry) leave the detector too
        detector.retain(values.keySet());
        final DetectionResult result = detector.update(time, values);
        detectors.put(host, detector);
        if (!result.warm()) {
            return;
        }
        final EpisodePolicy.Step step = episodes.step(h.episode, host + "\u0000" + SERIES, time, result.score());
        h.episode = step.phase() == AnomalyPhase.CLOSE ? null : step.episode();
        if (step.phase() != null) {
            final Anomalies.Subject subject = new Anomalies.Subject(host, SERIES, Point.Kind.HOST.label(), null, null,
                    Anomalies.HOST_DETECTOR);
            context.forward(new Record<>(host, Anomalies.of(subject, step.phase(), step.episode(), time, result),
                    time));
        }
    }
}
