package dev.vigil.analyzer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import dev.vigil.embedded.junit.LogCapture;
import dev.vigil.analyzer.app.AnalyzerConfig;
import dev.vigil.analyzer.app.AnalyzerService;
import dev.vigil.embedded.junit.KafkaBrokerExtension;
import dev.vigil.embedded.junit.TestKafka;
import dev.vigil.schemas.topic.TopicAdmin;
import dev.vigil.schemas.topic.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An input topic deleted under a running analyzer stops it with one clear line: Kafka Streams cannot assign the
 * topic's tasks, and replacing the failed thread only failed again at every rebalance, with a stack trace each time,
 * for ever. Stopped, the service exits non-zero and its restart creates the topic again.
 */
@ExtendWith(KafkaBrokerExtension.class)
class InputTopicDeletedIT {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void shouldStopNamingTheMissingTopicWhenAnInputTopicIsDeleted(final TestKafka kafka, @TempDir final Path dir)
            throws Exception {
        try (Admin admin = kafka.admin();
             LogCapture log = new LogCapture(AnalyzerService.class, Level.ERROR)) {
            new TopicAdmin(admin).createOrCheck(Topics.all(kafka.prefix()), 1);
            final AnalyzerConfig config = new AnalyzerConfig(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                    "topic.prefix", kafka.prefix(), AnalyzerConfig.QUERY_ENDPOINT_CONFIG, "",
                    AnalyzerConfig.STATE_DIR_CONFIG, dir.toString(), "kafka.metadata.max.age.ms", "2000",
                    "kafka.session.timeout.ms", "6000"));
            final String metrics = Topics.METRICS.withPrefix(kafka.prefix()).name();
            try (AnalyzerService analyzer = AnalyzerService.start(config)) {
                admin.deleteTopics(List.of(metrics)).all().get();

                final Instant deadline = Instant.now().plus(WAIT);
                while (analyzer.streams().state() != KafkaStreams.State.ERROR && Instant.now().isBefore(deadline)) {
                    Thread.sleep(200);
                }
                assertEquals(KafkaStreams.State.ERROR, analyzer.streams().state(), "still " + analyzer.streams().state()
                        + " " + WAIT + " after " + metrics + " was deleted; logged: " + log.messages());
                assertTrue(log.messages().stream().anyMatch(m -> m.contains("an input topic no longer exists")
                        && m.contains("vigil topics create")),
                        log.messages().toString());
            }
        }
    }
}
