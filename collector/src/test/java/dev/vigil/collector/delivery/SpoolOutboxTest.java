package dev.vigil.collector.delivery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.schemas.LogRecord;
import dev.vigil.schemas.Severity;
import dev.vigil.schemas.topic.Topics;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolOutboxTest {
    @TempDir
    Path dir;

    private static List<LogRecord> records() {
        final List<LogRecord> out = new ArrayList<>();
        final Instant t = Instant.parse("2026-11-25T22:00:00.123Z");
        out.add(new LogRecord("id-1", "host-a", t, "/var/log/app.log", "2026-11-25 INFO started", Severity.INFO, 0L,
                Map.of()));
        out.add(new LogRecord("id-2", "h\u00f4te", t.plusMillis(1), "/var/log/\u65e5\u672c.log",
                "caf\u00e9 \uD83D\uDE00 ERROR failed", Severity.ERROR, 24L, Map.of("truncated", "true")));
        out.add(new LogRecord("id-3", "host-a", t, "/var/log/app.log", "x".repeat(70_000), Severity.UNKNOWN,
                1L << 33, Map.of()));
        out.add(new LogRecord("id-4", "host-a", t, "/var/log/app.log", "", Severity.DEBUG, 70_100L, Map.of()));
        return out;
    }

    @Test
    void shouldEncodeLogRecordsExactlyAsTheTopicSerde() {
        final SpoolOutbox.Buffer buffer = new SpoolOutbox.Buffer();
        for (final LogRecord r : records()) {
            assertArrayEquals(Topics.LOGS.valueSerde().serializer().serialize(Topics.LOGS.name(), r),
                    SpoolOutbox.encode(r, buffer), r.getId());
        }
    }

    @Test
    void shouldSpoolEveryLogRecordOnceInOrderWithItsKey() {
        final List<LogRecord> records = records();
        try (Spool spool = Spool.open(dir, 1 << 20, 64 * 1024)) {
            final SpoolOutbox outbox = new SpoolOutbox(spool);
            assertEquals(records.size(), outbox.publishLogs(records));
            assertEquals(true, outbox.publish(records.get(0)));
            final List<LogRecord> read = new ArrayList<>();
            while (true) {
                final Spool.Batch b = spool.take(RecordKind.LOG, 2);
                if (b.isEmpty()) {
                    spool.release(b);
                    break;
                }
                for (final Spool.Entry e : b.entries()) {
                    final LogRecord r = Topics.LOGS.valueSerde().deserializer().deserialize(Topics.LOGS.name(),
                            e.value());
                    assertEquals(r.getHost(), e.key());
                    read.add(r);
                }
                spool.commit(b);
            }
            final List<LogRecord> expected = new ArrayList<>(records);
            expected.add(records.get(0));
            assertEquals(expected, read);
        }
    }
}
