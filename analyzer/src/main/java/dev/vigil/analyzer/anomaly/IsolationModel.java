package dev.vigil.analyzer.anomaly;

import dev.vigil.schemas.Contributor;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A forest over a sliding window of feature vectors: trained once the warm-up is over, rebuilt every
 * {@code retrainEvery} rows from the newest {@code window} rows, and calibrated at each training
 * against the isolation scores of the rows it was trained on.
 *
 * <p>Calibration: at each training, the upper {@link Tail} of the isolation scores of the training
 * rows, and of each feature's distance from its median; a point's p is the rarer of the two
 * (features Bonferroni-corrected), and its surprise S = -log10(p): "how many orders of magnitude
 * rarer than the recent points", on one scale for every series. The score reports the surprise
 * beyond the recent peak of surprises (see {@link #score}).
 *
 * <p>Only the rows and a few figures are serialized. The forest itself is rebuilt from them on the
 * first use after {@link #read}, with the same seed, so it is the same forest.
 */
final class IsolationModel {
    /** Floor of the isolation score's tail scale: Smile's scores of identical rows do not vary at all. */
    private static final double MIN_SCORE_BETA = 0.005;
    /** Share of the older tails' extra reach kept at each training. */
    private static final double TAIL_MEMORY = 0.5;
    /** Rows scored at each training to calibrate. */
    private static final int CALIBRATION_ROWS = 128;

    private final DetectorOptions options;
    private final long seed;
    private final List<String> names;
    private final TrainingWindow window;

    private final double peakDecay;
    private long trainedAt;
    /** Decaying peak of the recent surprises (-log10 p). */
    private double peak;
    private Tail scoreTail;
    private final double[] center;
    private final Tail[] tails;
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
        this.tails = new Tail[names.size()];
        this.peakDecay = options.noveltyHalfLife() == 0 ? 0.0 : Math.pow(2, -1.0 / options.noveltyHalfLife());
    }

    /** @return true once the first training happened */
    boolean trained() {
        return trainedAt > 0;
    }

    /**
     * @param point a feature vector
     * @return log10 of the point's tail probability: the rarer of its isolation score and its most
     *     extreme feature (Bonferroni over the features); 0 when neither is in its tail. Call only
     *     when {@link #trained()}.
     */
    double log10P(final double[] point) {
        // The forest was trained on float rows: score the point as the float row it will become, or
        // a feature constant over the window would differ from itself by rounding and be isolated.
        final double[] features = TrainingWindow.asStored(point);
        // An isolation forest does not see how far beyond its training range a point lies: a split
        // never falls outside the range of the rows it was built from. The features' own tails
        // bring that magnitude back.
        double featureLog10 = 0;
        for (int j = 0; j < features.length; j++) {
            featureLog10 = Math.min(featureLog10, tails[j].log10Exceedance(Math.abs(features[j] - center[j])));
        }
        featureLog10 = Math.min(0, featureLog10 + Math.log10(features.length));
        return Math.min(scoreTail.log10Exceedance(forest().score(features)), featureLog10);
    }

    /**
     * Scores a point; call once per point, in order (it updates the recent peak).
     *
     * @param features a feature vector
     * @return the calibrated score in [0, 1): N / (N + scoreScale) with N = max(0, S - peak), S =
     *     -log10(p) and peak the recent peak of S decaying with noveltyHalfLife; this keeps the
     *     order of even the rarest points instead of capping them all at 1
     */
    double score(final double[] features) {
        // Report what is new: the surprise beyond the recent peak. The first point of an event keeps
        // its full surprise; its continuation, and echoes of an event the window partly learned, do
        // not raise the score again.
        final double surprise = Math.max(0.0, -log10P(features));
        final double novel = Math.max(0.0, surprise - peak);
        peak = Math.max(surprise, peak * peakDecay);
        return novel / (novel + options.scoreScale());
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
     * @param point a feature vector
     * @param top most contributors to return
     * @return the features that deviate most from their training median, relative to how far the
     *     training rows' own extremes reached, strongest first; weights are shares of the total
     */
    List<Contributor> explain(final double[] point, final int top) {
        final double[] features = TrainingWindow.asStored(point);
        final double[] deviation = new double[features.length];
        double total = 0;
        for (int j = 0; j < features.length; j++) {
            deviation[j] = Math.abs(features[j] - center[j]) / (tails[j].u() + tails[j].beta());
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
        forest = build(rows, end);
        // Calibrate on up to CALIBRATION_ROWS rows spread over the window: scoring all of them
        // would cost as much as building the forest.
        final int m = Math.min(n, CALIBRATION_ROWS);
        final double[] sample = new double[m];
        for (int i = 0; i < m; i++) {
            sample[i] = forest.score(rows.get((int) ((long) i * n / m)));
        }
        scoreTail = remember(scoreTail, Tail.fit(sample, MIN_SCORE_BETA));
        fitFeatureTails(rows);
        trainedAt = end;
    }

    private void fitFeatureTails(final List<double[]> rows) {
        final double[] column = new double[rows.size()];
        for (int j = 0; j < center.length; j++) {
            double magnitude = 0;
            for (int i = 0; i < column.length; i++) {
                column[i] = rows.get(i)[j];
                magnitude = Math.max(magnitude, Math.abs(column[i]));
            }
            Arrays.sort(column);
            center[j] = median(column);
            for (int i = 0; i < column.length; i++) {
                column[i] = Math.abs(column[i] - center[j]);
            }
            // Floor: one part in a thousand of the feature's magnitude, so a constant feature has a scale.
            tails[j] = remember(tails[j], Tail.fit(column, Math.max(1e-3 * magnitude, 1e-12)));
        }
    }

    /**
     * Tails remember the extremes of earlier windows, keeping half of their extra reach at each
     * training: a rare but recurring event (a nightly job's spike) stays known for several windows
     * after it left the current one, instead of alarming again each time it comes back.
     */
    private static Tail remember(final Tail old, final Tail fitted) {
        return old == null ? fitted : old.remember(fitted, TAIL_MEMORY);
    }

    private static double median(final double[] sorted) {
        final int m = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }

    private Forest forest() {
        if (forest == null) {
            // Restored from bytes: rebuild the forest of the last training from the same rows and seed.
            forest = build(window.rows(trainedAt, (int) Math.min(trainedAt, options.window())), trainedAt);
        }
        return forest;
    }

    /** The seed depends on the row count, so that each training draws afresh yet reproducibly. */
    private Forest build(final List<double[]> rows, final long end) {
        return Forest.build(rows, options.trees(), options.subsample(), options.effectiveMaxDepth(),
                options.extensionLevel(), seed * 0x9E3779B97F4A7C15L + end);
    }

    /** @return approximate heap bytes of the forest's compact trees when built, else 0 */
    long forestBytes() {
        return forest == null ? 0 : forest.sizeBytes();
    }

    /** @return bytes of {@link #write} */
    int serializedSize() {
        return 16 + 24 + 32 * center.length + window.serializedSize();
    }

    void write(final ByteBuffer out) {
        out.putLong(trainedAt).putDouble(peak);
        write(out, scoreTail);
        for (int j = 0; j < center.length; j++) {
            out.putDouble(center[j]);
            write(out, tails[j]);
        }
        window.write(out);
    }

    void read(final ByteBuffer in) {
        trainedAt = in.getLong();
        peak = in.getDouble();
        scoreTail = readTail(in);
        for (int j = 0; j < center.length; j++) {
            center[j] = in.getDouble();
            tails[j] = readTail(in);
        }
        window.read(in);
        if (trainedAt < 0 || trainedAt > window.total()
                || trainedAt > 0 && (scoreTail == null || Arrays.asList(tails).contains(null))) {
            throw new IllegalArgumentException("inconsistent model: trained at row " + trainedAt + " of "
                    + window.total());
        }
        forest = null;
    }

    private static void write(final ByteBuffer out, final Tail tail) {
        if (tail == null) {
            out.putDouble(Double.NaN).putDouble(Double.NaN).putDouble(Double.NaN);
        } else {
            out.putDouble(tail.log10Rate()).putDouble(tail.u()).putDouble(tail.beta());
        }
    }

    private static Tail readTail(final ByteBuffer in) {
        final Tail tail = new Tail(in.getDouble(), in.getDouble(), in.getDouble());
        return Double.isNaN(tail.u()) ? null : tail;
    }
}
