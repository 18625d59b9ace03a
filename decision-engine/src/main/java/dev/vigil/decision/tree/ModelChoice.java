package dev.vigil.decision.tree;

import java.util.function.Consumer;

/**
 * Which model decides: the tree, unless the network is clearly better by cross-validation on the
 * same examples ({@link ModelReport#networkClearlyBetter()}). When the network decides, each
 * explanation also carries the tree's path for the same input, so a person still sees which
 * thresholds the case sits near.
 */
public final class ModelChoice {
    /** Folds of the start-up comparison (fewer than the report's default, to start quickly). */
    public static final int FOLDS = 3;

    private ModelChoice() {
    }

    /**
     * @param examples labelled examples
     * @param kind {@code auto} (compare, then choose), {@code tree} or {@code network}
     * @param log receives the comparison, for the service log
     * @return the model that decides
     */
    public static Decider choose(final Examples examples, final String kind, final Consumer<String> log) {
        final TreeModel tree = TreeModel.train(examples, TreeModel.Options.defaults());
        final boolean network = switch (kind) {
            case "tree" -> false;
            case "network" -> true;
            default -> {
                final ModelReport report = ModelReport.compare(examples, FOLDS, TreeModel.Options.defaults(),
                        NetworkModel.Options.defaults());
                log.accept(report.describe());
                yield report.networkClearlyBetter();
            }
        };
        return network ? new WithTree(NetworkModel.train(examples, NetworkModel.Options.defaults()), tree) : tree;
    }

    /** The network deciding, the tree's path alongside for reference. */
    static final class WithTree implements Decider {
        private final Decider network;
        private final TreeModel tree;

        WithTree(final Decider network, final TreeModel tree) {
            this.network = network;
            this.tree = tree;
        }

        @Override
        public Verdict decide(final double[] x) {
            final Verdict decided = network.decide(x);
            return new Verdict(decided.label(), decided.confidence(), decided.explanation() + " | for reference, "
                    + tree.decide(x).explanation());
        }

        @Override
        public String version() {
            return network.version();
        }
    }
}
