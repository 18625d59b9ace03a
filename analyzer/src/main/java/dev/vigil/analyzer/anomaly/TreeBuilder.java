package dev.vigil.analyzer.anomaly;

import java.util.List;
import java.util.SplittableRandom;
import smile.math.MathEx;
import smile.math.Random;

/**
 * Builds isolation trees straight into {@link CompactTrees}: the algorithm of smile-core 3.1.1's
 * {@code IsolationTree} (Hariri et al.'s extended isolation forest; axis-parallel at extension level
 * 0), step for step and draw for draw, with Smile's own generator ({@link Random}) and dot product.
 * {@code ForestTest} checks that every forest it builds holds exactly the nodes of the forest Smile's
 * {@code IsolationTree} constructor builds from the same rows and seed.
 *
 * <p>Why not Smile's constructor: it builds a tree of objects (two dense vectors per node) that is
 * then copied, draws through a thread-local generator and a shared Gaussian whose cached value has
 * to be reset under a global lock, partitions rows into new lists at every node and streams a
 * permutation per node. This builder has no shared state and works in a few arrays per forest.
 *
 * <p>Per node, as Smile: a leaf at the depth limit or with at most one row (adjusted depth =
 * depth + c(rows) for more than one row); otherwise an intercept p drawn uniformly within the rows'
 * bounding box, a normal n of standard Gaussians (Marsaglia's polar method, the second value of each
 * pair kept for the next draw) with {@code dimension - extensionLevel - 1} coordinates set to 0 by a
 * random permutation, the rows with {@code x . n < n . p} going left; the left subtree is built first.
 */
final class TreeBuilder {
    private final Random random;
    private final int maxDepth;
    private final int extensionLevel;
    private final int dimension;
    private final CompactTrees.Builder out;
    /** The polar method's second value, NaN when none is kept. */
    private double nextGaussian = Double.NaN;
    /** The tree's rows, one after the other, and the order of their indices. */
    private final double[] rows;
    private final int[] order;
    /** Per node, overwritten by the next: the box, the intercept and the normal (copied by split). */
    private final double[] min;
    private final double[] max;
    private final double[] intercept;
    private final double[] normal;
    private final int[] permutation;

    private TreeBuilder(final long seed, final int maxDepth, final int extensionLevel, final int dimension,
                        final int subsample) {
        this.random = new Random(seed);
        this.maxDepth = maxDepth;
        this.extensionLevel = extensionLevel;
        this.dimension = dimension;
        this.out = new CompactTrees.Builder(dimension);
        this.rows = new double[subsample * dimension];
        this.order = new int[subsample];
        this.min = new double[dimension];
        this.max = new double[dimension];
        this.intercept = new double[dimension];
        this.normal = new double[dimension];
        this.permutation = new int[dimension];
    }

    /**
     * Builds a forest, each tree from its own subsample (see {@link Forest#sample}).
     *
     * @param rows training rows, all of the same length; at least 2
     * @param trees number of trees, at least 1
     * @param subsample rows per tree, drawn without replacement; capped at rows.size()
     * @param maxDepth depth limit of each tree, at least 1
     * @param extensionLevel 0 (axis-parallel) to dimension - 1 (fully extended)
     * @param seed the seed of every random choice
     * @return the trees
     */
    static CompactTrees build(final List<double[]> rows, final int trees, final int subsample, final int maxDepth,
                              final int extensionLevel, final long seed) {
        Forest.check(rows, extensionLevel);
        final int n = Math.min(subsample, rows.size());
        final SplittableRandom sampler = new SplittableRandom(seed);
        final TreeBuilder builder = new TreeBuilder(seed, maxDepth, extensionLevel, rows.get(0).length, n);
        final int[] roots = new int[trees];
        for (int t = 0; t < trees; t++) {
            roots[t] = builder.tree(Forest.sample(rows, n, sampler));
        }
        return builder.out.build(roots);
    }

    private int tree(final List<double[]> sample) {
        for (int i = 0; i < sample.size(); i++) {
            System.arraycopy(sample.get(i), 0, rows, i * dimension, dimension);
            order[i] = i;
        }
        return node(0, sample.size(), 0);
    }

    /**
     * Builds the subtree of the rows {@code order[from, to)}; reorders them (Smile keeps them in
     * order, but nothing a node computes depends on the order of its rows).
     */
    private int node(final int from, final int to, final int depth) {
        final int size = to - from;
        if (depth >= maxDepth || size <= 1) {
            double adjusted = depth;
            if (size > 1) {
                adjusted += Forest.averagePath(size);
            }
            return out.leaf(adjusted);
        }
        final int first = order[from] * dimension;
        System.arraycopy(rows, first, min, 0, dimension);
        System.arraycopy(rows, first, max, 0, dimension);
        for (int i = from; i < to; i++) {
            final int r = order[i] * dimension;
            for (int j = 0; j < dimension; j++) {
                final double v = rows[r + j];
                if (v < min[j]) {
                    min[j] = v;
                } else if (v > max[j]) {
                    max[j] = v;
                }
            }
        }
        for (int j = 0; j < dimension; j++) {
            intercept[j] = random.nextDouble(min[j], max[j]);
        }
        for (int j = 0; j < dimension; j++) {
            normal[j] = gaussian();
        }
        final int[] permutation = permutation();
        for (int i = 0; i < dimension - extensionLevel - 1; i++) {
            normal[permutation[i]] = 0;
        }
        final double bias = MathEx.dot(normal, intercept);
        // Rows with x . n < bias to the front, the others to the back.
        int left = from;
        int right = to - 1;
        while (left <= right) {
            if (dot(order[left]) < bias) {
                left++;
            } else {
                final int swap = order[left];
                order[left] = order[right];
                order[right--] = swap;
            }
        }
        final int k = out.split(normal, bias);
        node(from, left, depth + 1); // lands at k + 1
        out.right(k, node(left, to, depth + 1));
        return k;
    }

    /** MathEx.dot(row, normal): the same products summed in the same order. */
    private double dot(final int row) {
        final int r = row * dimension;
        double sum = 0;
        for (int j = 0; j < dimension; j++) {
            sum += rows[r + j] * normal[j];
        }
        return sum;
    }

    /** Smile's GaussianDistribution.rand() of N(0, 1): mu + sigma * z with mu = 0, sigma = 1. */
    private double gaussian() {
        final double z;
        if (Double.isNaN(nextGaussian)) {
            double v1;
            double v2;
            double r;
            do {
                v1 = random.nextDouble(-1.0, 1.0);
                v2 = random.nextDouble(-1.0, 1.0);
                r = v1 * v1 + v2 * v2;
            } while (r >= 1.0);
            final double fac = Math.sqrt(-2.0 * Math.log(r) / r);
            nextGaussian = v1 * fac;
            z = v2 * fac;
        } else {
            z = nextGaussian;
            nextGaussian = Double.NaN;
        }
        return 0.0 + 1.0 * z;
    }

    /** Smile's Random.permutate(dimension), without its stream: the same draws and swaps. */
    private int[] permutation() {
        final int[] a = permutation;
        for (int i = 0; i < dimension; i++) {
            a[i] = i;
        }
        for (int i = 0; i < dimension; i++) {
            final int j = i + random.nextInt(dimension - i);
            final int swap = a[i];
            a[i] = a[j];
            a[j] = swap;
        }
        return a;
    }
}
