package dev.vigil.decision.tree;

/** A trained model that decides a {@link Label} from a feature vector and says how. Thread-safe. */
public interface Decider {
    /**
     * @param x features in {@link Features#NAMES} order
     * @return the decision with its explanation
     */
    Verdict decide(double[] x);

    /** @return the model's version, e.g. {@code cart-3f2a1b0c}: kind plus a hash of its training data and options */
    String version();

    /**
     * A decision and its explanation.
     *
     * @param label what to do
     * @param confidence share of training examples (tree leaf) or probability (network) behind it, in [0, 1]
     * @param explanation for people: the tree's path (feature=value, threshold, branch) or the network's probabilities
     */
    record Verdict(Label label, double confidence, String explanation) {
    }
}
