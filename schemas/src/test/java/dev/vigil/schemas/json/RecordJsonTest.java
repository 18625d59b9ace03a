package dev.vigil.schemas.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.schemas.FileActivity;
import dev.vigil.schemas.HostEvent;
import dev.vigil.schemas.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordJsonTest {

    @Test
    void shouldRoundTripARecordWithNestedUnionsEnumsAndTimestamps() {
        final HostEvent event = HostEvent.newBuilder().setId("e1").setHost("h1")
                .setTime(Instant.parse("2026-01-02T03:04:05.678Z")).setKind("file.activity")
                .setSeverity(Severity.WARN).setDataset("ds").setAttributes(Map.of("k", "v"))
                .setFileActivity(FileActivity.newBuilder().setDataset("ds")
                        .setIntervalStart(Instant.ofEpochMilli(0)).setIntervalEnd(Instant.ofEpochMilli(10_000))
                        .setDeleted(3).setWriteEntropy(7.9).setDeletedPaths(List.of("a b", "ü\nx")).build())
                .build();
        final String json = RecordJson.write(event);
        assertTrue(json.contains("\"time\":\"2026-01-02T03:04:05.678Z\""), json);
        assertTrue(json.contains("\"writeEntropy\":7.9"), json);
        assertEquals(event, RecordJson.read(json, HostEvent.class));
    }

    @Test
    void shouldFillDefaultsAndAcceptLowerCaseEnums() {
        final HostEvent event = RecordJson.read(
                "{\"id\":\"1\",\"host\":\"h\",\"time\":1000,\"kind\":\"disk.error\",\"severity\":\"error\"}",
                HostEvent.class);
        assertEquals(Severity.ERROR, event.getSeverity());
        assertEquals("", event.getMessage());
        assertNull(event.getFileActivity());
        assertEquals(Instant.ofEpochMilli(1000), event.getTime());
    }

    @Test
    void shouldNameTheFieldThatIsWrong() {
        final IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> RecordJson.read(
                "{\"id\":\"1\",\"host\":\"h\",\"time\":1,\"kind\":\"x\",\"sevrity\":\"INFO\"}", HostEvent.class));
        assertTrue(unknown.getMessage().startsWith("HostEvent.sevrity: unknown field"), unknown.getMessage());
        final IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> RecordJson.read("{\"id\":\"1\",\"time\":1,\"kind\":\"x\"}", HostEvent.class));
        assertEquals("HostEvent.host: missing", missing.getMessage());
        final IllegalArgumentException badTime = assertThrows(IllegalArgumentException.class, () -> RecordJson.read(
                "{\"id\":\"1\",\"host\":\"h\",\"time\":\"yesterday\",\"kind\":\"x\"}", HostEvent.class));
        assertTrue(badTime.getMessage().startsWith("HostEvent.time: expected an ISO-8601 instant"));
    }
}
