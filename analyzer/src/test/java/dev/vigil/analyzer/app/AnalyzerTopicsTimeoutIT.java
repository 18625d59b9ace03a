package dev.vigil.analyzer.app;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.analyzer.RetriableAnalyzerException;
import dev.vigil.analyzer.TestDirs;
import dev.vigil.embedded.junit.KafkaBrokerExtension;
import dev.vigil.embedded.junit.TestKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Creating or checking the topics at start is bounded by startup.timeout.ms, its tries and pauses included. */
@ExtendWith(KafkaBrokerExtension.class)
class AnalyzerTopicsTimeoutIT {

    @Test
    void shouldGiveUpCreatingTopicsWithinTheStartupTimeoutNamingIt(final TestKafka kafka) throws Exception {
        // Kafka refuses a topic whose name differs from an existing one only by '.' against '_': every try fails
        try (Admin admin = kafka.admin()) {
            admin.createTopics(List.of(new NewTopic(kafka.prefix().replace('.', '_') + "vigil-metrics", 1,
                    (short) 1))).all().get();
        }
        final AnalyzerConfig config = new AnalyzerConfig(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                "topic.prefix", kafka.prefix(), AnalyzerConfig.STARTUP_TIMEOUT_MS_CONFIG, "2000",
                AnalyzerConfig.QUERY_ENDPOINT_CONFIG, "",
                AnalyzerConfig.STATE_DIR_CONFIG, TestDirs.create("analyzer-topics").toString()));
        // a guard against hanging, not a measure: without the fix the start tried 5 times, pausing 10 s in all
        final RetriableAnalyzerException e = assertTimeoutPreemptively(Duration.ofSeconds(45),
                () -> assertThrows(RetriableAnalyzerException.class, () -> AnalyzerService.start(config)));
        assertTrue(e.getMessage().contains("within 2000 ms (startup.timeout.ms)")
                && e.getMessage().contains("collides"), e.getMessage());
    }
}
