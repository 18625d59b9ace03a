package dev.vigil.analyzer.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** Settings that contradict each other are refused with the keys as the operator wrote them. */
class AnalyzerConfigTest {
    private static String refused(final String key, final String value, final String otherKey, final String other) {
        return assertThrows(ConfigException.class, () -> new AnalyzerConfig(Map.of(key, value, otherKey, other)))
                .getMessage();
    }

    @Test
    void namesTheKeysThatContradictEachOther() {
        assertEquals("forecast.min.points 50 must be at most forecast.window.points 20",
                refused("forecast.min.points", "50", "forecast.window.points", "20"));
        assertEquals("anomaly.close.threshold 0.8 must be below anomaly.open.threshold 0.7",
                refused("anomaly.close.threshold", "0.8", "anomaly.open.threshold", "0.7"));
        assertEquals("stats.hopping.size.ms 90000 must be a multiple of stats.window.ms 60000",
                refused("stats.hopping.size.ms", "90000", "stats.window.ms", "60000"));
        new AnalyzerConfig(Map.of()); // the defaults agree
    }
}
