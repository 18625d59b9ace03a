package dev.vigil.analyzer.anomaly;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import smile.anomaly.IsolationForest;
import smile.anomaly.IsolationTree;
import smile.math.MathEx;
import smile.stat.distribution.GaussianDistribution;

/**
 * An Isolation Forest (Liu, Ting and Zhou, "Isolation Forest", ICDM 2008) built from Smile's public
 * {@link IsolationTree} and {@link IsolationForest} constructors, each tree from its own subsample.
 *
 * <p>Why not {@code IsolationForest.fit}: in smile-core 3.1.1 it ignores the subsample ratio (every
 * tree sees all rows, shuffled) and its {@code Properties} overload defaults to the fully extended
 * forest. Here each tree gets {@code subsample} rows drawn without replacement, and the depth limit
 * and extension level are always explicit.
 *
 * <p>Determinism: Smile draws its split points from a thread-local generator ({@link MathEx}) and
 * its hyperplane normals from the shared {@link GaussianDistribution} singleton, which caches the
 * second value of each Box-Muller pair. The same seed and rows only give the same trees when that
 * cache is empty at the start, so {@link #build} runs under one lock, empties the cache and seeds
 * the generator first. A detector restored from bytes rebuilds exactly the forest it had.
 */
final class Forest {
    private static final Object SMILE_RANDOM = new Object();
    private static final long PROBE_SEED = 0x5eed_1e55L;

    private final IsolationForest forest;

    private Forest(final IsolationForest forest) {
        this.forest = forest;
    }

    /**
     * Builds a forest.
     *
     * @param rows training rows, all of the same length; at least 2
     * @param trees number of trees, at least 1
     * @param subsample rows per tree, drawn without replacement; capped at rows.size()
     * @param maxDepth depth limit of each tree, at least 1
     * @param extensionLevel 0 (axis-parallel) to dimension - 1 (fully extended)
     * @param seed the seed of every random choice
     * @return the forest
     */
    static Forest build(final List<double[]> rows, final int trees, final int subsample, final int maxDepth,
                        final int extensionLevel, final long seed) {
        if (rows.size() < 2) {
            throw new IllegalArgumentException("an isolation forest needs at least 2 rows, got " + rows.size());
        }
        final int dimension = rows.get(0).length;
        if (extensionLevel < 0 || extensionLevel >= dimension) {
            throw new IllegalArgumentException("extension level must be in [0, " + (dimension - 1) + "], was "
                    + extensionLevel);
        }
        final int n = Math.min(subsample, rows.size());
        final SplittableRandom sampler = new SplittableRandom(seed);
        final IsolationTree[] built = new IsolationTree[trees];
        synchronized (SMILE_RANDOM) {
            emptyGaussianCache();
            MathEx.setSeed(seed);
            for (int t = 0; t < trees; t++) {
                built[t] = new IsolationTree(sample(rows, n, sampler), maxDepth, extensionLevel);
            }
        }
        return new Forest(new IsolationForest(n, extensionLevel, built));
    }

    /**
     * Draws n distinct rows (partial Fisher-Yates over the indices).
     *
     * @param rows all rows
     * @param n rows to draw, at most rows.size()
     * @param random the generator
     * @return the subsample, in draw order
     */
    static List<double[]> sample(final List<double[]> rows, final int n, final SplittableRandom random) {
        final int[] index = new int[rows.size()];
        for (int i = 0; i < index.length; i++) {
            index[i] = i;
        }
        final List<double[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            final int j = i + random.nextInt(index.length - i);
            final int swap = index[i];
            index[i] = index[j];
            index[j] = swap;
            out.add(rows.get(index[i]));
        }
        return out;
    }

    /**
     * @param x a feature vector of the training dimension
     * @return Smile's anomaly score 2^(-E[h(x)] / c(n)), in (0, 1]; about 0.5 and below is normal
     */
    double score(final double[] x) {
        return forest.score(x);
    }

    /** @return the number of trees */
    int size() {
        return forest.size();
    }

    /** @return the Smile forest, for tests */
    IsolationForest smile() {
        return forest;
    }

    /**
     * Leaves the shared Gaussian's cached Box-Muller value empty. A call to {@code rand()} either
     * returns the cached value (drawing nothing from the thread's generator) or draws a new pair and
     * caches one; which one happened shows in the generator's next draw. Caller holds the lock.
     */
    private static void emptyGaussianCache() {
        final GaussianDistribution gauss = GaussianDistribution.getInstance();
        MathEx.setSeed(PROBE_SEED);
        gauss.rand();
        final double next = MathEx.random(0.0, 1.0);
        MathEx.setSeed(PROBE_SEED);
        if (next != MathEx.random(0.0, 1.0)) {
            gauss.rand(); // it drew a new pair and cached one: take that one out
        }
    }
}
