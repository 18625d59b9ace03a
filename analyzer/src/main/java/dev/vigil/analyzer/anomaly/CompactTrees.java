package dev.vigil.analyzer.anomaly;

import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import smile.anomaly.IsolationTree;

/**
 * Isolation trees in flat arrays, for scoring, copied from Smile's trees by {@link #of}. Nodes are
 * stored depth first, so the left child of node k is node k + 1 and only the right child's index is
 * kept: a step left
 * reads the next bytes in memory, which the processor has usually fetched already. An analyzer
 * holds forests for thousands of series, far more than the processor's cache, so scoring is
 * bound by memory reads, not arithmetic: fewer cache lines per path is what makes it fast.
 *
 * <p>Node k is a leaf when {@code right[k] < 0}, with its adjusted depth in {@code value[k]};
 * otherwise it splits on the hyperplane {@code sum(x[index[i]] * weight[i]) < value[k]} over
 * {@code i} in {@code [start[k], start[k + 1])}: the non-zero coordinates of Smile's normal vector,
 * in Smile's order, so the dot product and thus the path are exactly Smile's.
 *
 * <p>When every split has one term (the classic, axis-parallel forest) the nodes are packed instead
 * as one long each ({@link #axis}, 8 bytes: 200 series' forests of the defaults fit in a few MB, not
 * tens): the split {@code x[f] * w < b} becomes {@code x[f] < t} with a float threshold {@code t},
 * and a leaf's adjusted depth is an index into a small table of the forest's distinct leaf values.
 * The rewrite is exact for float inputs, which is what the detector scores (its rows are stored as
 * floats): for {@code w > 0}, {@code x * w} rounded to double grows with {@code x}, so the floats
 * that go left are exactly those below the least float {@code t} with {@code t * w >= b}; for
 * {@code w < 0} the floats at or above the least float with {@code t * w < b} go left, so the
 * children are swapped. Points are rounded to float before a walk; {@code ForestTest} checks every
 * threshold and its neighbours against Smile's own paths.
 *
 * <p>Smile 3.1.1 keeps its nodes private ({@code IsolationTree.root}, package-private {@code
 * Node} fields); {@link #of} reads them by reflection. The version is pinned in the build, and
 * {@code ForestTest} checks that every path matches Smile's own {@link IsolationTree#path}.
 */
final class CompactTrees {
    private static final Field ROOT;
    private static final Field DEPTH;
    private static final Field SLOPE;
    private static final Field BIAS;
    private static final Field LEFT;
    private static final Field RIGHT;
    /** Largest feature index and node index of the packed layout. */
    private static final int AXIS_FEATURES = 1 << 8;
    private static final int AXIS_NODES = 1 << 23;
    /** A quiet NaN's bits; the 22 bits below them carry a leaf's value index. */
    private static final int LEAF_BITS = 0x7fc00000;
    private static final int LEAF_INDEX = 0x003fffff;

