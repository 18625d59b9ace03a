package dev.vigil.decision.tree;

import java.util.Locale;
import java.util.function.BiFunction;
import smile.classification.Classifier;
import smile.math.MathEx;
import smile.validation.ClassificationValidation;
import smile.validation.ClassificationValidations;
import smile.validation.CrossValidation;

/**
 * Compares the tree and the network by k-fold cross-validation on the same examples: accuracy
 * and macro-averaged F1 (mean and standard deviation over folds).
 *
 * <p>The tree decides unless the network is clearly better: its mean accuracy higher by more than
 * 2 percentage points and by more than twice the larger fold standard deviation. Reason: the
 * tree's decision can be explained and checked as a path of thresholds, and audited; the
 * network's cannot, so it must earn its place by a margin that fold noise does not explain.
 *
 * @param folds k
 * @param examples how many examples
 * @param tree the tree's scores
 * @param network the network's scores
 */
public record ModelReport(int folds, int examples, Score tree, Score network) {
    /**
     * Scores of one model.
     *
     * @param accuracy mean accuracy over folds, in [0, 1]
     * @param accuracySd its standard deviation
     * @param macroF1 mean macro-F1 over folds, in [0, 1]
     * @param macroF1Sd its standard deviation
     */
    public record Score(double accuracy, double accuracySd, double macroF1, double macroF1Sd) {
    }

    /**
     * @param examples labelled examples
     * @param folds k, at least 2
     * @param treeOptions tree options
     * @param networkOptions network options
     * @return the comparison
     */
    public static ModelReport compare(final Examples examples, final int folds, final TreeModel.Options treeOptions,
                                      final NetworkModel.Options networkOptions) {
        if (folds < 2 || folds > examples.size()) {
            throw new IllegalArgumentException("expected 2 <= folds <= " + examples.size() + ", got " + folds);
        }
        final double[][] x = examples.matrix();
        final int[] y = examples.classes();
        final Score tree = score(folds, x, y, networkOptions.seed(), (xs, ys) -> adapt(TreeModel.train(
                new Examples(java.util.List.of(xs), java.util.Arrays.stream(ys).mapToObj(i -> Label.values()[i])
                        .toList()), treeOptions)));
        final Score network = score(folds, x, y, networkOptions.seed(), (xs, ys) -> adapt(NetworkModel.train(xs, ys,
                networkOptions, "cv")));
        return new ModelReport(folds, examples.size(), tree, network);
    }

    /** @return whether the network is clearly better (see the class comment) */
    public boolean networkClearlyBetter() {
        final double gain = network.accuracy() - tree.accuracy();
        return gain > 0.02 && gain > 2 * Math.max(network.accuracySd(), tree.accuracySd());
    }

    /** @return a few lines for people */
    public String describe() {
        return String.format(Locale.ROOT, "%d-fold cross-validation on %d examples%n"
                        + "  tree    accuracy %.3f ± %.3f   macro-F1 %.3f ± %.3f%n"
                        + "  network accuracy %.3f ± %.3f   macro-F1 %.3f ± %.3f%n"
                        + "verdict: %s", folds, examples, tree.accuracy(), tree.accuracySd(), tree.macroF1(),
                tree.macroF1Sd(), network.accuracy(), network.accuracySd(), network.macroF1(), network.macroF1Sd(),
                networkClearlyBetter() ? "the network is clearly better: it decides with model.kind=auto (the default) or network"
                        : "the tree decides (the network is not clearly better, and the tree explains itself)");
    }

    private static Score score(final int folds, final double[][] x, final int[] y, final long seed,
                               final BiFunction<double[][], int[], Classifier<double[]>> trainer) {
        MathEx.setSeed(seed);
        final ClassificationValidations<Classifier<double[]>> cv = CrossValidation.classification(folds, x, y, trainer);
        final double[] f1 = cv.rounds.stream().mapToDouble(ModelReport::macroF1).toArray();
        return new Score(cv.avg.accuracy, cv.sd.accuracy, MathEx.mean(f1), f1.length > 1 ? MathEx.sd(f1) : 0);
    }

    private static double macroF1(final ClassificationValidation<?> round) {
        double sum = 0;
        int classes = 0;
        for (final Label label : Label.values()) {
            final int c = label.ordinal();
            int tp = 0;
            int fp = 0;
            int fn = 0;
            for (int i = 0; i < round.truth.length; i++) {
                final boolean t = round.truth[i] == c;
                final boolean p = round.prediction[i] == c;
                tp += t && p ? 1 : 0;
                fp += !t && p ? 1 : 0;
                fn += t && !p ? 1 : 0;
            }
            if (tp + fn > 0) {
                sum += tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
                classes++;
            }
        }
        return classes == 0 ? 0 : sum / classes;
    }

    private static Classifier<double[]> adapt(final Decider model) {
        return new Classifier<>() {
            @Override
            public int numClasses() {
                return Label.values().length;
            }

            @Override
            public int[] classes() {
                return java.util.stream.IntStream.range(0, Label.values().length).toArray();
            }

            @Override
            public int predict(final double[] x) {
                return model.decide(x).label().ordinal();
            }
        };
    }
}
