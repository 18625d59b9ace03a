package dev.vigil.collector.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RecordIdsTest {
    private static final FileIdentity FILE = new FileIdentity(2049, 1234);

    @Test
    void shouldRepeatTheIdOfTheSameRecordAndChangeItWithAnyPart() {
        final String id = RecordIds.of("h", FILE, 0, 100, "line");
        assertEquals(id, RecordIds.of("h", FILE, 0, 100, "line"));
        assertEquals(8, UUID.fromString(id).version());
        final Set<String> others = Set.of(RecordIds.of("h2", FILE, 0, 100, "line"),
                RecordIds.of("h", new FileIdentity(2049, 1235), 0, 100, "line"),
                RecordIds.of("h", new FileIdentity(2050, 1234), 0, 100, "line"),
                RecordIds.of("h", FILE, 1, 100, "line"), RecordIds.of("h", FILE, 0, 101, "line"),
                RecordIds.of("h", FILE, 0, 100, "linf"));
        assertEquals(6, others.size());
        assertNotEquals(true, others.contains(id));
    }

    @Test
    void shouldNotCollideOverManyRecordsOfOneFile() {
        final Set<String> ids = new HashSet<>();
        for (int i = 0; i < 200_000; i++) {
            ids.add(RecordIds.of("h", FILE, 0, i * 20L, "same text"));
        }
        assertEquals(200_000, ids.size());
    }
}
