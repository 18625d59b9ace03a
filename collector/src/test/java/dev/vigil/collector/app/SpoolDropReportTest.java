package dev.vigil.collector.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import dev.vigil.collector.delivery.RecordKind;
import dev.vigil.collector.delivery.Sender;
import dev.vigil.collector.delivery.Spool;
import dev.vigil.embedded.junit.LogCapture;
import dev.vigil.schemas.HostEvent;
import dev.vigil.schemas.topic.Topics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolDropReportTest {
    @TempDir
    Path dir;

    @Test
    void shouldReportDroppedMetricsAsAnEventWhenKafkaStaysAway() throws Exception {
        final Map<String, Object> s = Map.of(
                "bootstrap.servers", "127.0.0.1:1",
                "host.name", "h",
                "state.dir", dir.toString(),
                "events.http.port", "-1",
                "files.registry.enabled", "false",
                "metrics.interval.ms", "100",
                "spool.max.bytes", "65536",
                "spool.segment.bytes", "4096");
        final long deadline = System.nanoTime() + 60_000_000_000L;
        try (LogCapture log = new LogCapture(Sender.class, Level.WARN);
             CollectorService service = CollectorService.start(new CollectorConfig(s))) {
            while (System.nanoTime() < deadline && (service.spool().pending(RecordKind.EVENT) < 2
                    || log.messages().isEmpty())) {
                Thread.sleep(100);
            }
            assertTrue(service.spool().bytes() <= 65536);
            // where it looked, said once: an agent started without its bootstrap servers tries 127.0.0.1:9092
            assertTrue(log.messages().size() == 1 && log.messages().get(0).startsWith("Kafka at 127.0.0.1:1 "),
                    log.messages().toString());
        }
        final List<HostEvent> events = new ArrayList<>();
        try (Spool spool = Spool.open(dir.resolve("spool"), 65536, 4096)) {
            final Spool.Batch batch = spool.take(RecordKind.EVENT, 1000);
            batch.entries().forEach(e -> events.add(Topics.EVENTS.valueSerde().deserializer()
                    .deserialize("t", e.value())));
        }
        assertTrue(events.stream().anyMatch(e -> e.getKind().equals("agent.start")), events.toString());
        final HostEvent drop = events.stream().filter(e -> e.getKind().equals("spool.dropped")).findFirst()
                .orElseThrow(() -> new AssertionError("no spool.dropped event: " + events));
        assertTrue(Long.parseLong(drop.getAttributes().get("dropped.metric")) > 0, drop.toString());
        assertTrue(!drop.getAttributes().containsKey("dropped.event"));
    }
}
