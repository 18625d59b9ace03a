package dev.vigil.analyzer.anomaly;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Objects;

/**
 * Anomaly detector for one numeric series: engineered features (see {@link SeriesFeatures}), each
 * scored by its own tail, and an Isolation Forest over the level against the time of day, both
 * trained on the series' own recent points and calibrated to one scale (see {@link IsolationModel}).
 *
 * <p>Lifecycle: the first {@link DetectorOptions#warmupPoints()} points are learned but not scored
 * ({@code warm == false}, score 0). At the end of the warm-up the model is trained on them; from
 * then on every point is scored against the model of the points before it; the tails are refitted
 * every {@link DetectorOptions#retrainEvery()} points and the forest rebuilt every fourth time, each
 * from the newest {@link DetectorOptions#window()} points. Same options, seed and points: same results.
 *
 * <p>Novelty: a point's surprise S = -log10(p) (see {@link IsolationModel}) is reported only as far
 * as it exceeds the recent peak of surprises, which halves every {@link
 * DetectorOptions#noveltyHalfLife()} points: score = N / (N + scoreScale) with N = max(0, S - peak).
 * At the end of the warm-up the peak starts where the warm-up points' own surprises leave it; at each later
 * training it falls, if higher, to where the window's surprises on the refitted scale leave it, so that one huge
 * event the tails have since learned does not hide smaller ones for a thousand points.
 * An event is reported when it starts (and when it gets worse), not for as long as it lasts; the
 * anomaly episodes downstream carry its duration.
 *
 * <p>Not thread-safe: one detector per series, used by one thread at a time. Memory is bounded by
 * the options, not by the length of the series: see {@link #approximateSizeBytes()}.
 *
 * <p>State: {@link #toBytes()} holds the recent feature vectors and forest inputs (floats) and the running statistics,
 * not the forest; a detector from {@link #fromBytes} rebuilds the same forest on its first scored
 * point (a few milliseconds with the defaults) and then behaves exactly as the original would.
 * So keep live detectors in memory between points (e.g. a map per stream task) and use the bytes
 * for the state store, rather than calling {@code fromBytes} for every point.
 */
public final class SeriesDetector {
    /**
     * "VSD5": rows may hold NaN (no seasonal residual) and tails may be none, which a VSD4 reader would take
     * for numbers; the layout is VSD4's, so VSD4 states are read as they are.
     */
    private static final int MAGIC = 0x56534435;
    private static final int MAGIC_VSD4 = 0x56534434;
    /** Number of distinct forest phases (see {@link #SeriesDetector(DetectorOptions, long, int)}). */
    public static final int FOREST_PHASES = IsolationModel.FOREST_EVERY;
    private static final int CONTRIBUTORS = 3;
    /** Magic, layout, seed and forest phase. */
    private static final int HEADER = 4 + 4 + 8 + 4;

    private final DetectorOptions options;
    private final long seed;
    private final int forestPhase;
    private final SeriesFeatures features;
    private final IsolationModel model;

    /**
     * @param options hyperparameters
     * @param seed seed of the forest's random choices
     */
    public SeriesDetector(final DetectorOptions options, final long seed) {
        this(options, seed, 0);
    }

    /**
     * A detector whose second forest comes {@code forestPhase} trainings early; after it, forests
     * are rebuilt every fourth training as with phase 0. Giving the series of one analyzer different
     * phases spreads their forest rebuilds (the costly part of training) over several training
     * intervals instead of all series rebuilding on the same point when they started together.
     *
     * @param options hyperparameters
     * @param seed seed of the forest's random choices
     * @param forestPhase 0 to {@link #FOREST_PHASES} - 1
     */
    public SeriesDetector(final DetectorOptions options, final long seed, final int forestPhase) {
        this.options = options;
        this.seed = seed;
        this.forestPhase = forestPhase;
        this.features = new SeriesFeatures(options);
        this.model = new IsolationModel(options, seed, SeriesFeatures.NAMES, SeriesFeatures.FOREST_NAME,
                SeriesFeatures.FOREST_DIMENSION, forestPhase, true, SeriesFeatures.AVERAGED);
    }

