package dev.vigil.decision.app;

import static dev.vigil.decision.Fixtures.activity;
import static dev.vigil.decision.Fixtures.dataset;
import static dev.vigil.decision.Fixtures.event;
import static dev.vigil.decision.Fixtures.result;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.embedded.junit.KafkaBrokerExtension;
import dev.vigil.embedded.junit.TestKafka;
import dev.vigil.schemas.Action;
import dev.vigil.schemas.BackupCommand;
import dev.vigil.schemas.CommandStatus;
import dev.vigil.schemas.DecisionRecord;
import dev.vigil.schemas.Figures;
import dev.vigil.schemas.Outcome;
import dev.vigil.schemas.serde.AvroSerde;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tree of files removed at once (an rm -rf, a wiper): the collector lists as many deleted paths as its event takes,
 * and the engine must decide on that event within its transaction, or it is fenced and reads the event again, for
 * ever, deciding nothing more for the hosts of its partition.
 */
@ExtendWith(KafkaBrokerExtension.class)
class MassDeletionIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final AvroSerde<BackupCommand> COMMANDS = AvroSerde.of(BackupCommand.class);

    @Test
    void shouldProposeTheRestoreOfATreeDeletedInOneIntervalAndGoOnDeciding(final TestKafka kafka,
            @TempDir final Path dir) throws Exception {
        final String prefix = kafka.prefix();
        final Map<String, Object> config = EngineOnBroker.settings(kafka, dir);
        config.put(DecisionConfig.APPLICATION_ID_CONFIG, prefix + "engine");
        config.put(DecisionConfig.TICK_INTERVAL_CONFIG, "500ms");
        config.put("kafka.commit.interval.ms", "100");
        final Properties producerProps = new Properties();
        producerProps.putAll(kafka.clientConfig());
        producerProps.put("max.request.size", Topics.LARGE_RECORD_BYTES);

        try (DecisionService service = DecisionService.start(new DecisionConfig(config));
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps, new StringSerializer(),
                     new ByteArraySerializer());
             TopicTap<byte[]> commands = new TopicTap<>(kafka.clientConfig(), Topics.COMMANDS.withPrefix(prefix)
                     .name(), new ByteArrayDeserializer());
             TopicTap<DecisionRecord> audit = new TopicTap<>(kafka.clientConfig(), Topics.DECISIONS.withPrefix(prefix)
                     .name(), Topics.DECISIONS.valueSerde().deserializer())) {
            send(producer, prefix, Topics.DATASETS, "d1", dataset("d1", "h1", Instant.now()).build());
            final BackupCommand full = COMMANDS.deserialize("c", commands.await("FULL", r -> COMMANDS.deserialize("c",
                    r.value()).getAction() == Action.FULL, WAIT).value());
            send(producer, prefix, Topics.RESULTS, "d1", result("d1", "h1", full.getId(), Action.FULL,
                    CommandStatus.SUCCEEDED, Instant.now()).setFigures(Figures.newBuilder().setFilesNew(200_000)
                    .setBytesTotal(10_000_000_000L).setBytesAdded(1).setDurationMs(1).build()).build());
            audit.await("RESULT of the FULL", r -> r.value().getOutcome() == Outcome.RESULT, WAIT);

            // a directory tree removed: the collector lists as many paths as its event takes (4 MiB)
            final List<String> deleted = new ArrayList<>();
            for (long bytes = 0; bytes < (4 << 20) - 4096; ) {
                final String path = "projects/archive/2025/q" + deleted.size() % 4 + "/report-"
                        + String.format("%07d", deleted.size()) + ".pdf";
                deleted.add(path);
                bytes += path.length() + 3;
            }
            send(producer, prefix, Topics.EVENTS, "h1", event("h1", "file.activity", activity("d1", Instant.now())
                    .setDeleted(deleted.size()).setDeletedPaths(deleted).build(), Instant.now()));
            final DecisionRecord proposal = audit.await("RESTORE proposal", r -> r.value().getOutcome()
                    == Outcome.PROPOSED && r.value().getAction() == Action.RESTORE, WAIT).value();
            assertTrue(proposal.getReason().startsWith(deleted.size() + " files deleted"), proposal.getReason());

            // and the engine goes on deciding for the host
            send(producer, prefix, Topics.DATASETS, "d2", dataset("d2", "h1", Instant.now()).build());
            commands.await("d2's FULL", r -> "d2".equals(COMMANDS.deserialize("c", r.value()).getDataset()), WAIT);
        }
    }

    private static <V extends SpecificRecord> void send(final KafkaProducer<String, byte[]> producer,
                                                        final String prefix, final Topic<String, V> topic,
                                                        final String key, final V value) throws Exception {
        final String name = topic.withPrefix(prefix).name();
        producer.send(new ProducerRecord<>(name, key, topic.valueSerde().serializer().serialize(name, value))).get();
    }
}
