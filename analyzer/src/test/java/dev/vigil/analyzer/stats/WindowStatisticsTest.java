package dev.vigil.analyzer.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WindowStatisticsTest {

    @Test
    void shouldKeepTheVarianceOfLargeValuesExact() {
        // given: values around 1e9 with a variance of 1, where sum-of-squares formulas lose every digit
        final Moments m = new Moments();
        final double[] values = {1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16};
        for (final double v : values) {
            m.add(v, false);
        }
        assertEquals(1e9 + 10, m.mean(), 1e-6);
        assertEquals(30.0, m.variance(), 1e-6);
    }

    @Test
    void shouldMergeToWhatOneSummaryOfAllValuesGives() {
        final Random random = new Random(1);
        final Moments all = new Moments();
        final Moments left = new Moments();
        final Moments right = new Moments();
        for (int i = 0; i < 1000; i++) {
            final double v = 50 + 10 * random.nextGaussian();
            all.add(v, i % 7 == 0);
            (i < 300 ? left : right).add(v, i % 7 == 0);
        }
        left.merge(right);
        assertEquals(all.count(), left.count());
        assertEquals(all.mean(), left.mean(), 1e-9);
        assertEquals(all.variance(), left.variance(), 1e-9);
        assertEquals(all.min(), left.min());
        assertEquals(all.max(), left.max());
        assertEquals(all.imputed(), left.imputed());
    }

    @Test
    void shouldEmitEachHoppingWindowOnceEvenAcrossSilentMinutes() {
        final WindowSpec spec = new WindowSpec(60_000, 900_000, 300_000, 0, 200);
        final HoppingWindows hopping = new HoppingWindows();
        final WindowSummary first = new WindowSummary(0, 200);
        first.add(1, false);
        assertEquals(List.of(), hopping.onClosed(first, spec));
        final WindowSummary later = new WindowSummary(1_800_000, 200);
        later.add(3, false);
        // boundaries 5, 10 and 15 min hold the first minute; 20-30 min hold nothing; 35 min comes later
        final List<WindowSummary> hops = hopping.onClosed(later, spec);
        assertEquals(List.of(-600_000L, -300_000L, 0L), hops.stream().map(WindowSummary::start).toList());
        hops.forEach(h -> assertEquals(1, h.moments().count()));
    }
}
