package dev.vigil.decision.tree;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Where the shipped labels come from: no operator has labelled anything before Vigil runs, so
 * the shipped examples are feature vectors drawn at random over the ranges that occur, labelled by
 * this written guide (backup practice as the engine's authors apply it). The tree learns the
 * guide's shape; operator feedback ({@code vigil decide train}) then adds real labels.
 *
 * <p>The guide, in order:
 * <ol>
 *   <li>3 or more failures in a row: NONE (retries and escalation handle it; more commands add load).</li>
 *   <li>The anomaly is serious when its score reaches a threshold that falls with criticality
 *       (LOW 0.85, MEDIUM 0.75, HIGH 0.65, CRITICAL 0.55), by 0.1 more when it concerns the
 *       dataset's own files and by 0.1 more with 2 or more open episodes. Then a backup now,
 *       however recent the last (an incremental of unchanged data costs little; cooldowns stop storms):
 *       FULL if the FULL is due (age at least one interval) or half the data changed since it;
 *       DIFFERENTIAL if the chain is 10 or longer and under 20% changed;
 *       INCREMENTAL otherwise.</li>
 *   <li>Within 0.15 under the threshold with half the RPO used: INCREMENTAL (bring the backup forward).</li>
 *   <li>Score 0.3 or more and the last restore test older than its interval: VERIFY.</li>
 *   <li>Otherwise NONE.</li>
 * </ol>
 */
public final class LabelGuide {
    /** Seed of the shipped examples. */
    public static final long SEED = 20_260_101L;
    /** Number of shipped examples. */
    public static final int SIZE = 4000;

    private LabelGuide() {
    }

    /**
     * @param x features in {@link Features#NAMES} order
     * @return the guide's label
     */
    public static Label label(final double[] x) {
        final double score = x[0];
        final boolean onDataset = x[1] >= 0.5;
        final double rpoUsed = x[2];
        final double fullAge = x[3];
        final double verifyAge = x[4];
        final double change = x[5];
        final double chain = x[6];
        final int criticality = (int) x[7];
        if (x[8] >= 3) {
            return Label.NONE;
        }
        final double threshold = switch (criticality) {
            case 4 -> 0.55;
            case 3 -> 0.65;
            case 1 -> 0.85;
            default -> 0.75;
        } - (onDataset ? 0.1 : 0) - (x[9] >= 2 ? 0.1 : 0);
        if (score >= threshold) {
            if (fullAge >= 1 || change >= 0.5) {
                return Label.FULL;
            }
            return chain >= 10 && change < 0.2 ? Label.DIFFERENTIAL : Label.INCREMENTAL;
        }
        if (score >= threshold - 0.15 && rpoUsed >= 0.5) {
            return Label.INCREMENTAL;
        }
        return score >= 0.3 && verifyAge >= 1 ? Label.VERIFY : Label.NONE;
    }

    /**
     * @param seed random seed
     * @param n how many
     * @return n random feature vectors over realistic ranges, labelled by the guide
     */
    public static Examples generate(final long seed, final int n) {
        final Random r = new Random(seed);
        final List<double[]> xs = new ArrayList<>();
        final List<Label> ys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final double[] x = {
                round(r.nextDouble() < 0.4 ? r.nextDouble() * 0.5 : 0.3 + r.nextDouble() * 0.7),
                r.nextDouble() < 0.3 ? 1 : 0,
                r.nextDouble() < 0.08 ? Features.AGE_CAP : round(r.nextDouble() * 2),
                r.nextDouble() < 0.08 ? Features.AGE_CAP : round(r.nextDouble() * 1.5),
                r.nextDouble() < 0.1 ? Features.AGE_CAP : round(r.nextDouble() * 2),
                r.nextDouble() < 0.3 ? 0 : round(r.nextDouble()),
                r.nextInt(21),
                1 + r.nextInt(4),
                r.nextDouble() < 0.8 ? 0 : 1 + r.nextInt(5),
                r.nextDouble() < 0.6 ? 1 : r.nextInt(4)};
            xs.add(x);
            ys.add(label(x));
        }
        return new Examples(xs, ys);
    }

    private static double round(final double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /**
     * Writes the shipped examples file.
     *
     * @param args the output path
     * @throws IOException when it cannot be written
     */
    public static void main(final String[] args) throws IOException {
        Files.writeString(Path.of(args[0]), generate(SEED, SIZE).toCsv(List.of(
                "Vigil decision tree: shipped labelled examples. Columns: see dev.vigil.decision.tree.Features.",
                "Provenance: " + SIZE + " feature vectors drawn at random (seed " + SEED + ") over the ranges that occur,",
                "labelled by the written guide in dev.vigil.decision.tree.LabelGuide (not by operators).",
                "Regenerate: java -cp <classpath> dev.vigil.decision.tree.LabelGuide FILE.",
                "Operator feedback adds real labels: vigil decide train --out FILE.")), StandardCharsets.UTF_8);
    }
}
