package dev.vigil.analyzer.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class DetectorOptionsTest {
    @Test
    void shouldRoundTripThroughProperties() {
        // given options that differ from the defaults in every field
        final DetectorOptions options = new DetectorOptions(40, 300, 50, 20, 64, 7, 1, 4, 24, 100, 8.0);
        // when / then
        assertEquals(options, DetectorOptions.of(options.toProperties()));
        assertEquals(DetectorOptions.defaults(), DetectorOptions.of(new Properties()));
    }

    @Test
    void shouldRejectOutOfRangeValuesNamingTheField() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DetectorOptions.defaults().withWarmupPoints(5));
        assertTrue(e.getMessage().contains("warmupPoints"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DetectorOptions.defaults().withTrees(-1));
        assertThrows(IllegalArgumentException.class,
                () -> new DetectorOptions(128, 512, 128, 100, 1024, 0, 0, 6, 48, 300, 10.0)); // subsample > window
        assertThrows(IllegalArgumentException.class,
                () -> new DetectorOptions(128, 512, 128, 100, 256, 0, 0, 6, 48, 300, Double.NaN));
        final Properties bad = new Properties();
        bad.setProperty("anomaly.trees", "many");
        final IllegalArgumentException parse = assertThrows(IllegalArgumentException.class,
                () -> DetectorOptions.of(bad));
        assertTrue(parse.getMessage().contains("anomaly.trees"), parse.getMessage());
    }

    @Test
    void shouldDeriveTheDepthLimitFromTheSubsample() {
        assertEquals(7, DetectorOptions.defaults().effectiveMaxDepth()); // 128 rows
        assertEquals(7, new DetectorOptions(40, 300, 50, 20, 100, 0, 0, 4, 24, 0, 8.0).effectiveMaxDepth());
        assertEquals(5, new DetectorOptions(40, 300, 50, 20, 100, 5, 0, 4, 24, 0, 8.0).effectiveMaxDepth());
    }
}
