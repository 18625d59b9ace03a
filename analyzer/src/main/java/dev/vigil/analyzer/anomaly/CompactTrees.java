package dev.vigil.analyzer.anomaly;

import java.lang.reflect.Field;
import java.util.Arrays;
import smile.anomaly.IsolationTree;

/**
 * Smile's isolation trees copied into flat arrays, for scoring. Nodes are stored depth first, so
 * the left child of node k is node k + 1 and only the right child's index is kept: a step left
 * reads the next bytes in memory, which the processor has usually fetched already. An analyzer
 * holds forests for thousands of series, far more than the processor's cache, so scoring is
 * bound by memory reads, not arithmetic: fewer cache lines per path is what makes it fast.
 *
 * <p>Node k is a leaf when {@code right[k] < 0}, with its adjusted depth in {@code value[k]};
 * otherwise it splits on the hyperplane {@code sum(x[index[i]] * weight[i]) < value[k]} over
 * {@code i} in {@code [start[k], start[k + 1])}: the non-zero coordinates of Smile's normal vector,
 * in Smile's order, so the dot product and thus the path are exactly Smile's. When every split has
 * one term (the classic, axis-parallel forest) the same nodes are packed instead as three longs
 * each in one array ({@code right << 32 | feature}, the weight's and the value's bits), so a step
 * reads one place, not five arrays.
 *
 * <p>Smile 3.1.1 keeps its nodes private ({@code IsolationTree.root}, package-private {@code
 * Node} fields); they are read once per tree by reflection. The version is pinned in the build,
 * and {@code ForestTest} checks that every path matches Smile's own {@link IsolationTree#path}.
 */
final class CompactTrees {
    private static final Field ROOT;
    private static final Field DEPTH;
    private static final Field SLOPE;
    private static final Field BIAS;
    private static final Field LEFT;
    private static final Field RIGHT;
    /** Longs per node in {@link #axis}. */
    private static final int AXIS_STRIDE = 3;
    private static final long AXIS_LEAF = -1L;

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
    /** The packed layout of an axis-parallel forest, else null; node k starts at {@code 3 k}. */
    private final long[] axis;

    private CompactTrees(final int[] roots, final int[] right, final double[] value, final int[] start,
                         final int[] index, final double[] weight) {
        this.roots = roots;
        boolean oneTerm = true;
        for (int k = 0; k < right.length && oneTerm; k++) {
            oneTerm = right[k] < 0 || start[k + 1] - start[k] == 1;
        }
        if (oneTerm) {
            axis = new long[AXIS_STRIDE * right.length];
            for (int k = 0; k < right.length; k++) {
                final boolean leaf = right[k] < 0;
                axis[AXIS_STRIDE * k] = leaf ? AXIS_LEAF : (long) AXIS_STRIDE * right[k] << 32 | index[start[k]];
                axis[AXIS_STRIDE * k + 1] = Double.doubleToRawLongBits(leaf ? 0 : weight[start[k]]);
                axis[AXIS_STRIDE * k + 2] = Double.doubleToRawLongBits(value[k]);
            }
            this.right = null;
            this.value = null;
            this.start = null;
            this.index = null;
            this.weight = null;
        } else {
            axis = null;
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
     * @param x a feature vector
     * @return the mean over the trees of the adjusted path length, summed in tree order as Smile does
     */
    double meanPath(final double[] x) {
        double sum = 0;
        for (final int root : roots) {
            sum += pathFrom(root, x);
        }
        return sum / roots.length;
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
            return axisPathFrom(AXIS_STRIDE * root, x);
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

    /** Same path as the general layout: with one term, x[f] * w is Smile's dot product. */
    private double axisPathFrom(final int rootOffset, final double[] x) {
        final long[] nodes = axis;
        int at = rootOffset;
        long head;
        while ((head = nodes[at]) != AXIS_LEAF) {
            at = x[(int) head] * Double.longBitsToDouble(nodes[at + 1]) < Double.longBitsToDouble(nodes[at + 2])
                    ? at + AXIS_STRIDE : (int) (head >>> 32);
        }
        return Double.longBitsToDouble(nodes[at + 2]);
    }

    /** @return the number of trees */
    int size() {
        return roots.length;
    }

    /** @return approximate heap bytes */
    long sizeBytes() {
        final long nodes = axis == null ? 16L + 16L * right.length + 12L * index.length : 8L * axis.length;
        return 8 * 16 + 4L * roots.length + nodes;
    }

    /** Copies nodes depth first, left subtree before right, so that a left child follows its parent. */
    private static final class Builder {
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
            final int k = add(node);
            final Object l = LEFT.get(node);
            final Object r = RIGHT.get(node);
            if (l != null && r != null) {
                copy(l); // lands at k + 1
                final int rightChild = copy(r); // before indexing: copying may grow the arrays
                right[k] = rightChild;
            }
            return k;
        }

        /** Appends a node (as a leaf until its right child is known) and its hyperplane's terms. */
        private int add(final Object node) throws IllegalAccessException {
            grow();
            final int k = nodes++;
            final boolean leaf = LEFT.get(node) == null || RIGHT.get(node) == null;
            right[k] = -1;
            value[k] = leaf ? DEPTH.getDouble(node) : BIAS.getDouble(node);
            start[k] = terms;
            if (!leaf) {
                final double[] slope = (double[]) SLOPE.get(node);
                if (slope.length != dimension) {
                    throw new IllegalArgumentException("tree of dimension " + slope.length + ", expected " + dimension);
                }
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
            }
            start[k + 1] = terms;
            return k;
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
