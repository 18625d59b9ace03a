package dev.vigil.analyzer.anomaly;

import dev.vigil.schemas.Contributor;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import smile.math.special.Erf;

/**
 * A forest over a sliding window of feature vectors: trained once the warm-up is over, rebuilt every
 * {@code retrainEvery} rows from the newest {@code window} rows, and calibrated at each training
 * against the isolation scores of the rows it was trained on.
 *
 * <p>Calibration: z = (s - mean) / sd of the training rows' scores s; p = P(Z &gt; z) for a standard
 * normal Z; score = min(1, -log10(p) / scoreScale). So the score reads as "how many orders of
 * magnitude rarer than the usual point", on the same scale for every series.
 *
 * <p>Only the rows and a few figures are serialized. The forest itself is rebuilt from them on the
 * first use after {@link #read}, with the same seed, so it is the same forest.
 */
final class IsolationModel {
    /** Floor of the calibration deviation: Smile's scores of identical rows do not vary at all. */
    private static final double MIN_SCORE_SD = 0.01;
    private static final double LN10 = Math.log(10);

    private final DetectorOptions options;
    private final long seed;
    private final List<String> names;
    private final TrainingWindow window;

    private long trainedAt;
    private double scoreMean;
    private double scoreSd;
    private final double[] center;
    private final double[] scale;
    private Forest forest;

    /**
     * @param options hyperparameters
     * @param seed seed of every random choice
     * @param names feature names, one per dimension
     */
    IsolationModel(final DetectorOptions options, final long seed, final List<String> names) {
        if (options.extensionLevel() >= names.size()) {
            throw new IllegalArgumentException("extensionLevel must be below the " + names.size()
                    + " features, was " + options.extensionLevel());
        }
        this.options = options;
        this.seed = seed;
        this.names = List.copyOf(names);
        this.window = new TrainingWindow(names.size(), options.window() + options.retrainEvery());
        this.center = new double[names.size()];
        this.scale = new double[names.size()];
    }

    /** @return true once the first training happened */
    boolean trained() {
        return trainedAt > 0;
    }

    /**
     * @param features a feature vector
     * @return the calibrated score in [0, 1]; call only when {@link #trained()}
     */
    double score(final double[] features) {
        final double z = (forest().score(features) - scoreMean) / scoreSd;
        // An isolation forest does not see how far beyond its training range a point lies: a split
        // never falls outside the range of the rows it was built from. The most deviating feature's
        // robust z (two-sided, Bonferroni over the features) brings that magnitude back.
        double maxDeviation = 0;
        for (int j = 0; j < features.length; j++) {
            maxDeviation = Math.max(maxDeviation, Math.abs(features[j] - center[j]) / scale[j]);
        }
        final double featureLog10 = Math.log10(2.0 * features.length) + log10UpperTail(maxDeviation);
        final double log10P = Math.min(log10UpperTail(z), featureLog10);
        return Math.min(1.0, Math.max(0.0, -log10P / options.scoreScale()));
    }

    /**
     * Adds a row to the window, and trains when it is time.
     *
     * @param features the row
     */
    void add(final double[] features) {
        window.add(features);
        final long n = window.total();
        if (trainedAt == 0 ? n >= options.warmupPoints() : n - trainedAt >= options.retrainEvery()) {
            train(n);
        }
    }

