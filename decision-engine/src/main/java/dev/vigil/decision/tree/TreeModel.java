package dev.vigil.decision.tree;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import smile.base.cart.DecisionNode;
import smile.base.cart.InternalNode;
import smile.base.cart.Node;
import smile.base.cart.SplitRule;
import smile.classification.DecisionTree;
import smile.data.DataFrame;
import smile.data.Tuple;
import smile.data.formula.Formula;
import smile.data.type.StructType;
import smile.data.vector.IntVector;

/**
 * A CART classification tree (Smile {@link DecisionTree}, Gini impurity) over {@link Features}.
 * Its explanation is the path from the root: each split's feature, the input's value, the
 * threshold and the branch taken, then the leaf's label and how many training examples agree.
 */
public final class TreeModel implements Decider {
    private final DecisionTree tree;
    private final StructType schema;
    private final String version;

    /**
     * Tree options; defaults keep the tree small enough to read.
     *
     * @param maxDepth deepest path, at least 2
     * @param maxNodes most leaves, at least 2
     * @param nodeSize fewest examples in a leaf, at least 1
     */
    public record Options(int maxDepth, int maxNodes, int nodeSize) {
        /** Checks the ranges. */
        public Options {
            if (maxDepth < 2 || maxNodes < 2 || nodeSize < 1) {
                throw new IllegalArgumentException("expected maxDepth >= 2, maxNodes >= 2, nodeSize >= 1; got "
                        + maxDepth + ", " + maxNodes + ", " + nodeSize);
            }
        }

        /** @return depth 8, 48 leaves, 3 examples per leaf */
        public static Options defaults() {
            return new Options(8, 48, 3);
        }
    }

    private TreeModel(final DecisionTree tree, final String version) {
        this.tree = tree;
        this.schema = tree.schema();
        this.version = version;
    }

    /**
     * @param examples labelled examples
     * @param options tree options
     * @return the trained tree
     */
    public static TreeModel train(final Examples examples, final Options options) {
        final DataFrame data = DataFrame.of(examples.matrix(), Features.NAMES.toArray(new String[0]))
                .merge(IntVector.of("label", examples.classes()));
        final DecisionTree tree = DecisionTree.fit(Formula.lhs("label"), data, SplitRule.GINI, options.maxDepth(),
                options.maxNodes(), options.nodeSize());
        return new TreeModel(tree, "cart-" + hash(examples.toCsv(List.of()) + options));
    }

    @Override
    public Verdict decide(final double[] x) {
        final Tuple row = Tuple.of(x, schema);
        final List<String> steps = new ArrayList<>();
        Node node = tree.root();
        while (node instanceof InternalNode split) {
            final boolean branch = split.branch(row);
            steps.add(step(split.toString(schema, branch), x[split.feature()]));
            node = branch ? split.trueChild() : split.falseChild();
        }
        final Label label = Label.values()[tree.predict(row)];
        final int[] counts = ((DecisionNode) node).count();
        final int total = java.util.Arrays.stream(counts).sum();
        final int agree = counts[((DecisionNode) node).output()];
        final String path = steps.isEmpty() ? "(single leaf)" : String.join("; ", steps);
        return new Verdict(label, total == 0 ? 0 : (double) agree / total, String.format(Locale.ROOT,
                "tree %s: %s -> %s (leaf: %d of %d training examples)", version, path, label, agree, total));
    }

    /** Turns Smile's {@code feature<=threshold} into {@code feature=value <= threshold}. */
    private static String step(final String condition, final double value) {
        final int op = condition.indexOf("<=") >= 0 ? condition.indexOf("<=") : condition.indexOf('>');
        if (op < 0) {
            return condition;
        }
        final String feature = condition.substring(0, op);
        final String rest = condition.substring(op);
        final String operator = rest.startsWith("<=") ? "<=" : ">";
        final double threshold = Double.parseDouble(rest.substring(operator.length()));
        return String.format(Locale.ROOT, "%s=%s %s %s", feature, number(value), operator, number(threshold));
    }

    private static String number(final double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v)
                : String.format(Locale.ROOT, "%.3f", v);
    }

    @Override
    public String version() {
        return version;
    }

    /** @return leaves in the tree */
    public int leaves() {
        return tree.root().leaves();
    }

    /** @return depth of the tree */
    public int depth() {
        return tree.root().depth();
    }

    /** @return the whole tree as Smile prints it */
    @Override
    public String toString() {
        return tree.toString();
    }

    static String hash(final String text) {
        try {
            final byte[] h = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
