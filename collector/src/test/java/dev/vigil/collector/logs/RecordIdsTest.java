package dev.vigil.collector.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RecordIdsTest {
    private static final FileIdentity FILE = new FileIdentity(2049, 1234);
    private final RecordIds ids = new RecordIds();

    @Test
    void shouldKeepTheIdsOfEarlierVersions() {
        // Values of the first multiply-xorshift version: a record re-read after an upgrade keeps its id.
        assertEquals("873c395c-0abb-80dd-85b0-fa2bc9962c2b", ids.of("h", FILE, 0, 100, "line"));
        assertEquals("f4b7803d-1e3c-8922-be4b-f99084d2a605", ids.of("bench-host", new FileIdentity(66306,
                9876543210L), 3, 1L << 40, "2026-11-25T22:00:00.123 ERROR caf\u00e9 \u65e5\u672c \uD83D\uDE00 done"));
        assertEquals("36d014b4-e883-8f00-abcd-f26698894307", ids.of("", FILE, 0, 0, ""));
        assertEquals(ids.of("h", FILE, 0, 0, "x".repeat(1000)), new RecordIds().of("h", FILE, 0, 0, "x".repeat(1000)));
        assertEquals("873c395c-0abb-80dd-85b0-fa2bc9962c2b", ids.of("h", FILE, 0, 100, "line"), "after a long one");
    }

    @Test
    void shouldRepeatTheIdOfTheSameRecordAndChangeItWithAnyPart() {
        final String id = ids.of("h", FILE, 0, 100, "line");
        assertEquals(id, ids.of("h", FILE, 0, 100, "line"));
        assertEquals(8, UUID.fromString(id).version());
        final Set<String> others = Set.of(ids.of("h2", FILE, 0, 100, "line"),
                ids.of("h", new FileIdentity(2049, 1235), 0, 100, "line"),
                ids.of("h", new FileIdentity(2050, 1234), 0, 100, "line"),
                ids.of("h", FILE, 1, 100, "line"), ids.of("h", FILE, 0, 101, "line"),
                ids.of("h", FILE, 0, 100, "linf"));
        assertEquals(6, others.size());
        assertNotEquals(true, others.contains(id));
    }

    @Test
    void shouldNotCollideOverManyRecordsOfOneFile() {
        final Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200_000; i++) {
            seen.add(ids.of("h", FILE, 0, i * 20L, "same text"));
        }
        assertEquals(200_000, seen.size());
    }
}
