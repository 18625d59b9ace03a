package dev.vigil.decision.tree;

import java.util.List;
import java.util.Locale;
import smile.base.mlp.Layer;
import smile.base.mlp.OutputFunction;
import smile.classification.MLP;
import smile.math.MathEx;
import smile.math.TimeFunction;

/**
 * A small multilayer perceptron (Smile {@link MLP}: one ReLU hidden layer, softmax output,
 * trained by mini-batch gradient descent) over standardized {@link Features}. Compared with the
 * tree by cross-validation; see {@link ModelReport}. Its explanation is its class probabilities:
 * it cannot say which threshold mattered, which is why the tree decides by default.
 */
public final class NetworkModel implements Decider {
    private final MLP network;
    private final double[] means;
    private final double[] sds;
    private final String version;

    /**
     * Network options.
     *
     * @param hidden neurons in the hidden layer, at least 1
     * @param epochs passes over the examples, at least 1
     * @param learningRate initial step in (0, 1]
     * @param seed random seed for weights and shuffling
     */
    public record Options(int hidden, int epochs, double learningRate, long seed) {
        /** Checks the ranges. */
        public Options {
            if (hidden < 1 || epochs < 1 || !(learningRate > 0 && learningRate <= 1)) {
                throw new IllegalArgumentException("expected hidden >= 1, epochs >= 1, 0 < learningRate <= 1; got "
                        + hidden + ", " + epochs + ", " + learningRate);
            }
        }

        /** @return 32 hidden neurons, 60 epochs, rate 0.05, seed 7 */
        public static Options defaults() {
            return new Options(32, 60, 0.05, 7);
        }
    }

    private NetworkModel(final MLP network, final double[] means, final double[] sds, final String version) {
        this.network = network;
        this.means = means;
        this.sds = sds;
        this.version = version;
    }

    /**
     * @param examples labelled examples
     * @param options network options
     * @return the trained network
     */
    public static NetworkModel train(final Examples examples, final Options options) {
        return train(examples.matrix(), examples.classes(), options, "mlp-" + TreeModel.hash(
                examples.toCsv(List.of()) + options));
    }

    static NetworkModel train(final double[][] x, final int[] y, final Options options, final String version) {
        MathEx.setSeed(options.seed());
        final double[] means = MathEx.colMeans(x);
        final double[] sds = MathEx.colSds(x);
        for (int j = 0; j < sds.length; j++) {
            sds[j] = sds[j] > 1e-9 ? sds[j] : 1.0;
        }
        final double[][] z = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            z[i] = standardize(x[i], means, sds);
        }
        final MLP net = new MLP(Layer.input(x[0].length), Layer.rectifier(options.hidden()),
                Layer.mle(Label.values().length, OutputFunction.SOFTMAX));
        net.setLearningRate(TimeFunction.linear(options.learningRate(), options.epochs() * (double) x.length / 16,
                options.learningRate() / 10));
        net.setMomentum(TimeFunction.constant(0.9));
        final int batch = 16;
        for (int epoch = 0; epoch < options.epochs(); epoch++) {
            final int[] order = MathEx.permutate(x.length);
            for (int start = 0; start < order.length; start += batch) {
                final int n = Math.min(batch, order.length - start);
                final double[][] bx = new double[n][];
                final int[] by = new int[n];
                for (int i = 0; i < n; i++) {
                    bx[i] = z[order[start + i]];
                    by[i] = y[order[start + i]];
                }
                net.update(bx, by);
            }
        }
        return new NetworkModel(net, means, sds, version);
    }

    private static double[] standardize(final double[] x, final double[] means, final double[] sds) {
        final double[] z = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            z[j] = (x[j] - means[j]) / sds[j];
        }
        return z;
    }

    @Override
    public Verdict decide(final double[] x) {
        final double[] p = new double[Label.values().length];
        final Label label = Label.values()[network.predict(standardize(x, means, sds), p)];
        final StringBuilder b = new StringBuilder();
        for (final Label l : Label.values()) {
            if (p[l.ordinal()] >= 0.05) {
                b.append(b.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "P(%s)=%.2f", l,
                        p[l.ordinal()]));
            }
        }
        return new Verdict(label, p[label.ordinal()], "network " + version + ": " + b + " -> " + label);
    }

    @Override
    public String version() {
        return version;
    }
}
