package dev.vigil.decision.app;

import static dev.vigil.decision.Fixtures.activity;
import static dev.vigil.decision.Fixtures.dataset;
import static dev.vigil.decision.Fixtures.event;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.embedded.junit.KafkaBrokerExtension;
import dev.vigil.embedded.junit.TestKafka;
import dev.vigil.schemas.DecisionRecord;
import dev.vigil.schemas.Outcome;
import dev.vigil.schemas.topic.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A host that stops sending telemetry is escalated by the running service, on its wall-clock tick, and cleared. */
@ExtendWith(KafkaBrokerExtension.class)
class HostSilenceIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void shouldEscalateAHostThatWentSilentOnceAndSayWhenItIsHeardAgain(final TestKafka kafka,
            @TempDir final Path dir) throws Exception {
        final String prefix = kafka.prefix();
        final Map<String, Object> config = EngineOnBroker.settings(kafka, dir);
        config.put(DecisionConfig.APPLICATION_ID_CONFIG, prefix + "engine");
        config.put(DecisionConfig.TICK_INTERVAL_CONFIG, "500ms");
        config.put(DecisionConfig.HOST_SILENCE_CONFIG, "3s");
        config.put("kafka.commit.interval.ms", "100");

        try (DecisionService service = DecisionService.start(new DecisionConfig(config));
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.clientConfig(),
                     new StringSerializer(), new ByteArraySerializer());
             TopicTap<DecisionRecord> audit = new TopicTap<>(kafka.clientConfig(), Topics.DECISIONS.withPrefix(prefix)
                     .name(), Topics.DECISIONS.valueSerde().deserializer())) {
            final String datasets = Topics.DATASETS.withPrefix(prefix).name();
            final String events = Topics.EVENTS.withPrefix(prefix).name();
            for (final String[] d : new String[][] {{"d1", "h1"}, {"d2", "h2"}}) {
                producer.send(new ProducerRecord<>(datasets, d[0], Topics.DATASETS.valueSerde().serializer()
                        .serialize(datasets, dataset(d[0], d[1], Instant.now()).build()))).get();
            }
            audit.await("d1 registered (its first FULL)", r -> "d1".equals(r.value().getDataset()), WAIT);
            // h1's collector reports once, then nothing; h2 never had a collector
            producer.send(new ProducerRecord<>(events, "h1", Topics.EVENTS.valueSerde().serializer().serialize(events,
                    event("h1", "file.activity", activity("d1", Instant.now()).build(), Instant.now())))).get();

            final DecisionRecord silent = audit.await("host-silence escalation of d1", r -> r.value().getOutcome()
                    == Outcome.ESCALATED && "host-silence".equals(r.value().getRule()), WAIT).value();
            assertTrue(silent.getReason().contains("host h1 has sent no telemetry"), silent.getReason());

            producer.send(new ProducerRecord<>(events, "h1", Topics.EVENTS.valueSerde().serializer().serialize(events,
                    event("h1", "file.activity", activity("d1", Instant.now()).build(), Instant.now())))).get();
            audit.await("h1 heard again", r -> r.value().getOutcome() == Outcome.NO_ACTION
                    && "host-silence".equals(r.value().getRule()) && "d1".equals(r.value().getDataset()), WAIT);

            assertTrue(audit.seen.stream().noneMatch(r -> "d2".equals(r.value().getDataset())
                    && "host-silence".equals(r.value().getRule())), "a host never heard from is not escalated");
            assertTrue(audit.seen.stream().filter(r -> r.value().getOutcome() == Outcome.ESCALATED
                    && "host-silence".equals(r.value().getRule())).count() == 1, "escalated once");
        }
    }
}