    /**
     * Scores a point against the recent past, then learns it.
     *
     * @param eventTimeMillis event time in epoch milliseconds; points come in event-time order (a
     *     time before the previous point's is taken as the previous point's)
     * @param value the value; finite
     * @return the result; {@code warm == false} and score 0 during the warm-up
     * @throws IllegalArgumentException when the value is NaN or infinite
     */
    public DetectionResult update(final long eventTimeMillis, final double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("value must be finite, was " + value);
        }
        final long time = Math.max(eventTimeMillis, features.lastTime());
        final double[] f = features.next(time, value);
        final double[] g = SeriesFeatures.forestInput(time, f);
        // Score and explain with the model of the points before this one, then learn the point.
        final DetectionResult result;
        if (model.trained()) {
            final double score = model.score(f, g);
            result = new DetectionResult(true, score, value, features.baseline(),
                    score > 0 ? model.explain(f, CONTRIBUTORS) : List.of());
        } else {
            result = DetectionResult.cold(value, features.baseline());
        }
        model.add(f, g);
        return result;
    }

    /** @return points seen so far */
    public long points() {
        return features.count();
    }

    /** @return the seed of the forest's random choices */
    public long seed() {
        return seed;
    }

    /** @return true once the warm-up is over and points are scored */
    public boolean warm() {
        return model.trained();
    }

    /** @return the options this detector runs with */
    public DetectorOptions options() {
        return options;
    }

    /**
     * @return the state in a compact binary form: {@code window * 6 * 4} bytes of feature rows,
     *     {@code (window + 4 * retrainEvery) * 3 * 4} of forest inputs, {@code window * 4} of recent
     *     forest scores, {@code seasonBins * 8 * 4} of seasonal profiles and about 800 more; 37 KB
     *     with the defaults, whatever the length of the series
     */
    public byte[] toBytes() {
        final ByteBuffer out = ByteBuffer.allocate(HEADER + features.serializedSize() + model.serializedSize())
                .order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(MAGIC).putInt(layout(options)).putLong(seed).putInt(forestPhase);
        features.write(out);
        model.write(out);
        return out.array();
    }

    /**
     * @param state bytes from {@link #toBytes()}
     * @param options the options the detector ran with (they are not stored)
     * @return the detector, as it was
     * @throws IllegalArgumentException when the bytes are not a detector's state for these options
     */
    public static SeriesDetector fromBytes(final byte[] state, final DetectorOptions options) {
        final ByteBuffer in = ByteBuffer.wrap(state).order(ByteOrder.LITTLE_ENDIAN);
        try {
            final int magic = in.getInt();
            if (magic != MAGIC && magic != MAGIC_VSD4) {
                throw new IllegalArgumentException("detector state: not a series detector's state");
            }
            if (in.getInt() != layout(options)) {
                throw new IllegalArgumentException("detector state: written with another window, retrainEvery, "
                        + "shortPoints, seasonBins or with(out) a forest than " + options);
            }
            final long seed = in.getLong();
            final int phase = in.getInt();
            if (phase < 0 || phase >= FOREST_PHASES) {
                throw new IllegalArgumentException("detector state: forest phase " + phase);
            }
            final SeriesDetector detector = new SeriesDetector(options, seed, phase);
            detector.features.read(in);
            detector.model.read(in);
            if (in.hasRemaining()) {
                throw new IllegalArgumentException("detector state: " + in.remaining()
                        + " bytes left over; written with other options?");
            }
            return detector;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("detector state: truncated (" + state.length
                    + " bytes); written with other options?", e);
        }
    }

    /** The options that shape the bytes: a state only reads back with the same ones. */
    static int layout(final DetectorOptions o) {
        return Objects.hash(o.window(), o.retrainEvery(), o.shortPoints(), o.seasonBins(), o.trees() > 0);
    }

    /**
     * @return approximate heap bytes of this detector: the serialized state plus the forest's packed
     *     trees when built (about 64 KB in all with the defaults, 26 KB of it the trees)
     */
    public long approximateSizeBytes() {
        return HEADER + features.serializedSize() + model.serializedSize() + model.forestBytes();
    }
}
