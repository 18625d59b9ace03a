package dev.vigil.analyzer.anomaly;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IsolationModelTest {
    @Test
    void shouldMeasureTheFirstForestSurprisesAgainstThoseOfThePointsItsCalibrationIsMadeOf() {
        // given models whose one feature never varies, so that only the forest sees anything, over Gaussian noise: the
        // forest's calibration starts at the first retraining (point 384), from the scores of the 256 points before it
        double first = 0;
        double later = 0;
        final int seeds = 8;
        for (int seed = 1; seed <= seeds; seed++) {
            final IsolationModel model = new IsolationModel(DetectorOptions.defaults(), seed, List.of("flat"), "noise",
                    3, 0, true, Set.of());
            final Random random = new Random(seed);
            double firstMax = 0;
            double laterMax = 0;
            for (int i = 0; i < 1000; i++) {
                final double[] features = {1.0};
                final double[] noise = {random.nextGaussian(), random.nextGaussian(), random.nextGaussian()};
                if (model.trained()) {
                    final double score = model.score(features, noise);
                    // when the first 64 points after the calibration starts are scored, and 360 later ones
                    if (i >= 384 && i < 448) {
                        firstMax = Math.max(firstMax, score);
                    } else if (i >= 640) {
                        laterMax = Math.max(laterMax, score);
                    }
                }
                model.add(features, noise);
            }
            first += firstMax / seeds;
            later += laterMax / seeds;
        }
        // then the first ones score no higher than the noise does later, on average over the seeds (they scored 0.40
        // against 0.25: the recent peak of surprises had never seen the forest's, so its first excursions were news)
        assertTrue(first < later, "first 64 points up to " + first + " on average, later ones up to " + later);
    }
}
