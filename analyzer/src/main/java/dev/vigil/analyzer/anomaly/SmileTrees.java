package dev.vigil.analyzer.anomaly;

import java.util.List;
import java.util.SplittableRandom;
import smile.anomaly.IsolationTree;
import smile.math.MathEx;
import smile.stat.distribution.GaussianDistribution;

/**
 * Builds a forest's trees with Smile: the public {@link IsolationTree} constructor, each tree from its
 * own subsample drawn without replacement ({@link Forest#sample}), the depth limit and extension level
 * explicit, all random choices from one seed.
 *
 * <p>Smile draws split points from a thread-local generator ({@link MathEx}) and normals from the
 * shared {@link GaussianDistribution} singleton, which caches the second value of each pair: the
 * same seed only gives the same trees when that cache is empty at the start, so a build runs under
 * one lock, empties the cache and seeds the generator first.
 */
final class SmileTrees {
    private static final Object SMILE_RANDOM = new Object();
    private static final long PROBE_SEED = 0x5eed_1e55L;

    private SmileTrees() {
    }

    /**
     * @param rows training rows, all of the same length; at least 2
     * @param trees number of trees, at least 1
     * @param subsample rows per tree; capped at rows.size()
     * @param maxDepth depth limit of each tree, at least 1
     * @param extensionLevel 0 (axis-parallel) to dimension - 1 (fully extended)
     * @param seed the seed of every random choice
     * @return Smile's trees
     */
    static IsolationTree[] build(final List<double[]> rows, final int trees, final int subsample,
                                 final int maxDepth, final int extensionLevel, final long seed) {
        Forest.check(rows, extensionLevel);
        final int n = Math.min(subsample, rows.size());
        final SplittableRandom sampler = new SplittableRandom(seed);
        final IsolationTree[] built = new IsolationTree[trees];
        synchronized (SMILE_RANDOM) {
            emptyGaussianCache();
            MathEx.setSeed(seed);
            for (int t = 0; t < trees; t++) {
                built[t] = new IsolationTree(Forest.sample(rows, n, sampler), maxDepth, extensionLevel);
            }
        }
        return built;
    }

    /**
     * A call to {@code rand()} either returns the cached value (drawing nothing from the thread's
     * generator) or draws a new pair and caches one; which one happened shows in the generator's
     * next draw. Caller holds the lock.
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
