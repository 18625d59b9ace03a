package dev.vigil.analyzer.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AnomaliesTest {
    @Test
    void shouldSayCanonicalUnitsAsASentenceWould() {
        assertEquals("records", Anomalies.forPeople("{record}"));
        assertEquals("bytes", Anomalies.forPeople("By"));
        assertEquals("bytes/s", Anomalies.forPeople("By/s"));
        assertEquals("°C", Anomalies.forPeople("Cel"));
        assertEquals("s", Anomalies.forPeople("s"));
    }
}
