package dev.vigil.decision.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import dev.vigil.embedded.junit.KafkaBrokerExtension;
import dev.vigil.embedded.junit.LogCapture;
import dev.vigil.embedded.junit.TestKafka;
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
 * An input topic deleted under a running engine stops it with one clear line: replacing the failed thread only failed
 * again at every rebalance, with a stack trace each time, for ever, and the engine never exited.
 */
@ExtendWith(KafkaBrokerExtension.class)
class InputTopicDeletedIT {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void shouldStopNamingTheProblemWhenAnInputTopicIsDeleted(final TestKafka kafka, @TempDir final Path dir)
            throws Exception {
        final Map<String, Object> settings = EngineOnBroker.settings(kafka, dir);
        settings.put("kafka.metadata.max.age.ms", "2000");
        settings.put("kafka.session.timeout.ms", "6000");
        final DecisionConfig config = new DecisionConfig(settings);
        try (Admin admin = kafka.admin();
             LogCapture log = new LogCapture(DecisionService.class, Level.ERROR)) {
            final String events = Topics.EVENTS.withPrefix(kafka.prefix()).name();
            try (DecisionService engine = DecisionService.start(config)) {
                admin.deleteTopics(List.of(events)).all().get();

                final Instant deadline = Instant.now().plus(WAIT);
                while (engine.state() != KafkaStreams.State.ERROR && Instant.now().isBefore(deadline)) {
                    Thread.sleep(200);
                }
                assertEquals(KafkaStreams.State.ERROR, engine.state(), "still " + engine.state() + " " + WAIT
                        + " after " + events + " was deleted; logged: " + log.messages());
                assertTrue(log.messages().stream().anyMatch(m -> m.contains("an input topic no longer exists")
                        && m.contains("vigil topics create")), log.messages().toString());
            }
        }
    }
}
