package dev.vigil.decision.app;

import static dev.vigil.decision.Fixtures.activity;
import static dev.vigil.decision.Fixtures.anomaly;
import static dev.vigil.decision.Fixtures.dataset;
import static dev.vigil.decision.Fixtures.event;
import static dev.vigil.decision.Fixtures.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.decision.state.DatasetState;
import dev.vigil.embedded.junit.KafkaBrokerExtension;
import dev.vigil.embedded.junit.TestKafka;
import dev.vigil.schemas.Action;
import dev.vigil.schemas.BackupCommand;
import dev.vigil.schemas.CommandStatus;
import dev.vigil.schemas.DecisionRecord;
import dev.vigil.schemas.DecisionSource;
import dev.vigil.schemas.Feedback;
import dev.vigil.schemas.Figures;
import dev.vigil.schemas.Outcome;
import dev.vigil.schemas.Verdict;
import dev.vigil.schemas.security.CommandSignature;
import dev.vigil.schemas.serde.AvroSerde;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.TopicAdmin;
import dev.vigil.schemas.topic.Topics;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The demo's flow on a real broker, the test playing the worker and the operator. */
@ExtendWith(KafkaBrokerExtension.class)
class DecisionServiceIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final AvroSerde<BackupCommand> COMMANDS = AvroSerde.of(BackupCommand.class);

    @Test
    void shouldTurnRegistrationAnomalyAndDeletionsIntoSignedCommandsUpdatingStateAndAudit(final TestKafka kafka,
            @TempDir final Path dir) throws Exception {
        final String prefix = kafka.prefix();
        try (Admin admin = kafka.admin()) {
            new TopicAdmin(admin).createOrCheck(Topics.all(prefix), 1);
        }
        final KeyPair keys = CommandSignature.generate();
        final Path key = dir.resolve("engine.key");
        CommandSignature.write(keys, key);
        final Map<String, Object> config = new HashMap<>();
        config.put(DecisionConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(DecisionConfig.TOPIC_PREFIX_CONFIG, prefix);
        config.put(DecisionConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
        config.put(DecisionConfig.SIGNING_KEY_FILE_CONFIG, key.toString());
        config.put(DecisionConfig.TICK_INTERVAL_CONFIG, "500ms");
        config.put(DecisionConfig.GUARD_COOLDOWN_CONFIG, "1ms");
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
                     .name(), Topics.DECISIONS.valueSerde().deserializer());
             TopicTap<byte[]> deadLetters = new TopicTap<>(kafka.clientConfig(), Topics.DEAD_LETTER.withPrefix(prefix)
                     .name(), new ByteArrayDeserializer())) {
            final Publisher publish = new Publisher(producer, prefix);

            // A dataset is registered: its first FULL, promptly, signed.
            publish.to(Topics.DATASETS, "d1", dataset("d1", "h1", Instant.now()).setPath(dir.resolve("data")
                    .toString()).setCriticality(dev.vigil.schemas.Criticality.HIGH).build());
            final BackupCommand full = signed(commands.await("FULL command", r -> is(r, Action.FULL), WAIT), keys);
            assertEquals("h1", full.getHost());
            audit.await("COMMANDED FULL", r -> r.value().getOutcome() == Outcome.COMMANDED
                    && full.getId().equals(r.value().getCommandId()), WAIT);

            // The worker reports: the state records the snapshot.
            publish.to(Topics.RESULTS, "d1", result("d1", "h1", full.getId(), Action.FULL, CommandStatus.ACCEPTED,
                    Instant.now()).build());
            publish.to(Topics.RESULTS, "d1", succeeded(full, "snap-1"));
            audit.await("RESULT of the FULL", r -> r.value().getOutcome() == Outcome.RESULT, WAIT);
            final DatasetState afterFull = awaitState(service, () -> service.datasetState("d1"),
                    s -> s != null && s.hasBackup() && s.inFlight.isEmpty());
            assertEquals(20, afterFull.lastFileCount);
            assertEquals("snap-1", afterFull.snapshots.get(0).id());

            // A metric anomaly on the host: the model decides a backup, with a readable reason and its path.
            publish.to(Topics.ANOMALIES, "h1", anomaly("h1", 0.97, Instant.now()).build());
            final DecisionRecord treeDecision = audit.await("tree decision", r -> r.value().getSource()
                    == DecisionSource.TREE, WAIT).value();
            assertEquals(Outcome.COMMANDED, treeDecision.getOutcome(), treeDecision.getReason());
            assertTrue(treeDecision.getReason().contains("score 0.97"), treeDecision.getReason());
            // model.kind=auto: whichever model decides, the tree's path is in the explanation.
            assertTrue(treeDecision.getExplanation().contains("tree cart-"), treeDecision.getExplanation());
            final BackupCommand backup = signed(commands.await("the tree's command", r -> COMMANDS.deserialize("c",
                    r.value()).getId().equals(treeDecision.getCommandId()), WAIT), keys);
            publish.to(Topics.RESULTS, "d1", succeeded(backup, "snap-2"));
            awaitState(service, () -> service.datasetState("d1"), s -> s.snapshots.size() == 2);

            // File activity no watcher could report goes to the dead-letter topic with its reason, and nothing is
            // decided on it (the deletion below is the only RESTORE proposal).
            publish.to(Topics.EVENTS, "h1", event("h1", "file.activity", activity("d1", Instant.now())
                    .setDeleted(5).setDeletedPaths(List.of("../../etc/passwd", "x1", "x2", "x3", "x4")).build(),
                    Instant.now()));
            deadLetters.await("dead letter of the impossible event", r -> new String(r.headers()
                    .lastHeader(DeadLetters.REASON_HEADER).value(), java.nio.charset.StandardCharsets.UTF_8)
                    .contains("'../../etc/passwd' is not relative"), WAIT);
            // One of 2.5 MB too (past the 1 MiB the dead-letter topic takes): dead-lettered without its bytes, the
            // reason saying where they stay, and the engine goes on (the proposal below). A dead letter the topic
            // refused failed the stream thread at every retry, the partition stuck behind it.
            final List<String> impossible = new java.util.ArrayList<>(List.of("../escape"));
            for (int i = 0; i < 15_000; i++) {
                impossible.add("spool/" + "y".repeat(150) + "/" + i);
            }
            publish.to(Topics.EVENTS, "h1", event("h1", "file.activity", activity("d1", Instant.now())
                    .setDeleted(impossible.size()).setDeletedPaths(impossible).build(), Instant.now()));
            final var large = deadLetters.await("dead letter of the large impossible event", r -> new String(r
                    .headers().lastHeader(DeadLetters.REASON_HEADER).value(), java.nio.charset.StandardCharsets.UTF_8)
                    .contains("'../escape' is not relative"), WAIT);
            assertEquals(null, large.value(), "the event's bytes stay on vigil-events");
            assertTrue(new String(large.headers().lastHeader(DeadLetters.REASON_HEADER).value(),
                    java.nio.charset.StandardCharsets.UTF_8).contains("are not kept here"));

            // Files deleted, many with long names (2.5 MB of paths, past Kafka's default 1 MiB record):
            // a RESTORE proposal of exactly those paths, waiting for an operator.
            final List<String> deleted = new java.util.ArrayList<>(List.of("a.txt", "b.txt", "c.txt", "d/e.txt",
                    "d/f.txt"));
            for (int i = 0; i < 15_000; i++) {
                deleted.add("archive/" + "x".repeat(150) + "/" + i);
            }
            publish.to(Topics.EVENTS, "h1", event("h1", "file.activity", activity("d1", Instant.now())
                    .setDeleted(deleted.size()).setDeletedPaths(deleted).build(), Instant.now()));
            final DecisionRecord proposal = audit.await("RESTORE proposal", r -> r.value().getOutcome()
                    == Outcome.PROPOSED && r.value().getAction() == Action.RESTORE, WAIT).value();
            assertTrue(!proposal.getReason().contains("etc/passwd"), proposal.getReason());

            // The operator approves: a signed RESTORE onto the original location.
            publish.to(Topics.FEEDBACK, "d1", Feedback.newBuilder().setId("f1").setHost("h1").setTime(Instant.now())
                    .setDecisionId(proposal.getId()).setDataset("d1").setVerdict(Verdict.APPROVE).setOperator("it")
                    .build());
            final DecisionRecord approved = audit.await("APPROVED", r -> r.value().getOutcome() == Outcome.APPROVED,
                    WAIT).value();
            assertEquals("f1", approved.getTrigger());
            assertTrue(approved.getReason().contains(proposal.getId()), approved.getReason());
            final BackupCommand restore = signed(commands.await("RESTORE command", r -> is(r, Action.RESTORE), WAIT),
                    keys);
            assertEquals(approved.getCommandId(), restore.getId());
            assertTrue(restore.getOverwrite());
            assertEquals(deleted, restore.getPaths());
            assertTrue(awaitState(service, () -> service.datasetState("d1"), s -> s.proposals.isEmpty())
                    .inFlight.containsKey(restore.getId()));
        }
    }

    private static dev.vigil.schemas.BackupResult succeeded(final BackupCommand command, final String snapshot) {
        return result("d1", "h1", command.getId(), command.getAction(), CommandStatus.SUCCEEDED, Instant.now())
                .setSnapshotId(snapshot).setFigures(Figures.newBuilder().setFilesNew(20).setBytesTotal(2_000_000)
                        .setBytesAdded(2_000_000).setDurationMs(300).build()).build();
    }

    private static boolean is(final ConsumerRecord<String, byte[]> r, final Action action) {
        return COMMANDS.deserialize("c", r.value()).getAction() == action;
    }

    private static BackupCommand signed(final ConsumerRecord<String, byte[]> r, final KeyPair keys) {
        assertTrue(CommandSignature.verify(r.value(), r.headers(), keys.getPublic()), "signature must verify");
        return COMMANDS.deserialize("c", r.value());
    }

    private static <T> T awaitState(final DecisionService service, final Supplier<T> read,
                                    final java.util.function.Predicate<T> done) throws InterruptedException {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        T last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = read.get();
                if (done.test(last)) {
                    return last;
                }
            } catch (org.apache.kafka.streams.errors.InvalidStateStoreException e) {
                // Rebalancing; ask again.
            }
            Thread.sleep(100);
        }
        throw new AssertionError("state never reached the expected shape; last: " + last + " (" + service.state() + ")");
    }

    /** Serializes records with their topic's serde. */
    private record Publisher(KafkaProducer<String, byte[]> producer, String prefix) {
        <V extends SpecificRecord> void to(final Topic<String, V> topic, final String key, final V value)
                throws Exception {
            final String name = topic.withPrefix(prefix).name();
            producer.send(new ProducerRecord<>(name, key, topic.valueSerde().serializer().serialize(name, value)))
                    .get();
        }
    }
}
