package dev.vigil.decision.app;

import static dev.vigil.decision.Fixtures.dataset;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.embedded.junit.KafkaBrokerExtension;
import dev.vigil.embedded.junit.TestKafka;
import dev.vigil.schemas.Action;
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

/**
 * The task's backup cap in the running service: its count lives in the task's state store, so an engine that restarts
 * on an empty state directory (another machine taking the partition over) restores it from the changelog and does not
 * start a second wave.
 */
@ExtendWith(KafkaBrokerExtension.class)
class TaskBackupCapIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void shouldDeferBackupsAboveTheTaskCapAndKeepTheCountAcrossARestartOnAnotherStateDirectory(final TestKafka kafka,
            @TempDir final Path dir) throws Exception {
        final String prefix = kafka.prefix();
        final Map<String, Object> config = EngineOnBroker.settings(kafka, dir);
        config.put(DecisionConfig.APPLICATION_ID_CONFIG, prefix + "engine");
        config.put(DecisionConfig.TICK_INTERVAL_CONFIG, "500ms");
        // one host, so that one task holds every dataset (the topics have several partitions); its own cap out of the way
        config.put(DecisionConfig.GUARD_HOST_MAX_IN_FLIGHT_CONFIG, "10");
        config.put(DecisionConfig.GUARD_TASK_MAX_BACKUPS_CONFIG, "2");
        config.put(DecisionConfig.GUARD_TASK_BACKUPS_WINDOW_CONFIG, "1h");
        config.put("kafka.commit.interval.ms", "100");
        final String datasets = Topics.DATASETS.withPrefix(prefix).name();

        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.clientConfig(),
                     new StringSerializer(), new ByteArraySerializer());
             TopicTap<DecisionRecord> audit = new TopicTap<>(kafka.clientConfig(), Topics.DECISIONS.withPrefix(prefix)
                     .name(), Topics.DECISIONS.valueSerde().deserializer())) {
            try (DecisionService service = DecisionService.start(new DecisionConfig(config))) {
                for (int i = 1; i <= 4; i++) {
                    producer.send(new ProducerRecord<>(datasets, "d" + i, Topics.DATASETS.valueSerde().serializer()
                            .serialize(datasets, dataset("d" + i, "h1", Instant.now()).build()))).get();
                }
                // the registry's partitions do not keep the order the datasets were sent in: any two go first
                final String first = deferred(audit, 1).getDataset();
                final String second = deferred(audit, 2).getDataset();
                for (int i = 1; i <= 4; i++) {
                    final String d = "d" + i;
                    if (!d.equals(first) && !d.equals(second)) {
                        audit.await(d + " backed up", r -> d.equals(r.value().getDataset())
                                && r.value().getOutcome() == Outcome.COMMANDED, WAIT);
                    }
                }
            }
            assertEquals(2, audit.seen.stream().filter(r -> r.value().getOutcome() == Outcome.COMMANDED
                    && r.value().getAction() == Action.FULL).count(), "two FULLs of four, the cap");

            // another instance takes the partition over with nothing on its disk: the count comes from the changelog
            config.put(DecisionConfig.STATE_DIR_CONFIG, dir.resolve("state-2").toString());
            try (DecisionService service = DecisionService.start(new DecisionConfig(config))) {
                producer.send(new ProducerRecord<>(datasets, "d5", Topics.DATASETS.valueSerde().serializer()
                        .serialize(datasets, dataset("d5", "h1", Instant.now()).build()))).get();
                assertEquals("d5", deferred(audit, 3).getDataset(), "the new dataset queues last");
            }
            assertEquals(2, audit.seen.stream().filter(r -> r.value().getOutcome() == Outcome.COMMANDED
                    && r.value().getAction() == Action.FULL).count(), "still two FULLs after the restart");
        }
    }

    /** @return the record of the dataset the cap deferred at this place in line */
    private static DecisionRecord deferred(final TopicTap<DecisionRecord> audit, final int place) {
        final String why = "deferred: 2 backups already started by this engine task in the last 1h "
                + "(guard.task.max.backups 2), number " + place + " in line";
        return audit.await("number " + place + " in line", r -> r.value().getOutcome() == Outcome.SUPPRESSED
                && r.value().getReason().contains(why), WAIT).value();
    }
}
