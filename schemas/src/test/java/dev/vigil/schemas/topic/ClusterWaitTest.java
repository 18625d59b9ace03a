package dev.vigil.schemas.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;

class ClusterWaitTest {
    @Test
    void shouldGiveUpAfterTheTimeoutNamingTheServersTheSettingAndThePurposeWhenNothingListens() {
        final Map<String, Object> client = Map.of("bootstrap.servers", "127.0.0.1:1");
        try (Admin admin = Admin.create(client)) {
            // bounded wait, no timing assertion: the admin client alone would retry for 60 s per call
            final KafkaException e = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThrows(
                    KafkaException.class, () -> ClusterWait.await(admin, client, Duration.ofMillis(1500),
                            "startup.timeout.ms", "to check the topics")));
            assertTrue(e.getMessage().startsWith("no answer from the Kafka cluster at 127.0.0.1:1 (bootstrap.servers) "
                    + "within 1500 ms (startup.timeout.ms), waiting to check the topics;"), e.getMessage());
            // no timeout in the chain: the command line would say 'no answer' a second time
            assertNull(e.getCause());
        }
    }

    @Test
    void shouldNameTheServersAsWritten() {
        assertEquals("a:9092,b:9092", ClusterWait.servers(Map.of("bootstrap.servers", List.of("a:9092", "b:9092"))));
        assertEquals("a:9092,b:9092", ClusterWait.servers(Map.of("bootstrap.servers", "a:9092,b:9092")));
    }
}
