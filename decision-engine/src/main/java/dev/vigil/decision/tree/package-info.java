/**
 * The learned part: a CART tree ({@link dev.vigil.decision.tree.TreeModel}) decides what no rule
 * settles, from {@link dev.vigil.decision.tree.Features} to a {@link dev.vigil.decision.tree.Label};
 * a small network ({@link dev.vigil.decision.tree.NetworkModel}) is trained beside it and the two
 * are compared by cross-validation ({@link dev.vigil.decision.tree.ModelReport}).
 *
 * <p>Invariants: the model is trained at start-up from a labelled CSV ({@link
 * dev.vigil.decision.tree.Examples}); the shipped one is labelled by a written guide ({@link
 * dev.vigil.decision.tree.LabelGuide}); every decision carries its explanation and the model
 * version, a hash of the training data and options, so the same examples give the same version.
 */
package dev.vigil.decision.tree;
