package dev.vigil.analyzer.anomaly;

import java.lang.reflect.Field;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import smile.anomaly.IsolationTree;

/**
 * Smile's isolation trees copied into flat arrays, for scoring. Node k of the forest is a leaf when
 * {@code left[k] < 0}, with its adjusted depth in {@code value[k]}; otherwise it splits on the
 * hyperplane {@code sum(x[index[i]] * weight[i]) < value[k]} over {@code i} in {@code [start[k],
 * start[k + 1])}: the non-zero coordinates of Smile's normal vector (one for the classic,
 * axis-parallel forest), in Smile's order, so the dot product and thus the path are exactly
 * Smile's. Children are {@code left[k]} and {@code left[k] + 1}.
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
    private final int[] left;
    private final double[] value;
    private final int[] start;
    private final int[] index;
    private final double[] weight;
    /**
     * For the classic forest (one term per split): per node {@code [left, feature]} and {@code
     * [weight, value]} side by side, so that a step down a tree reads two cache lines, not six.
     */
    private final int[] axisInts;
    private final double[] axisDoubles;

    private CompactTrees(final int[] roots, final int[] left, final double[] value, final int[] start,
                         final int[] index, final double[] weight) {
        this.roots = roots;
        this.left = left;
        this.value = value;
        this.start = start;
        this.index = index;
        this.weight = weight;
        boolean axis = true;
        for (int k = 0; k < left.length && axis; k++) {
            axis = left[k] < 0 || start[k + 1] - start[k] == 1;
        }
        if (axis) {
            axisInts = new int[2 * left.length];
            axisDoubles = new double[2 * left.length];
            for (int k = 0; k < left.length; k++) {
                axisInts[2 * k] = left[k];
                axisInts[2 * k + 1] = left[k] < 0 ? 0 : index[start[k]];
                axisDoubles[2 * k] = left[k] < 0 ? 0 : weight[start[k]];
                axisDoubles[2 * k + 1] = value[k];
            }
        } else {
            axisInts = null;
            axisDoubles = null;
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
        if (axisInts != null) {
            return axisPathFrom(root, x);
        }
        int k = root;
        while (left[k] >= 0) {
            double dot = 0;
            for (int i = start[k]; i < start[k + 1]; i++) {
                dot += x[index[i]] * weight[i];
            }
            k = dot < value[k] ? left[k] : left[k] + 1;
        }
        return value[k];
    }

    /** Same path as {@link #pathFrom} when every split has one term: x[f] * w is Smile's dot product then. */
    private double axisPathFrom(final int root, final double[] x) {
        final int[] ints = axisInts;
        final double[] doubles = axisDoubles;
        int k = root;
        int l;
        while ((l = ints[2 * k]) >= 0) {
            k = x[ints[2 * k + 1]] * doubles[2 * k] < doubles[2 * k + 1] ? l : l + 1;
        }
        return doubles[2 * k + 1];
    }

    /** @return the number of trees */
    int size() {
        return roots.length;
    }

    /** @return approximate heap bytes */
    long sizeBytes() {
        return 8 * 16 + 4L * roots.length + (axisInts == null ? 16L : 40L) * left.length + 12L * index.length;
    }

    /** Copies nodes breadth first, so that the two children of a node are adjacent. */
    private static final class Builder {
        private final int dimension;
        private int[] left = new int[64];
        private double[] value = new double[64];
        private int[] start = new int[65];
        private int[] index = new int[64];
        private double[] weight = new double[64];
        private int nodes;
        private int terms;

        Builder(final int dimension) {
            this.dimension = dimension;
        }

        int copy(final Object root) throws IllegalAccessException {
            final Deque<Object> queue = new ArrayDeque<>();
            final int first = add(root);
            queue.add(root);
            int k = first;
            while (!queue.isEmpty()) {
                final Object node = queue.poll();
                final Object l = LEFT.get(node);
                final Object r = RIGHT.get(node);
                if (l != null && r != null) {
                    final int child = add(l); // before indexing: add may grow the arrays
                    add(r);
                    left[k] = child;
                    queue.add(l);
                    queue.add(r);
                }
                k++;
            }
            return first;
        }

        /** Appends a node (as a leaf until its children are added) and its hyperplane's terms. */
        private int add(final Object node) throws IllegalAccessException {
            grow();
            final int k = nodes++;
            final boolean leaf = LEFT.get(node) == null || RIGHT.get(node) == null;
            left[k] = -1;
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
            if (nodes + 1 >= left.length) {
                left = Arrays.copyOf(left, 2 * left.length);
                value = Arrays.copyOf(value, 2 * value.length);
                start = Arrays.copyOf(start, 2 * start.length + 1);
            }
        }

        CompactTrees build(final int[] roots) {
            return new CompactTrees(roots, Arrays.copyOf(left, nodes), Arrays.copyOf(value, nodes),
                    Arrays.copyOf(start, nodes + 1), Arrays.copyOf(index, terms), Arrays.copyOf(weight, terms));
        }
    }
}
