package dev.vigil.analyzer.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TrendTest {
    private static final long MINUTE = 60_000L;

    @Test
    void shouldFitTheNewestPointsInOnePassAsEachWouldBeFittedAlone() {
        // given a ring that wrapped (80 noisy points into 50), points 1 to 3 minutes apart
        final Random random = new Random(5);
        final Trend trend = new Trend(50);
        final List<Long> times = new ArrayList<>();
        final List<Double> values = new ArrayList<>();
        long t = 0;
        for (int i = 0; i < 80; i++) {
            t += (1 + random.nextInt(3)) * MINUTE;
            final double v = 0.4 + 0.0005 * i + 0.002 * random.nextGaussian();
            trend.add(t, v);
            times.add(t);
            values.add(v);
        }
        // when every line through the newest 15 to 50 points is fitted in one pass
        final List<Trend.Fit> lines = new ArrayList<>();
        final List<Long> spans = new ArrayList<>();
        trend.newestFits(15, (fit, span) -> {
            lines.add(fit);
            spans.add(span);
        });
        // then each is the line a trend of just those points gives
        assertEquals(36, lines.size());
        for (int k = 0; k < lines.size(); k++) {
            final int n = 15 + k;
            final Trend alone = new Trend(n);
            for (int i = 80 - n; i < 80; i++) {
                alone.add(times.get(i), values.get(i));
            }
            final Trend.Fit expected = alone.fit();
            assertEquals(expected.slopePerSecond(), lines.get(k).slopePerSecond(), 1e-12, "n=" + n);
            assertEquals(expected.r2(), lines.get(k).r2(), 1e-9, "n=" + n);
            assertEquals(expected.at(t), lines.get(k).at(t), 1e-9, "n=" + n);
            assertEquals(alone.spanMillis(), spans.get(k), "n=" + n);
        }
    }
}
