package dev.vigil.analyzer.anomaly;

import dev.vigil.schemas.Contributor;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Multivariate anomaly detector over the named series of one host: one Isolation Forest over the
 * vector of the series' rolling z-scores, so that an unusual combination (CPU high while requests
 * are low) stands out even when each series alone looks ordinary.
 *
 * <p>Each update carries the values of some or all series at one time; a series missing from an
 * update keeps its last value. The set of series is learned: a series never seen before (up to
 * {@link #MAX_SERIES}) restarts the warm-up with one more dimension; more series than that are
 * ignored until {@link #retain} forgets some. Contributors name series, strongest first;
 * {@code observed} and {@code baseline} are those of the strongest one.
 *
 * <p>Not thread-safe; bounded memory; same options, seed and updates give the same results; state
 * round-trips through {@link #toBytes()} / {@link #fromBytes} as for {@link SeriesDetector}.
 */
public final class HostDetector {
    /** Most series one host detector tracks. */
    public static final int MAX_SERIES = 64;
    private static final int MAGIC = 0x56484433; // "VHD3"
    private static final int CONTRIBUTORS = 3;
    /** The forest's contributor: the series' values together, as a combination. */
    static final String FOREST_NAME = "combination";

    private final DetectorOptions options;
    private final long seed;
    private final double alpha;
    /** Per series, in name order: last value, running mean, running variance. */
    private final TreeMap<String, double[]> series = new TreeMap<>();
    private IsolationModel model;
    private long count;

    /**
     * @param options hyperparameters
     * @param seed seed of the forest's random choices
     */
    public HostDetector(final DetectorOptions options, final long seed) {
        this.options = options;
        this.seed = seed;
        this.alpha = 2.0 / (options.window() + 1.0);
    }

    /**
     * Scores the host's state at one time against its recent past, then learns it.
     *
     * @param eventTimeMillis event time in epoch milliseconds, in order
     * @param values series name to value, all finite; at least one
     * @return the result; not warm during the warm-up (which restarts when a new series appears)
     * @throws IllegalArgumentException when the map is empty or a value is NaN or infinite
     */
    public DetectionResult update(final long eventTimeMillis, final Map<String, Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("a host update needs at least one series value");
        }
        boolean grown = false;
        for (final Map.Entry<String, Double> e : values.entrySet()) {
            final Double v = e.getValue();
            if (v == null || !Double.isFinite(v)) {
                throw new IllegalArgumentException("series " + e.getKey() + ": value must be finite, was " + v);
            }
            if (!series.containsKey(e.getKey()) && series.size() < MAX_SERIES) {
                series.put(e.getKey(), new double[] {v, v, 0.0});
                grown = true;
            }
        }
        if (grown || model == null) {
            // A new dimension: the old rows have no value for it, so learn afresh.
            model = model(options, seed, series.keySet());
        }
        final double[] z = new double[series.size()];
        int j = 0;
        for (final Map.Entry<String, double[]> e : series.entrySet()) {
            final double[] s = e.getValue();
            final Double v = values.get(e.getKey());
            if (v != null) {
                s[0] = v;
            }
            final double sd = Math.sqrt(s[2]);
            z[j++] = sd > 0 ? (s[0] - s[1]) / sd : 0.0;
        }
        final DetectionResult result = model.trained() ? scored(z) : DetectionResult.cold(0.0, 0.0);
        for (final double[] s : series.values()) {
            final double d = s[0] - s[1];
            s[1] += alpha * d;
            s[2] = (1 - alpha) * (s[2] + alpha * d * d);
        }
        model.add(z, z);
        count++;
        return result;
    }

    /**
     * Forgets the series not named (gone from the host): their dimension goes, and the warm-up restarts, as when a
     * series is added.
     *
     * @param names the series to keep
     * @return whether any series was forgotten
     */
    public boolean retain(final java.util.Set<String> names) {
        if (!series.keySet().retainAll(names)) {
            return false;
        }
        model = null;
        return true;
    }

    /**
     * The forest's input is the vector of z-scores itself: it models how the series move together.
     * Its splits are fully extended (extension level = series - 1, whatever the options say):
     * correlated series lie along a diagonal, which axis-parallel splits cannot carve out, so a
     * broken correlation would look ordinary to them.
     */
    private static IsolationModel model(final DetectorOptions options, final long seed,
                                        final java.util.Set<String> names) {
        return new IsolationModel(options.withExtensionLevel(names.size() - 1), seed, List.copyOf(names),
                FOREST_NAME, 0, 0);
    }

    private DetectionResult scored(final double[] z) {
        final double score = model.score(z, z);
        final List<Contributor> contributors = score > 0 ? model.explain(z, CONTRIBUTORS) : List.of();
        final double[] top = contributors.stream().map(c -> series.get(c.getName())).filter(s -> s != null)
                .findFirst().orElse(series.firstEntry().getValue());
        return new DetectionResult(true, score, top[0], top[1], contributors);
    }

    /** @return updates seen */
    public long points() {
        return count;
    }

    /** @return the series tracked, in name order */
    public List<String> series() {
        return new ArrayList<>(series.keySet());
    }

    /** @return the state in a compact binary form (see {@link SeriesDetector#toBytes()}) */
    public byte[] toBytes() {
        final List<byte[]> names = series.keySet().stream().map(n -> n.getBytes(StandardCharsets.UTF_8)).toList();
        final int nameBytes = names.stream().mapToInt(b -> 4 + b.length + 24).sum();
        final int modelBytes = model == null ? 0 : model.serializedSize();
        final ByteBuffer out = ByteBuffer.allocate(4 + 4 + 8 + 8 + 4 + nameBytes + 1 + modelBytes)
                .order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(MAGIC).putInt(SeriesDetector.layout(options)).putLong(seed).putLong(count).putInt(series.size());
        int i = 0;
        for (final double[] s : series.values()) {
            out.putInt(names.get(i).length).put(names.get(i++)).putDouble(s[0]).putDouble(s[1]).putDouble(s[2]);
        }
        out.put((byte) (model == null ? 0 : 1));
        if (model != null) {
            model.write(out);
        }
        return out.array();
    }

    /**
     * @param state bytes from {@link #toBytes()}
     * @param options the options the detector ran with
     * @return the detector, as it was
     * @throws IllegalArgumentException when the bytes are not a host detector's state for these options
     */
    public static HostDetector fromBytes(final byte[] state, final DetectorOptions options) {
        final ByteBuffer in = ByteBuffer.wrap(state).order(ByteOrder.LITTLE_ENDIAN);
        try {
            if (in.getInt() != MAGIC) {
                throw new IllegalArgumentException("host detector state: not a host detector's state");
            }
            if (in.getInt() != SeriesDetector.layout(options)) {
                throw new IllegalArgumentException("host detector state: written with other options than " + options);
            }
            final HostDetector d = new HostDetector(options, in.getLong());
            d.count = in.getLong();
            final int n = in.getInt();
            if (n < 0 || n > MAX_SERIES) {
                throw new IllegalArgumentException("host detector state: " + n + " series");
            }
            for (int i = 0; i < n; i++) {
                final byte[] name = new byte[in.getInt()];
                in.get(name);
                d.series.put(new String(name, StandardCharsets.UTF_8),
                        new double[] {in.getDouble(), in.getDouble(), in.getDouble()});
            }
            if (in.get() == 1) {
                d.model = model(options, d.seed, d.series.keySet());
                d.model.read(in);
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException("host detector state: " + in.remaining() + " bytes left over");
            }
            return d;
        } catch (BufferUnderflowException | NegativeArraySizeException e) {
            throw new IllegalArgumentException("host detector state: truncated (" + state.length + " bytes)", e);
        }
    }

    /** @return approximate heap bytes: state plus the forest when built */
    public long approximateSizeBytes() {
        return toBytesSize() + (model == null ? 0 : model.forestBytes());
    }

    private long toBytesSize() {
        long size = 29;
        for (final String name : series.keySet()) {
            size += 28 + name.length();
        }
        return size + (model == null ? 0 : model.serializedSize());
    }
}
