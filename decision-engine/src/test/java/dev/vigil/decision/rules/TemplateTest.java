package dev.vigil.decision.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TemplateTest {
    @Test
    void shouldShowDurationsToTheSecondAboveOneSecond() {
        assertEquals("10s", Template.show(Duration.ofMillis(9_998)));
        assertEquals("1h2m", Template.show(Duration.ofMillis(3_720_400)));
        assertEquals("250ms", Template.show(Duration.ofMillis(250)));
    }
}
