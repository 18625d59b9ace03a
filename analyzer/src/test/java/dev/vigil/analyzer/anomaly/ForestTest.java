package dev.vigil.analyzer.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import smile.anomaly.IsolationForest;
import smile.anomaly.IsolationTree;
import smile.stat.distribution.GaussianDistribution;

class ForestTest {
    private static List<double[]> line(final int n) {
        final List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(new double[] {i, (i * 7919) % 1000});
        }
        return rows;
    }

    /**
     * With depth 1 a tree has two leaves whose depths are 1 + c(size): reading the sizes back from
     * the path lengths tells how many rows the tree was built from.
     */
    private static int rowsSeen(final IsolationTree tree, final List<double[]> rows) {
        final java.util.Set<Double> leaves = new java.util.TreeSet<>();
        for (final double[] row : rows) {
            leaves.add(tree.path(row));
        }
        int total = 0;
        for (final double depth : leaves) {
            total += sizeOfLeaf(depth - 1);
        }
        return total;
    }

    private static int sizeOfLeaf(final double adjustment) {
        if (adjustment == 0) {
            return 1; // a leaf of 0 or 1 row; with 2 leaves and >= 2 rows at least one is bigger
        }
        for (int n = 2; n < 100_000; n++) {
            if (Math.abs(2 * (Math.log(n - 1) + 0.5772156649) - 2.0 * (n - 1) / n - adjustment) < 1e-9) {
                return n;
            }
        }
        throw new AssertionError("no leaf size gives adjustment " + adjustment);
    }

    @Test
    void shouldBuildEachTreeFromItsOwnSubsampleOnly() {
        // given 1000 rows
        final List<double[]> rows = line(1000);
        // when each tree is built from a subsample of 64, with one split
        final IsolationTree[] trees = SmileTrees.build(rows, 10, 64, 1, 0, 42);
        // then every tree saw 64 rows, not the 1000 that IsolationForest.fit would give it
        for (final IsolationTree tree : trees) {
            assertEquals(64, rowsSeen(tree, rows));
        }
        final IsolationForest smileFit = IsolationForest.fit(rows.toArray(double[][]::new), 1, 1, 0.0625, 0);
        assertEquals(1000, rowsSeen(smileFit.trees()[0], rows), "Smile 3.1.1's fit ignores the subsample");
    }

    @Test
    void shouldScoreExactlyAsSmileFromTheCompactCopy() {
        // given Smile's trees, axis-parallel (packed, float thresholds) and extended, and a Smile forest of them
        final List<double[]> rows = line(700);
        for (final int level : new int[] {0, 1}) {
            final IsolationTree[] trees = SmileTrees.build(rows, 25, 128, 7, level, 9);
            final IsolationForest smile = new IsolationForest(128, level, trees);
            final CompactTrees compact = CompactTrees.of(trees, 2);
            final Forest forest = Forest.build(rows, 25, 128, 7, level, 9);
            assertEquals(level == 0, compact.thresholds(2) != null, "only the axis-parallel forest is packed");
            // when float points (what the detector scores) inside, at the edge of and far outside the
            // training range are scored
            final SplittableRandom random = new SplittableRandom(4);
            final List<double[]> probes = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                probes.add(new double[] {(float) random.nextDouble(-200, 1200), (float) random.nextDouble(-200, 1200)});
            }
            // and, for the packed forest, points on every threshold and on the floats next to it
            if (level == 0) {
                final float[][] thresholds = compact.thresholds(2);
                for (int j = 0; j < 2; j++) {
                    for (final float t : thresholds[j]) {
                        for (final float v : new float[] {Math.nextDown(t), t, Math.nextUp(t)}) {
                            final double[] x = {(float) random.nextDouble(-200, 1200), (float) random.nextDouble(-200, 1200)};
                            x[j] = v;
                            probes.add(x);
                        }
                    }
                }
                assertTrue(probes.size() > 2000 + 3 * 25 * 50, "probes on the thresholds: " + (probes.size() - 2000));
            }
            for (final double[] x : probes) {
                // then every path and the score are Smile's, bit for bit
                for (int t = 0; t < trees.length; t++) {
                    assertEquals(trees[t].path(x), compact.path(t, x));
                }
                assertEquals(smile.score(x), forest.score(x));
            }
        }
    }

    @Test
    void shouldTurnEverySplitIntoAnExactFloatThreshold() {
        final SplittableRandom random = new SplittableRandom(11);
        int rounded = 0;
        for (int i = 0; i < 200_000; i++) {
            final double w = random.nextDouble(-3, 3);
            final float f = (float) random.nextDouble(-1000, 1000);
            // split values on a float's product, halfway to the next float (where rounding b / w
            // to float picks the wrong side half the time), and anywhere
            final double b = switch (i % 3) {
                case 0 -> f * w;
                case 1 -> (f + (double) Math.nextUp(f)) / 2 * w;
                default -> random.nextDouble(-3000, 3000);
            };
            final float t = CompactTrees.threshold(w, b);
            if (t != (float) (b / w)) {
                rounded++;
            }
            for (final float x : new float[] {Math.nextDown(Math.nextDown(t)), Math.nextDown(t), t, Math.nextUp(t),
                Math.nextUp(Math.nextUp(t)), f}) {
                final boolean smileLeft = x * w < b;
                assertEquals(smileLeft, w >= 0 ? x < t : x >= t, "w " + w + ", b " + b + ", x " + x + ", t " + t);
            }
        }
        assertTrue(rounded > 1000, "cases where b / w rounded to float is not the threshold: " + rounded);
        assertEquals(Float.POSITIVE_INFINITY, CompactTrees.threshold(0.0, 1.0));
        assertEquals(Float.NEGATIVE_INFINITY, CompactTrees.threshold(0.0, -1.0));
    }

    @Test
    void shouldPackAnAxisParallelNodeInEightBytes() {
        final IsolationTree[] trees = SmileTrees.build(line(700), 25, 128, 7, 0, 9);
        final CompactTrees compact = CompactTrees.of(trees, 2);
        int nodes = 0;
        for (final float[] t : compact.thresholds(2)) {
            nodes += 2 * t.length + 25; // a binary tree has one leaf more than splits
        }
        assertTrue(compact.sizeBytes() < 8L * nodes + 8 * 128 + 512, compact.sizeBytes() + " bytes for " + nodes + " nodes");
    }

    @Test
    void shouldDrawDistinctRowsForASubsample() {
        final List<double[]> rows = line(100);
        final List<double[]> sample = Forest.sample(rows, 100, new SplittableRandom(1));
        assertEquals(100, sample.stream().distinct().count());
    }

    @Test
    void shouldBuildTheSameForestFromTheSameSeedWhateverTheSharedGaussianHolds() {
        // given a forest with extension level 1 (uses Smile's shared Gaussian for its normals)
        final List<double[]> rows = line(500);
        final Forest a = Forest.build(rows, 20, 64, 6, 1, 7);
        // when the shared Gaussian's cache is left in the other state
        GaussianDistribution.getInstance().rand();
        final Forest b = Forest.build(rows, 20, 64, 6, 1, 7);
        final Forest c = Forest.build(rows, 20, 64, 6, 1, 8);
        // then the same seed gives the same scores, another seed other scores
        final double[] probe = {250.5, 3.0};
        assertEquals(a.score(probe), b.score(probe));
        assertNotEquals(a.score(probe), c.score(probe));
    }

    @Test
    void shouldScoreAnOutlierAboveTheBulk() {
        final List<double[]> rows = line(500);
        final Forest forest = Forest.build(rows, 100, 256, 8, 0, 3);
        assertTrue(forest.score(new double[] {5000, 5000}) > 0.6);
        assertTrue(forest.score(new double[] {250, 500}) < 0.5);
    }

    @Test
    void shouldRejectTooFewRowsOrABadExtensionLevel() {
        assertThrows(IllegalArgumentException.class, () -> Forest.build(line(1), 1, 2, 1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> Forest.build(line(10), 1, 2, 1, 2, 1));
    }
}
