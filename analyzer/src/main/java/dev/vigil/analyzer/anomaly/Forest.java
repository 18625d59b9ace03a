package dev.vigil.analyzer.anomaly;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import smile.anomaly.IsolationForest;

/**
 * An Isolation Forest (Liu, Ting and Zhou, "Isolation Forest", ICDM 2008) of smile-core 3.1.1's
 * isolation trees, each built from its own subsample, held and scored in a compact array form
 * ({@link CompactTrees}).
 *
 * <p>Why not {@code IsolationForest.fit}: in smile-core 3.1.1 it ignores the subsample ratio (every
 * tree sees all rows, shuffled) and its {@code Properties} overload defaults to the fully extended
 * forest. Here each tree gets {@code subsample} rows drawn without replacement, and the depth limit
 * and extension level are always explicit.
 *
 * <p>The trees are built by Smile ({@link SmileTrees}) and copied into the compact form, which scores
 * the same path lengths, bit for bit ({@code ForestTest}), without a chain of objects with two dense
 * vectors per node. The same seed and rows
 * always give the same forest, so a detector restored from bytes rebuilds exactly the forest it had.
 */
final class Forest {
    private final CompactTrees trees;
    /** Average path length of an unsuccessful search in a binary search tree of the subsample size. */
    private final double normalizer;

    private Forest(final CompactTrees trees, final int subsample) {
        this.trees = trees;
        this.normalizer = averagePath(subsample);
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
        return new Forest(CompactTrees.of(SmileTrees.build(rows, trees, subsample, maxDepth, extensionLevel, seed),
                rows.get(0).length), Math.min(subsample, rows.size()));
    }

    /** Refuses fewer than 2 rows or an extension level outside [0, dimension - 1]. */
    static void check(final List<double[]> rows, final int extensionLevel) {
        if (rows.size() < 2) {
            throw new IllegalArgumentException("an isolation forest needs at least 2 rows, got " + rows.size());
        }
        final int dimension = rows.get(0).length;
        if (extensionLevel < 0 || extensionLevel >= dimension) {
            throw new IllegalArgumentException("extension level must be in [0, " + (dimension - 1) + "], was "
                    + extensionLevel);
        }
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
     * @return the mean path length over the trees, each leaf's depth adjusted by c(leaf size) as in
     *     Liu et al.; short paths mean easy to isolate
     */
    double meanPath(final double[] x) {
        return trees.meanPath(x);
    }

    /**
     * @param x a feature vector of the training dimension
     * @return the anomaly score 2^(-E[h(x)] / c(n)) of Liu et al. (as Smile's {@link
     *     IsolationForest#score}), in (0, 1]; about 0.5 and below is normal
     */
    double score(final double[] x) {
        return Math.pow(2.0, -meanPath(x) / normalizer);
    }

    /** @return the number of trees */
    int size() {
        return trees.size();
    }

    /** @return approximate heap bytes of the compact trees */
    long sizeBytes() {
        return trees.sizeBytes();
    }

    /**
     * c(n) of Liu et al.: the average path length of an unsuccessful search in a binary search tree
     * of n keys, the same formula as Smile's (2 (ln(n - 1) + 0.5772156649) - 2 (n - 1) / n).
     *
     * @param n keys, at least 2
     * @return c(n)
     */
    static double averagePath(final int n) {
        return 2.0 * (Math.log(n - 1) + 0.5772156649 - (n - 1.0) / n);
    }
}
