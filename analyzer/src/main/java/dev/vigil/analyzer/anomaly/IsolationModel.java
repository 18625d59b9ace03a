package dev.vigil.analyzer.anomaly;

import dev.vigil.schemas.Contributor;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The calibrated model of one detector: per-feature tails ({@link FeatureTails}) and an Isolation
 * Forest over a joint vector (the forest input), each over a sliding window of the detector's
 * points, combined into one surprise per point.
 *
 * <p>Each point brings two vectors: its features, whose marginal tails measure how far out each one
 * lies, and its forest input, whose joint density the forest models (for a series: the level
 * against the time of day; for a host: the series' z-scores together). Training happens at the end
 * of the warm-up and then every {@code retrainEvery} points: the tails are refitted on the newest
 * {@code window} feature rows each time, the forest is rebuilt from the newest {@code window} forest
 * inputs every {@value #FOREST_EVERY}th time (its build is the costly part).
 *
 * <p>Calibration of the forest: the Liu et al. score of every point, taken when the point is scored
 * against the forest of its time, is kept for the last {@code window} points; at each training the
 * upper {@link Tail} of those scores is refitted. So the forest's p is prequential (the rarity of a
 * score among the scores that recent points really got), which stays right however the forest ages
 * between builds.
 *
 * <p>Surprise S = -log10(p), with p the rarer of the features' p (Bonferroni-corrected) and the
 * forest's: "how many orders of magnitude rarer than the recent points", one scale for every
 * series. The score reports the surprise beyond the recent peak of surprises (see {@link #score}),
 * which the first training may start at the warm-up points' own surprises, the forest's first calibration raise
 * to the forest surprises of the points it is made of, and each later training lower to where the window's
 * surprises on the refitted scale leave it (a series' model does all three).
 *
 * <p>A rebuilt forest takes over {@link #forestLag} points after the training that started it; it is
 * built on another core meanwhile ({@link #BUILDER}), so the stream thread does not stop for it. The
 * takeover point depends only on the row count, so the scores are the same however fast the build
 * ran. (The first forest is built at once: nothing scores before it.) At its takeover the calibration is refitted
 * on its own scores of those points, combined with the old one as the tails combine theirs.
 *
 * <p>Only rows and a few figures are serialized; the forests are rebuilt from the same rows and seed
 * on the first use after {@link #read}, so they are the same forests.
 */
final class IsolationModel {
    /** The forest is rebuilt at every this many trainings. */
    static final int FOREST_EVERY = 4;
    /** Floor of the forest score's tail scale: scores of identical rows do not vary at all. */
    private static final double MIN_SCORE_BETA = 0.005;
    /** Forest scores seen before the forest's calibration is trusted. */
    private static final int MIN_CALIBRATION = 64;
    /** Most points a rebuilt forest waits before it takes over (fewer when retrainEvery is smaller). */
    static final int FOREST_LAG = 64;
    /** Builds rebuilt forests off the stream threads; Smile's builds run one at a time anyway. */
    private static final ExecutorService BUILDER = Executors.newSingleThreadExecutor(r -> {
        final Thread t = new Thread(r, "vigil-forest-builder");
        t.setDaemon(true);
        return t;
    });

    private final DetectorOptions options;
    private final long seed;
    private final List<String> names;
    private final String forestName;
    private final FeatureTails tails;
    private final TrainingWindow featureRows;
    /** Forest inputs; the same ring as featureRows when the forest input is the feature vector. */
    private final TrainingWindow forestRows;
    /** Forest score of each recent point, as it was scored. */
    private final TrainingWindow forestScores;
    private final double peakDecay;
    /** Whether the first training starts the peak at the warm-up's surprises (see the constructor). */
    private final boolean peakFromWarmup;
    /** Points between the start of a rebuild and its takeover. */
    private final int forestLag;
    /** Trainings, 0 to FOREST_EVERY - 1, by which the second forest comes early (see the constructor). */
    private final int forestPhase;

    private long trainedAt;
    private long forestAt;
    /** Decaying peak of the recent surprises (-log10 p). */
    private double peak;
    private Tail scoreTail;
    private Forest forest;
    /** Row count the next forest is built from, 0 when none is pending; it takes over at pendingAt + forestLag. */
    private long pendingAt;
    /** The pending forest's build, or null when none runs (e.g. after {@link #read}: then built at takeover). */
    private Future<Forest> pending;
    /** Of the last point scored: its forest score and that score's log10 p. */
    private double lastForestScore;
    private double lastForestLog10;

    /**
     * @param options hyperparameters; {@code trees == 0} leaves the forest out
     * @param seed seed of every random choice
     * @param names feature names, one per dimension
     * @param forestName what the forest input stands for in explanations
     * @param forestDimension length of the forest input, or 0 when it is the feature vector itself
     * @param forestPhase 0 to {@value #FOREST_EVERY} - 1: the second forest is built this many trainings
     *     early, after which the forest is rebuilt every {@value #FOREST_EVERY} trainings as usual; models
     *     given different phases rebuild their forests at different points (0: the plain schedule)
     */
    IsolationModel(final DetectorOptions options, final long seed, final List<String> names, final String forestName,
                   final int forestDimension, final int forestPhase) {
        this(options, seed, names, forestName, forestDimension, forestPhase, false, Set.of());
    }

    /**
     * As {@link #IsolationModel(DetectorOptions, long, List, String, int, int)}, and with {@code peakFromWarmup} the
     * recent peak of surprises starts, at the first training, where the warm-up points' own surprises (under the
     * tails fitted on them) leave it, instead of at 0; at the forest's first calibration it rises to where the
     * forest surprises of the points calibrated on leave it, if higher; and at each later training it falls to where
     * the window's surprises, by the refitted tails and calibration, leave it, if lower. The features named in
     * {@code averaged} are means over several consecutive points (see {@link FeatureTails}).
     */
    IsolationModel(final DetectorOptions options, final long seed, final List<String> names, final String forestName,
                   final int forestDimension, final int forestPhase, final boolean peakFromWarmup,
                   final Set<String> averaged) {
        this.peakFromWarmup = peakFromWarmup;
        if (forestPhase < 0 || forestPhase >= FOREST_EVERY) {
            throw new IllegalArgumentException("forestPhase must be in [0, " + FOREST_EVERY + "), was " + forestPhase);
        }
        this.forestPhase = forestPhase;
        final int dimension = forestDimension == 0 ? names.size() : forestDimension;
        if (options.extensionLevel() >= dimension) {
            throw new IllegalArgumentException("extensionLevel must be below the forest's " + dimension
                    + " inputs, was " + options.extensionLevel());
        }
        this.options = options;
        this.seed = seed;
        this.names = List.copyOf(names);
        this.forestName = forestName;
        final boolean[] isAveraged = new boolean[names.size()];
        for (int j = 0; j < isAveraged.length; j++) {
            isAveraged[j] = averaged.contains(names.get(j));
        }
        this.tails = new FeatureTails(isAveraged);
        this.forestLag = Math.min(FOREST_LAG, options.retrainEvery());
        // Rows of the forest in use, which is up to FOREST_EVERY trainings plus the lag old.
        final int forestCapacity = options.window() + FOREST_EVERY * options.retrainEvery() + forestLag;
        if (forestDimension == 0) {
            this.featureRows = new TrainingWindow(names.size(), options.trees() == 0 ? options.window() : forestCapacity);
            this.forestRows = options.trees() == 0 ? null : featureRows;
        } else {
            this.featureRows = new TrainingWindow(names.size(), options.window());
            this.forestRows = options.trees() == 0 ? null : new TrainingWindow(forestDimension, forestCapacity);
        }
        this.forestScores = options.trees() == 0 ? null : new TrainingWindow(1, options.window());
        this.peakDecay = options.noveltyHalfLife() == 0 ? 0.0 : Math.pow(2, -1.0 / options.noveltyHalfLife());
    }

    /** @return true once the first training happened */
    boolean trained() {
        return trainedAt > 0;
    }

    /**
     * Scores a point; call once per point, in order (it updates the recent peak and the forest's
     * calibration), and only when {@link #trained()}.
     *
     * @param features the point's features
     * @param forestInput its forest input (the features when the forest input is the feature vector)
     * @return the calibrated score in [0, 1): N / (N + scoreScale) with N = max(0, S - peak), S =
     *     -log10(p) and peak the recent peak of S decaying with noveltyHalfLife; this keeps the
     *     order of even the rarest points instead of capping them all at 1
     */
    double score(final double[] features, final double[] forestInput) {
        // Score the point as the float rows it will become, or a feature constant over the window
        // would differ from itself by rounding and be isolated.
        double log10P = tails.log10P(TrainingWindow.asStored(features));
        if (forestRows != null) {
            lastForestScore = forest().score(TrainingWindow.asStored(forestInput));
            lastForestLog10 = scoreTail == null ? 0.0 : scoreTail.log10Exceedance(lastForestScore);
            log10P = Math.min(log10P, lastForestLog10);
        }
        // Report what is new: the surprise beyond the recent peak. The first point of an event keeps
        // its full surprise; its continuation, and echoes of an event the window partly learned, do
        // not raise the score again.
        final double surprise = -log10P;
        final double novel = Math.max(0.0, surprise - peak);
        peak = Math.max(surprise, peak * peakDecay);
        return novel / (novel + options.scoreScale());
    }

    /**
     * Adds a point to the windows, and trains when it is time.
     *
     * @param features the point's features
     * @param forestInput its forest input (ignored when it is the feature vector)
     */
    void add(final double[] features, final double[] forestInput) {
        if (forestRows != null && trained()) {
            forestScores.add(new double[] {lastForestScore});
        }
        featureRows.add(features);
        if (forestRows != null && forestRows != featureRows) {
            forestRows.add(forestInput);
        }
        final long n = featureRows.total();
        if (pendingAt > 0 && n >= pendingAt + forestLag) {
            // Before a training, which may start the next build: forestLag <= retrainEvery.
            takeOver();
        }
        if (trainedAt == 0 ? n >= options.warmupPoints() : n - trainedAt >= options.retrainEvery()) {
            train(n);
        }
    }

    private void takeOver() {
        if (pending == null) {
            forest = build(pendingAt);
        } else {
            try {
                forest = pending.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a forest build", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("forest build failed: " + e.getCause(), e.getCause());
            }
        }
        forestAt = pendingAt;
        pendingAt = 0;
        pending = null;
        if (scoreTail != null && forestLag >= MIN_CALIBRATION) {
            recalibrate();
        }
    }

    /**
     * The calibration is the tail of the old forest's scores; another forest's scores sit elsewhere (another random
     * draw of trees, newer rows), and until the next trainings refitted it the new forest's ordinary points could be
     * rare on the old scale: on the derived NAB set, 204 of the 539 false-positive rows after the first rebuild came in
     * the 128 points after a takeover. So refit it on the new forest's own scores of the points that came during its
     * build, which it was not built from, keeping the old calibration's reach as the tails keep theirs.
     */
    private void recalibrate() {
        final List<double[]> lag = forestRows.rows(forestRows.total(), forestLag);
        final double[] own = new double[lag.size()];
        for (int i = 0; i < own.length; i++) {
            own[i] = forest.score(lag.get(i));
        }
        scoreTail = FeatureTails.remember(scoreTail, Tail.fit(own, MIN_SCORE_BETA));
    }

    private void train(final long end) {
        final int n = (int) Math.min(end, options.window());
        final List<double[]> recent = featureRows.rows(end, n);
        tails.fit(recent);
        final boolean firstTraining = trainedAt == 0;
        if (firstTraining && peakFromWarmup) {
            // The warm-up's points are the recent past the first scored points are new against: start the peak
            // where their own surprises, by the tails just fitted on them, would have left it.
            peak = replayedPeak(recent);
        }
        if (forestRows != null) {
            final int every = forestAt == options.warmupPoints() ? FOREST_EVERY - forestPhase : FOREST_EVERY;
            if (forestAt == 0) {
                forest = build(end);
                forestAt = end;
            } else if (end - forestAt >= (long) every * options.retrainEvery()) {
                final List<double[]> rows = rows(end);
                pendingAt = end;
                pending = BUILDER.submit(() -> build(rows, end));
            }
            final long scored = forestScores.total();
            if (scored >= MIN_CALIBRATION) {
                final int m = (int) Math.min(scored, options.window());
                final boolean first = scoreTail == null;
                scoreTail = FeatureTails.remember(scoreTail, Tail.fit(forestScores.column(0, scored, m),
                        MIN_SCORE_BETA));
                if (first && peakFromWarmup) {
                    // The peak never saw the forest's surprises before its first calibration: raise it to where those
                    // of the points just calibrated on leave it, or the first ordinary ones after it were news.
                    double forestPeak = 0;
                    for (final double s : forestScores.column(0, scored, m)) {
                        forestPeak = Math.max(-scoreTail.log10Exceedance(s), forestPeak * peakDecay);
                    }
                    peak = Math.max(peak, forestPeak);
                }
            }
        }
        if (!firstTraining && peakFromWarmup) {
            // The peak holds surprises on the scale of the model they were scored by. Once the refitted tails have
            // learned an event (one spike of 40 orders of magnitude), it would no longer be as surprising, yet the
            // peak, decaying from that surprise, hid every smaller anomaly for a thousand points: lower it to where
            // the window's surprises on the new scale leave it. Never raise it: the points were scored before.
            peak = Math.min(peak, replayedPeak(recent));
        }
        trainedAt = end;
    }

    /**
     * @param recent the rows the tails were just fitted on, the newest last
     * @return where the surprises of these rows, by the current tails and (for the rows scored since the forest is
     *     calibrated) the current forest calibration, leave a peak that started at 0 before them
     */
    private double replayedPeak(final List<double[]> recent) {
        final int n = recent.size();
        final long scored = scoreTail == null ? 0 : forestScores.total();
        final int withForest = (int) Math.min(scored, n);
        final double[] forestScore = withForest == 0 ? null : forestScores.column(0, scored, withForest);
        double replayed = 0;
        for (int i = 0; i < n; i++) {
            double surprise = -tails.log10P(recent.get(i));
            final int k = i - (n - withForest);
            if (k >= 0) {
                surprise = Math.max(surprise, -scoreTail.log10Exceedance(forestScore[k]));
            }
            replayed = Math.max(surprise, replayed * peakDecay);
        }
        return replayed;
    }

    /**
     * Explains the last point {@link #score scored}.
     *
     * @param features the point's features
     * @param top most contributors to return
     * @return the features (and the forest, under its name) by their share of the point's surprise,
     *     strongest first; empty when nothing about the point is rare
     */
    List<Contributor> explain(final double[] features, final int top) {
        final double[] stored = TrainingWindow.asStored(features);
        final int d = stored.length;
        final double[] surprise = new double[d + 1];
        double total = 0;
        for (int j = 0; j < d; j++) {
            surprise[j] = -tails.log10P(j, stored[j]);
            total += surprise[j];
        }
        surprise[d] = forestRows == null ? 0 : -lastForestLog10;
        total += surprise[d];
        final List<Integer> order = new ArrayList<>(d + 1);
        for (int j = 0; j <= d; j++) {
            if (surprise[j] > 0) {
                order.add(j);
            }
        }
        order.sort(Comparator.comparingDouble((Integer j) -> -surprise[j]));
        final List<Contributor> out = new ArrayList<>(top);
        for (final int j : order.subList(0, Math.min(top, order.size()))) {
            out.add(new Contributor(j == d ? forestName : names.get(j), j == d ? lastForestScore : stored[j],
                    surprise[j] / total));
        }
        return out;
    }

    private Forest forest() {
        if (forest == null) {
            // Restored from bytes: rebuild the forest of the last build from the same rows and seed.
            forest = build(forestAt);
        }
        return forest;
    }

    private Forest build(final long end) {
        return build(rows(end), end);
    }

    /** A copy: the window goes on changing while another thread builds. */
    private List<double[]> rows(final long end) {
        return forestRows.rows(end, (int) Math.min(end, options.window()));
    }

    /** The seed depends on the row count, so that each build draws afresh yet reproducibly. */
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
        return 8 * 4 + 24 + tails.serializedSize() + featureRows.serializedSize()
                + (forestRows == null ? 0 : forestScores.serializedSize()
                + (forestRows == featureRows ? 0 : forestRows.serializedSize()));
    }

    void write(final ByteBuffer out) {
        out.putLong(trainedAt).putLong(forestAt).putLong(pendingAt).putDouble(peak);
        Tail.write(out, scoreTail);
        tails.write(out);
        featureRows.write(out);
        if (forestRows != null) {
            forestScores.write(out);
            if (forestRows != featureRows) {
                forestRows.write(out);
            }
        }
    }

    void read(final ByteBuffer in) {
        trainedAt = in.getLong();
        forestAt = in.getLong();
        pendingAt = in.getLong();
        peak = in.getDouble();
        scoreTail = Tail.read(in);
        tails.read(in);
        featureRows.read(in);
        if (forestRows != null) {
            forestScores.read(in);
            if (forestRows != featureRows) {
                forestRows.read(in);
            }
        }
        final long total = featureRows.total();
        if (trainedAt < 0 || trainedAt > total || trainedAt > 0 != tails.fitted()
                || forestRows != null && (forestAt > trainedAt || trainedAt > 0 && forestAt <= 0
                || pendingAt != 0 && (pendingAt <= forestAt || pendingAt > trainedAt || total >= pendingAt + forestLag)
                || forestRows.total() != total)) {
            throw new IllegalArgumentException("inconsistent model: trained at row " + trainedAt + ", forest at "
                    + forestAt + ", next forest at " + pendingAt + ", of " + total);
        }
        forest = null;
        pending = null;
    }
}
