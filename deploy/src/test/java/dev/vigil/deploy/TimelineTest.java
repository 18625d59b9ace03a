package dev.vigil.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.vigil.schemas.Ids;
import org.junit.jupiter.api.Test;

class TimelineTest {
    @Test
    void shouldShortenIdsSoThatIdsOfTheSameMinuteDiffer() {
        final String first = Ids.timeOrdered(java.time.Instant.now());
        final String second = Ids.timeOrdered(java.time.Instant.now());
        assertNotEquals(Timeline.shortId(first), Timeline.shortId(second));
        assertEquals(first.substring(first.length() - 8), Timeline.shortId(first));
    }

    @Test
    void shouldShortenHashesToTheirStart() {
        assertEquals("6a9fd2d3", Timeline.shortId("6a9fd2d35bdd4ee4ca8fa1ba4497c37653734a2d27183199e186d2fd58954e2a"));
        assertEquals("abc", Timeline.shortId("abc"));
        assertEquals("-", Timeline.shortId(null));
    }

    @Test
    void shouldShowATemplateWithTheIdThatItsCountSeriesCarries() {
        final dev.vigil.schemas.LogTemplate t = dev.vigil.schemas.LogTemplate.newBuilder().setId("07a7d6ec6e124e1b")
                .setHost("web-1").setTime(java.time.Instant.EPOCH).setTemplate("Accepted key for <*>").setCount(3)
                .build();
        assertEquals("TEMPLATE 07a7d6ec6e124e1b host=web-1 seen=3 Accepted key for <*>", Timeline.describe(t));
    }
}
