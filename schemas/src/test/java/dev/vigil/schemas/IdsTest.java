package dev.vigil.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class IdsTest {
    @Test
    void nameBasedIdsNeverChange() {
        // Ids of re-published records must match those published by earlier versions (consumers drop duplicates by id);
        // the expected values come from an independent implementation of the same layout (Python's hashlib and uuid).
        assertEquals("b7dbb1a5-82bc-54db-a36b-2777c05e2a4e",
                Ids.nameBased("web-1", "system.cpu.utilization", "1m", "2026-03-01T00:00:00Z"));
        assertEquals("e9524aed-588b-5291-8eda-aefb43ce8b4a", Ids.nameBased("\u00fc", ""));
        // Parts are length-prefixed: moving a boundary changes the id.
        assertNotEquals(Ids.nameBased("ab", "c"), Ids.nameBased("a", "bc"));
    }

    @Test
    void nameBasedIdsAreTheSameOnEveryThread() throws Exception {
        final List<CompletableFuture<String>> ids = List.of(
                CompletableFuture.supplyAsync(() -> Ids.nameBased("h", "m")),
                CompletableFuture.supplyAsync(() -> Ids.nameBased("h", "m")));
        assertEquals(Ids.nameBased("h", "m"), ids.get(0).get());
        assertEquals(Ids.nameBased("h", "m"), ids.get(1).get());
    }

    @Test
    void timeOrderedIdsSortByTime() {
        final String earlier = Ids.timeOrdered(Instant.parse("2026-01-01T00:00:00Z"));
        final String later = Ids.timeOrdered(Instant.parse("2026-01-01T00:00:01Z"));
        assertEquals(-1, Integer.signum(earlier.compareTo(later)));
        assertEquals('7', earlier.charAt(14));
    }
}
