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
import dev.vigil.schemas.Feedback;
import dev.vigil.schemas.Figures;
import dev.vigil.schemas.Outcome;
import dev.vigil.schemas.Verdict;
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
        try (Run run = new Run(kafka, dir, "6h")) {
            final DecisionRecord proposal = run.treeDeleted();
            assertTrue(proposal.getReason().startsWith(run.deleted.size() + " files deleted"), proposal.getReason());

            run.goesOnDeciding();
        }
    }

    /**
     * The list of the restore is held by its retry and the retry's proposal (and the write-off kept for a late report)
     * at once: a dataset's state is one changelog record of at most {@link Topics#LARGE_RECORD_BYTES}, and one the
     * changelog refuses stops the stream thread, and its replacement, each time the tick writes it off again.
     */
    @Test
    void shouldGoOnDecidingWhenTheRestoreOfATreeIsWrittenOffAndProposedAgain(final TestKafka kafka,
            @TempDir final Path dir) throws Exception {
        try (Run run = new Run(kafka, dir, "1s")) {
            final DecisionRecord proposal = run.treeDeleted();
            run.send(Topics.FEEDBACK, "d1", Feedback.newBuilder().setId("f1").setHost("h1").setTime(Instant.now())
                    .setDecisionId(proposal.getId()).setDataset("d1").setVerdict(Verdict.APPROVE).setOperator("it")
                    .build());
            run.commands.await("RESTORE", r -> COMMANDS.deserialize("c", r.value()).getAction() == Action.RESTORE,
                    WAIT);

            // the worker never answers: written off a minute after command.ttl (Ledger's grace), retried as a proposal
            run.audit.await("the write-off of the RESTORE", r -> r.value().getOutcome() == Outcome.RESULT
                    && r.value().getAction() == Action.RESTORE && r.value().getReason().contains("no result from the "
                    + "worker"), WAIT.plusMinutes(1));
            run.audit.await("the retry's proposal", r -> r.value().getOutcome() == Outcome.PROPOSED
                    && r.value().getReason().startsWith("retry 1 of RESTORE"), WAIT);

            run.goesOnDeciding();
        }
    }

    /** The engine on the test broker, with a dataset d1 on h1 backed up once (200,000 files), and taps. */
    private static final class Run implements AutoCloseable {
        final String prefix;
        final DecisionService service;
        final KafkaProducer<String, byte[]> producer;
        final TopicTap<byte[]> commands;
        final TopicTap<DecisionRecord> audit;
        final List<String> deleted = new ArrayList<>();

        Run(final TestKafka kafka, final Path dir, final String commandTtl) throws Exception {
            prefix = kafka.prefix();
            final Map<String, Object> config = EngineOnBroker.settings(kafka, dir);
            config.put(DecisionConfig.APPLICATION_ID_CONFIG, prefix + "engine");
            config.put(DecisionConfig.TICK_INTERVAL_CONFIG, "500ms");
            config.put(DecisionConfig.COMMAND_TTL_CONFIG, commandTtl);
            config.put("kafka.commit.interval.ms", "100");
            final Properties producerProps = new Properties();
            producerProps.putAll(kafka.clientConfig());
            producerProps.put("max.request.size", Topics.LARGE_RECORD_BYTES);
            service = DecisionService.start(new DecisionConfig(config));
            producer = new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer());
            commands = new TopicTap<>(kafka.clientConfig(), Topics.COMMANDS.withPrefix(prefix).name(),
                    new ByteArrayDeserializer());
            audit = new TopicTap<>(kafka.clientConfig(), Topics.DECISIONS.withPrefix(prefix).name(),
                    Topics.DECISIONS.valueSerde().deserializer());
            send(Topics.DATASETS, "d1", dataset("d1", "h1", Instant.now()).build());
            final BackupCommand full = COMMANDS.deserialize("c", commands.await("FULL", r -> COMMANDS.deserialize("c",
                    r.value()).getAction() == Action.FULL, WAIT).value());
            send(Topics.RESULTS, "d1", result("d1", "h1", full.getId(), Action.FULL, CommandStatus.SUCCEEDED,
                    Instant.now()).setFigures(Figures.newBuilder().setFilesNew(200_000).setBytesTotal(10_000_000_000L)
                    .setBytesAdded(1).setDurationMs(1).build()).build());
            audit.await("RESULT of the FULL", r -> r.value().getOutcome() == Outcome.RESULT, WAIT);
        }

        /** A directory tree removed: the collector lists as many paths as its event takes (4 MiB). */
        DecisionRecord treeDeleted() throws Exception {
            for (long bytes = 0; bytes < (4 << 20) - 4096; ) {
                final String path = "projects/archive/2025/q" + deleted.size() % 4 + "/report-"
                        + String.format("%07d", deleted.size()) + ".pdf";
                deleted.add(path);
                bytes += path.length() + 3;
            }
            send(Topics.EVENTS, "h1", event("h1", "file.activity", activity("d1", Instant.now())
                    .setDeleted(deleted.size()).setDeletedPaths(deleted).build(), Instant.now()));
            return audit.await("RESTORE proposal", r -> r.value().getOutcome() == Outcome.PROPOSED
                    && r.value().getAction() == Action.RESTORE, WAIT).value();
        }

        /** A dataset registered on the host gets its first FULL. */
        void goesOnDeciding() throws Exception {
            send(Topics.DATASETS, "d2", dataset("d2", "h1", Instant.now()).build());
            commands.await("d2's FULL", r -> "d2".equals(COMMANDS.deserialize("c", r.value()).getDataset()), WAIT);
        }

        <V extends SpecificRecord> void send(final Topic<String, V> topic, final String key, final V value)
                throws Exception {
            final String name = topic.withPrefix(prefix).name();
            producer.send(new ProducerRecord<>(name, key, topic.valueSerde().serializer().serialize(name, value)))
                    .get();
        }

        @Override
        public void close() {
            audit.close();
            commands.close();
            producer.close();
            service.close();
        }
    }
}
