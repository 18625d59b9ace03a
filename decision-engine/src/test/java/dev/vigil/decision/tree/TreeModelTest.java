package dev.vigil.decision.tree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.decision.DecisionException;
import dev.vigil.schemas.Action;
import dev.vigil.schemas.DecisionRecord;
import dev.vigil.schemas.DecisionSource;
import dev.vigil.schemas.Feedback;
import dev.vigil.schemas.Outcome;
import dev.vigil.schemas.Verdict;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TreeModelTest {
    private static final Examples SHIPPED = Examples.shipped();
    private static final TreeModel TREE = TreeModel.train(SHIPPED, TreeModel.Options.defaults());

    @Test
    void shouldShipExamplesThatFollowTheWrittenGuide() {
        // given the shipped file, when it is relabelled by the guide, then nothing changes: the provenance holds
        assertEquals(LabelGuide.SIZE, SHIPPED.size());
        for (int i = 0; i < SHIPPED.size(); i++) {
            assertEquals(LabelGuide.label(SHIPPED.x().get(i)), SHIPPED.y().get(i), "example " + i);
        }
    }

    @Test
    void shouldLearnTheGuideWellOnExamplesItHasNotSeen() {
        final Examples unseen = LabelGuide.generate(99, 500);
        int right = 0;
        for (int i = 0; i < unseen.size(); i++) {
            right += TREE.decide(unseen.x().get(i)).label() == unseen.y().get(i) ? 1 : 0;
        }
        assertTrue(right >= 0.85 * unseen.size(), "accuracy " + right + "/500");
    }

    @Test
    void shouldExplainItsDecisionAsThePathTakenWithTheInputsValues() {
        final double[] x = {0.93, 0, 0.3, 0.2, 0.5, 0.05, 2, 2, 0, 1};

        final Decider.Verdict verdict = TREE.decide(x);

        final String path = verdict.explanation();
        assertTrue(path.startsWith("tree " + TREE.version() + ": "), path);
        assertTrue(path.endsWith("-> " + verdict.label() + " (leaf: " + path.replaceAll(".*leaf: ", "")), path);
        final Matcher step = Pattern.compile("(\\w+)=([\\d.]+) (<=|>) ([\\d.]+)").matcher(path);
        int steps = 0;
        while (step.find()) {
            steps++;
            final double value = x[Features.NAMES.indexOf(step.group(1))];
            assertEquals(value, Double.parseDouble(step.group(2)), 0.001, step.group());
            final double threshold = Double.parseDouble(step.group(4));
            assertTrue(step.group(3).equals("<=") ? value <= threshold + 0.001 : value > threshold - 0.001,
                    "the branch taken must agree with the value: " + step.group());
        }
        assertTrue(steps >= 2, path);
        assertTrue(verdict.confidence() > 0.5 && verdict.confidence() <= 1.0);
    }

    @Test
    void shouldVersionTheModelByItsTrainingData() {
        assertEquals(TREE.version(), TreeModel.train(SHIPPED, TreeModel.Options.defaults()).version());
        final Examples more = SHIPPED.plus(LabelGuide.generate(1, 10));
        assertNotEquals(TREE.version(), TreeModel.train(more, TreeModel.Options.defaults()).version());
    }

    @Test
    void shouldRetrainFromOperatorFeedback() {
        final double[] x = {0.2, 0, 0.1, 0.1, 0.1, 0, 0, 1, 0, 1};
        assertEquals(Label.NONE, TREE.decide(x).label());
        final DecisionRecord decision = DecisionRecord.newBuilder().setId("d1").setHost("h").setTime(Instant.EPOCH)
                .setOutcome(Outcome.NO_ACTION).setSource(DecisionSource.TREE).setFeatures(Features.named(x)).build();
        final Feedback override = Feedback.newBuilder().setId("f").setHost("h").setTime(Instant.EPOCH)
                .setDecisionId("d1").setVerdict(Verdict.OVERRIDE).setOverrideAction(Action.FULL).build();

        final FeedbackExamples.Result fromFeedback = FeedbackExamples.from(Map.of("d1", decision),
                List.of(override, Feedback.newBuilder(override).setDecisionId("unknown").build()));

        assertEquals(1, fromFeedback.examples().size());
        assertEquals(1, fromFeedback.skipped());
        assertEquals(Label.FULL, fromFeedback.examples().y().get(0));
        final List<double[]> xs = new java.util.ArrayList<>();
        final List<Label> ys = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            xs.add(x);
            ys.add(Label.FULL);
        }
        final TreeModel retrained = TreeModel.train(SHIPPED.plus(new Examples(xs, ys)), TreeModel.Options.defaults());
        assertEquals(Label.FULL, retrained.decide(x).label(), "30 consistent overrides move the decision");
    }

    @Test
    void shouldCompareTreeAndNetworkByCrossValidation() {
        final Examples small = LabelGuide.generate(5, 300);

        final ModelReport report = ModelReport.compare(small, 3, TreeModel.Options.defaults(),
                new NetworkModel.Options(16, 20, 0.05, 7));

        assertEquals(300, report.examples());
        assertTrue(report.tree().accuracy() > 0.6, report.describe());
        assertTrue(report.network().accuracy() > 0.4, report.describe());
        assertTrue(report.describe().contains("verdict:"), report.describe());
    }

    @Test
    void shouldKeepTheTreesPathBesideTheNetworksDecision() {
        final Examples small = LabelGuide.generate(3, 400);

        final Decider network = ModelChoice.choose(small, "network", report -> { });
        final Decider tree = ModelChoice.choose(small, "tree", report -> { });

        final String explanation = network.decide(new double[] {0.9, 1, 0.5, 0.2, 0.1, 0.05, 1, 3, 0, 1}).explanation();
        assertTrue(network.version().startsWith("mlp-"), network.version());
        assertTrue(explanation.startsWith("network mlp-") && explanation.contains(" | for reference, tree cart-"),
                explanation);
        assertTrue(tree instanceof TreeModel);
    }

    @Test
    void shouldRefuseABadExamplesLineNamingIt() {
        final String header = String.join(",", Features.NAMES) + ",label\n";
        final DecisionException e = assertThrows(DecisionException.class,
                () -> Examples.parse("x.csv", "# c\n" + header + "0,0,0,0,0,0,0,1,0,0,NONE\n0,0,0,0,0,0,0,1,0,zero,NONE\n"));
        assertEquals("x.csv:4: open_episodes 'zero' is not a number", e.getMessage());
        assertThrows(DecisionException.class, () -> Examples.parse("x.csv", header + "0,0,0,0,0,0,0,1,0,0,MAYBE\n"));
    }
}