    static {
        try {
            ROOT = IsolationTree.class.getDeclaredField("root");
            final Class<?> node = ROOT.getType();
            DEPTH = node.getDeclaredField("depth");
            SLOPE = node.getDeclaredField("slope");
            BIAS = node.getDeclaredField("bias");
            LEFT = node.getDeclaredField("left");
            RIGHT = node.getDeclaredField("right");
            for (final Field f : new Field[] {ROOT, DEPTH, SLOPE, BIAS, LEFT, RIGHT}) {
                f.setAccessible(true);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExceptionInInitializerError("smile-core's IsolationTree has not the layout of 3.1.1: " + e);
        }
    }

    /** Index of each tree's root node. */
    private final int[] roots;
    /** The general layout, null when {@link #axis} holds the forest. */
    private final int[] right;
    private final double[] value;
    private final int[] start;
    private final int[] index;
    private final double[] weight;
    /**
     * The packed layout of an axis-parallel forest, else null: node k is one long, a float's bits
     * above {@code (other node << 8 | feature)}. A split holds its threshold; the node for {@code
     * x[feature] < threshold} is k + 1. A leaf holds a NaN whose payload is the index of its value
     * in {@link #leafValues}, and itself as the other node: no comparison with NaN holds, so a step
     * from a leaf stays on it, and all trees can be walked {@link #depth} steps side by side.
     */
    private final long[] axis;
    /** Distinct adjusted leaf depths of the packed layout. */
    private final double[] leafValues;
    /** Most splits on a path of the packed layout. */
    private final int depth;

    private CompactTrees(final int[] roots, final int[] right, final double[] value, final int[] start,
                         final int[] index, final double[] weight) {
        boolean packable = right.length < AXIS_NODES;
        for (int k = 0; k < right.length && packable; k++) {
            packable = right[k] < 0 || start[k + 1] - start[k] == 1 && index[start[k]] < AXIS_FEATURES;
        }
        if (packable) {
            final Packer packer = new Packer(right, value, start, index, weight);
            this.roots = new int[roots.length];
            for (int t = 0; t < roots.length; t++) {
                this.roots[t] = packer.pack(roots[t], 0);
            }
            this.axis = packer.nodes;
            this.leafValues = packer.leafValues();
            this.depth = packer.depth;
            this.right = null;
            this.value = null;
            this.start = null;
            this.index = null;
            this.weight = null;
        } else {
            this.roots = roots;
            this.axis = null;
            this.leafValues = null;
            this.depth = 0;
            this.right = right;
            this.value = value;
            this.start = start;
            this.index = index;
            this.weight = weight;
        }
    }

    /**
     * @param trees Smile's trees
     * @param dimension features per row
     * @return their compact copy
     */
    static CompactTrees of(final IsolationTree[] trees, final int dimension) {
        final Builder b = new Builder(dimension);
        final int[] roots = new int[trees.length];
        try {
            for (int t = 0; t < trees.length; t++) {
                roots[t] = b.copy(ROOT.get(trees[t]));
            }
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read smile's isolation tree", e);
        }
        return b.build(roots);
    }

    /**
     * @param tree a tree's index
     * @param x a feature vector
     * @return its adjusted path length in that tree
     */
    double path(final int tree, final double[] x) {
        return pathFrom(roots[tree], x);
    }

    private double pathFrom(final int root, final double[] x) {
        if (axis != null) {
            return axisPathFrom(root, asFloats(x));
        }
        int k = root;
        while (right[k] >= 0) {
            double dot = 0;
            for (int i = start[k]; i < start[k + 1]; i++) {
                dot += x[index[i]] * weight[i];
            }
            k = dot < value[k] ? k + 1 : right[k];
        }
        return value[k];
    }

    /**
     * @param x a feature vector
     * @return the mean over the trees of the adjusted path length, summed in tree order as Smile does
     */
    double meanPath(final double[] x) {
        double sum = 0;
        if (axis != null) {
            final float[] f = asFloats(x);
            // All trees a step at a time: the trees' memory reads are independent, so the processor
            // overlaps their cache misses instead of waiting for each in turn.
            final long[] nodes = axis;
            final int[] at = roots.clone();
            for (int d = 0; d < depth; d++) {
                for (int t = 0; t < at.length; t++) {
                    at[t] = step(nodes[at[t]], at[t], f);
                }
            }
            for (final int k : at) {
                sum += leafValues[leafIndex(nodes[k])];
            }
        } else {
            for (final int root : roots) {
                sum += pathFrom(root, x);
            }
        }
        return sum / roots.length;
    }

    private static float[] asFloats(final double[] x) {
        final float[] f = new float[x.length];
        for (int j = 0; j < x.length; j++) {
            f[j] = (float) x[j];
        }
        return f;
    }

    private double axisPathFrom(final int root, final float[] x) {
        int at = root;
        while (!isLeaf(axis[at])) {
            at = step(axis[at], at, x);
        }
        return leafValues[leafIndex(axis[at])];
    }

    /** @return the node after node {@code at}, packed as {@code node}: itself for a leaf */
    private static int step(final long node, final int at, final float[] x) {
        final int low = (int) node;
        return x[low & (AXIS_FEATURES - 1)] < Float.intBitsToFloat((int) (node >>> 32)) ? at + 1 : low >>> 8;
    }

    private static boolean isLeaf(final long node) {
        return ((int) (node >>> 32) & LEAF_BITS) == LEAF_BITS;
    }

    private static int leafIndex(final long node) {
        return (int) (node >>> 32) & LEAF_INDEX;
    }

    /**
     * @return the packed layout's split thresholds by feature ({@code [feature][i]}), for tests;
     *     null for the general layout
     */
    float[][] thresholds(final int dimension) {
        if (axis == null) {
            return null;
        }
        final float[][] out = new float[dimension][];
        final int[] n = new int[dimension];
        for (final long node : axis) {
            if (!isLeaf(node)) {
                n[(int) node & (AXIS_FEATURES - 1)]++;
            }
        }
        for (int j = 0; j < dimension; j++) {
            out[j] = new float[n[j]];
            n[j] = 0;
        }
        for (final long node : axis) {
            if (!isLeaf(node)) {
                final int j = (int) node & (AXIS_FEATURES - 1);
                out[j][n[j]++] = Float.intBitsToFloat((int) (node >>> 32));
            }
        }
        return out;
    }

    /** @return the number of trees */
    int size() {
        return roots.length;
    }

    /** @return approximate heap bytes */
    long sizeBytes() {
        final long nodes = axis == null ? 16L + 16L * right.length + 12L * index.length
                : 16L + 8L * axis.length + 8L * leafValues.length;
        return 8 * 16 + 4L * roots.length + nodes;
    }

    /**
     * @param w a split's weight
     * @param b its value
     * @return the float t such that, for every float x, Smile's {@code x * w < b} (computed in
     *     double) is {@code x < t} when w &gt;= 0, {@code x >= t} when w &lt; 0 (possibly infinite)
     */
    static float threshold(final double w, final double b) {
        if (w == 0) {
            return 0.0 < b ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
        }
        // w > 0: the least t with t * w >= b; w < 0: the least t with t * w < b. Either predicate
        // holds for every float above t, and (float) (b / w) is within a float or two of t.
        float t = (float) (b / w);
        if (Float.isNaN(t)) {
            t = 0f;
        }
        while (t != Float.NEGATIVE_INFINITY && above(Math.nextDown(t), w, b)) {
            t = Math.nextDown(t);
        }
        while (t != Float.POSITIVE_INFINITY && !above(t, w, b)) {
            t = Math.nextUp(t);
        }
        return t;
    }

    private static boolean above(final float t, final double w, final double b) {
        final double product = t * w;
        return w > 0 ? product >= b : product < b;
    }

    /**
     * Re-lays the general layout's one-term nodes as packed longs, depth first, the child for
     * {@code x[f] < t} right after its parent.
     */
    private static final class Packer {
        private final int[] right;
        private final double[] value;
        private final int[] start;
        private final int[] index;
        private final double[] weight;
        private final Map<Double, Integer> leafIndex = new LinkedHashMap<>();
        final long[] nodes;
        int depth;
        private int size;

        Packer(final int[] right, final double[] value, final int[] start, final int[] index, final double[] weight) {
            this.right = right;
            this.value = value;
            this.start = start;
            this.index = index;
            this.weight = weight;
            this.nodes = new long[right.length];
        }

        /** @return where the copy of general node k, at {@code level} splits below a root, landed */
        int pack(final int k, final int level) {
            final int at = size++;
            if (right[k] < 0) {
                final int leaf = leafIndex.computeIfAbsent(value[k], v -> leafIndex.size());
                if (leaf > LEAF_INDEX) {
                    throw new IllegalStateException("too many distinct leaf values: " + leaf);
                }
                nodes[at] = (long) (LEAF_BITS | leaf) << 32 | (long) at << 8;
                depth = Math.max(depth, level);
                return at;
            }
            final double w = weight[start[k]];
            final double b = value[k];
            final float t = threshold(w, b);
            // For w < 0, x >= t goes to Smile's left child: the right child is the one for x < t.
            final boolean swap = w < 0;
            pack(swap ? right[k] : k + 1, level + 1);
            final int other = pack(swap ? k + 1 : right[k], level + 1);
            nodes[at] = (long) Float.floatToRawIntBits(t) << 32 | (long) other << 8 | index[start[k]];
            return at;
        }

        double[] leafValues() {
            return leafIndex.keySet().stream().mapToDouble(Double::doubleValue).toArray();
        }
    }

    /** Copies nodes depth first, left subtree before right, so that a left child follows its parent. */
    static final class Builder {
        private final int dimension;
        private int[] right = new int[64];
        private double[] value = new double[64];
        private int[] start = new int[65];
        private int[] index = new int[64];
        private double[] weight = new double[64];
        private int nodes;
        private int terms;

        Builder(final int dimension) {
            this.dimension = dimension;
        }

        /** @return the index of the copy of {@code node}, whose subtree follows it */
        int copy(final Object node) throws IllegalAccessException {
            final Object l = LEFT.get(node);
            final Object r = RIGHT.get(node);
            final boolean leaf = l == null || r == null;
            final int k = leaf ? leaf(DEPTH.getDouble(node)) : split((double[]) SLOPE.get(node), BIAS.getDouble(node));
            if (!leaf) {
                copy(l); // lands at k + 1
                right(k, copy(r));
            }
            return k;
        }

        /**
         * @param adjustedDepth the leaf's depth plus c(size)
         * @return the new node's index
         */
        int leaf(final double adjustedDepth) {
            grow();
            final int k = nodes++;
            right[k] = -1;
            value[k] = adjustedDepth;
            start[k] = terms;
            start[k + 1] = terms;
            return k;
        }

        /**
         * Appends a split, a leaf until {@link #right} is called; its left subtree must follow it.
         *
         * @param slope the hyperplane's normal (its zero terms are left out)
         * @param bias {@code x . slope < bias} goes left
         * @return the new node's index
         */
        int split(final double[] slope, final double bias) {
            if (slope.length != dimension) {
                throw new IllegalArgumentException("tree of dimension " + slope.length + ", expected " + dimension);
            }
            final int k = leaf(bias);
            for (int j = 0; j < slope.length; j++) {
                if (slope[j] != 0.0) {
                    if (terms == index.length) {
                        index = Arrays.copyOf(index, 2 * terms);
                        weight = Arrays.copyOf(weight, 2 * terms);
                    }
                    index[terms] = j;
                    weight[terms++] = slope[j];
                }
            }
            start[k + 1] = terms;
            return k;
        }

        /** Sets the right child of split k. */
        void right(final int k, final int child) {
            right[k] = child;
        }

        private void grow() {
            if (nodes + 1 >= right.length) {
                right = Arrays.copyOf(right, 2 * right.length);
                value = Arrays.copyOf(value, 2 * value.length);
                start = Arrays.copyOf(start, 2 * start.length + 1);
            }
        }

        CompactTrees build(final int[] roots) {
            return new CompactTrees(roots, Arrays.copyOf(right, nodes), Arrays.copyOf(value, nodes),
                    Arrays.copyOf(start, nodes + 1), Arrays.copyOf(index, terms), Arrays.copyOf(weight, terms));
        }
    }
}