    /**
     * @param features a feature vector
     * @param top most contributors to return
     * @return the features that deviate most from their training median, in MADs, strongest first;
     *     weights are shares of the total deviation
     */
    List<Contributor> explain(final double[] features, final int top) {
        final double[] deviation = new double[features.length];
        double total = 0;
        for (int j = 0; j < features.length; j++) {
            deviation[j] = Math.abs(features[j] - center[j]) / scale[j];
            total += deviation[j];
        }
        final Integer[] order = new Integer[features.length];
        for (int j = 0; j < order.length; j++) {
            order[j] = j;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer j) -> -deviation[j]));
        final List<Contributor> out = new ArrayList<>(top);
        for (int k = 0; k < Math.min(top, order.length) && total > 0; k++) {
            final int j = order[k];
            out.add(new Contributor(names.get(j), features[j], deviation[j] / total));
        }
        return out;
    }

    private void train(final long end) {
        final int n = (int) Math.min(end, options.window());
        final List<double[]> rows = window.rows(end, n);
        forest = Forest.build(rows, options.trees(), options.subsample(), options.effectiveMaxDepth(),
                options.extensionLevel(), seed * 0x9E3779B97F4A7C15L + end);
        double sum = 0;
        double sumSq = 0;
        for (final double[] row : rows) {
            final double s = forest.score(row);
            sum += s;
            sumSq += s * s;
        }
        scoreMean = sum / n;
        scoreSd = Math.max(MIN_SCORE_SD, Math.sqrt(Math.max(0, sumSq / n - scoreMean * scoreMean)));
        robustScale(rows);
        trainedAt = end;
    }

    private void robustScale(final List<double[]> rows) {
        final double[] column = new double[rows.size()];
        for (int j = 0; j < center.length; j++) {
            for (int i = 0; i < column.length; i++) {
                column[i] = rows.get(i)[j];
            }
            Arrays.sort(column);
            center[j] = median(column);
            for (int i = 0; i < column.length; i++) {
                column[i] = Math.abs(column[i] - center[j]);
            }
            Arrays.sort(column);
            final double mad = 1.4826 * median(column);
            scale[j] = mad > 0 ? mad : Math.max(1e-9, Math.abs(center[j]) * 1e-6 + 1e-12);
        }
    }

    private static double median(final double[] sorted) {
        final int m = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }

    private Forest forest() {
        if (forest == null) {
            // Restored from bytes: rebuild the forest of the last training from the same rows and seed.
            final int n = (int) Math.min(trainedAt, options.window());
            forest = Forest.build(window.rows(trainedAt, n), options.trees(), options.subsample(),
                    options.effectiveMaxDepth(), options.extensionLevel(), seed * 0x9E3779B97F4A7C15L + trainedAt);
        }
        return forest;
    }

    /**
     * @param z a standard score
     * @return log10 P(Z &gt; z) for a standard normal Z, accurate far into the tail
     */
    static double log10UpperTail(final double z) {
        if (z < 8) {
            return Math.log10(0.5 * Erf.erfc(z / Math.sqrt(2)));
        }
        // Mills ratio: P(Z > z) ~ phi(z) / z * (1 - 1/z^2 + 3/z^4)
        final double lnP = -0.5 * z * z - Math.log(z * Math.sqrt(2 * Math.PI))
                + Math.log1p(-1 / (z * z) + 3 / (z * z * z * z));
        return lnP / LN10;
    }

    /** @return true when the forest is built (not waiting for a rebuild after {@link #read}) */
    boolean forestBuilt() {
        return forest != null;
    }

    /** @return approximate heap bytes of the forest when built: Smile nodes hold two dense vectors each */
    long forestBytes() {
        if (forest == null) {
            return 0;
        }
        final long nodes = (long) options.trees() * 2 * Math.min(options.subsample(), 1L << options.effectiveMaxDepth());
        return nodes * (48 + 2 * (16 + 8L * names.size()));
    }

    /** @return bytes of {@link #write} */
    int serializedSize() {
        return 8 + 8 + 8 + 16 * center.length + window.serializedSize();
    }

    void write(final ByteBuffer out) {
        out.putLong(trainedAt).putDouble(scoreMean).putDouble(scoreSd);
        for (int j = 0; j < center.length; j++) {
            out.putDouble(center[j]).putDouble(scale[j]);
        }
        window.write(out);
    }

    void read(final ByteBuffer in) {
        trainedAt = in.getLong();
        scoreMean = in.getDouble();
        scoreSd = in.getDouble();
        for (int j = 0; j < center.length; j++) {
            center[j] = in.getDouble();
            scale[j] = in.getDouble();
        }
        window.read(in);
        if (trainedAt < 0 || trainedAt > window.total()) {
            throw new IllegalArgumentException("trained at row " + trainedAt + " of " + window.total());
        }
        forest = null;
    }
}
