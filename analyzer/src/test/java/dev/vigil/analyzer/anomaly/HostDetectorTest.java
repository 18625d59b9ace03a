package dev.vigil.analyzer.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HostDetectorTest {
    private static final long START = 1_700_000_000_000L;
    private static final long STEP = 10_000L;

    /** CPU follows load; memory is flat with noise. */
    private static Map<String, Double> normal(final Random random) {
        final double load = 0.3 + 0.2 * random.nextDouble();
        return Map.of("cpu", load + 0.02 * random.nextGaussian(),
                "requests", 1000 * load + 20 * random.nextGaussian(),
                "memory", 0.6 + 0.01 * random.nextGaussian());
    }

    @Test
    void shouldScoreAnUnusualCombinationAndNameTheSeries() {
        // given a host detector fed 400 ordinary updates
        final HostDetector detector = new HostDetector(DetectorOptions.defaults().withTrees(50), 3);
        final Random random = new Random(3);
        double maxOrdinary = 0;
        for (int i = 0; i < 400; i++) {
            maxOrdinary = Math.max(maxOrdinary, detector.update(START + i * STEP, normal(random)).score());
        }
        // when memory jumps while the rest looks ordinary
        final DetectionResult r = detector.update(START + 400 * STEP, Map.of("cpu", 0.4, "requests", 400.0,
                "memory", 0.95));
        // then the score is high and memory is the series named first (the combination, also rare, may
        // lead: observed and baseline are the first series')
        assertTrue(r.warm());
        assertTrue(r.score() > 0.5 && r.score() > maxOrdinary, "score " + r.score() + ", ordinary at most " + maxOrdinary);
        assertEquals("memory", r.contributors().stream().map(c -> c.getName())
                .filter(n -> !n.equals(HostDetector.FOREST_NAME)).findFirst().orElseThrow(), r.contributors().toString());
        assertEquals(0.95, r.observed());
        assertEquals(List.of("cpu", "memory", "requests"), detector.series());
    }

    @Test
    void shouldScoreABrokenCorrelationThatNoSeriesShowsAlone() {
        // given a host detector fed 400 ordinary updates, where requests follow CPU
        final HostDetector detector = new HostDetector(DetectorOptions.defaults().withTrees(50), 3);
        final Random random = new Random(4);
        double maxOrdinary = 0;
        for (int i = 0; i < 400; i++) {
            final DetectionResult r = detector.update(START + i * STEP, normal(random));
            if (i >= 200) {
                maxOrdinary = Math.max(maxOrdinary, r.score());
            }
        }
        // when CPU is busy while requests are quiet, each within its usual range
        final DetectionResult r = detector.update(START + 400 * STEP, Map.of("cpu", 0.5, "requests", 300.0,
                "memory", 0.6));
        // then it stands out, and only the combination (the forest) explains it: with axis-parallel
        // splits (extension level 0) this point scored 0
        assertTrue(r.score() > 0.4 && r.score() > maxOrdinary, "score " + r.score() + ", ordinary at most " + maxOrdinary);
        assertEquals(HostDetector.FOREST_NAME, r.contributors().get(0).getName());
    }

    @Test
    void shouldRestartTheWarmupWhenANewSeriesAppearsAndRoundTrip() {
        final DetectorOptions options = DetectorOptions.defaults().withTrees(10).withWarmupPoints(50);
        final HostDetector detector = new HostDetector(options, 1);
        final Random random = new Random(1);
        for (int i = 0; i < 60; i++) {
            detector.update(START + i * STEP, normal(random));
        }
        assertTrue(detector.update(START + 60 * STEP, normal(random)).warm());
        assertFalse(detector.update(START + 61 * STEP, Map.of("disk", 0.5)).warm());
        final HostDetector restored = HostDetector.fromBytes(detector.toBytes(), options);
        for (int i = 62; i < 200; i++) {
            final Map<String, Double> update = normal(random);
            assertEquals(detector.update(START + i * STEP, update), restored.update(START + i * STEP, update));
        }
    }

    @Test
    void shouldRejectEmptyOrNonFiniteUpdates() {
        final HostDetector detector = new HostDetector(DetectorOptions.defaults(), 1);
        assertThrows(IllegalArgumentException.class, () -> detector.update(START, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> detector.update(START, Map.of("cpu", Double.NaN)));
        assertThrows(IllegalArgumentException.class,
                () -> HostDetector.fromBytes(new byte[] {0, 0, 0, 0}, DetectorOptions.defaults()));
    }
}
