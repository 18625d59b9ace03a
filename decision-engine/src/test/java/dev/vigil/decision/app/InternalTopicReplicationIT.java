package dev.vigil.decision.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;


import ch.qos.logback.classic.Level;
import dev.vigil.embedded.EmbeddedKafkaCluster;
import dev.vigil.embedded.junit.LogCapture;
import dev.vigil.embedded.junit.TopicReplicas;
import dev.vigil.schemas.security.CommandSignature;
import dev.vigil.schemas.topic.TopicAdmin;
import dev.vigil.schemas.topic.Topics;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a cluster of three brokers with Kafka's defaults (default.replication.factor 1), the engine's changelog and
 * repartition topics are replicated as its input topics are: one broker down must not stop it or lose its state.
 */
class InternalTopicReplicationIT {

    @Test
    void shouldReplicateInternalTopicsAsItsInputTopics(@TempDir final Path dir) throws Exception {
        final Path key = dir.resolve("engine.key");
        CommandSignature.write(CommandSignature.generate(), key);
        try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(dir.resolve("kafka"), 3);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                     cluster.bootstrapServers()))) {
            new TopicAdmin(admin).createOrCheck(Topics.all("rf."), 0);
            final DecisionConfig config = new DecisionConfig(Map.of(
                    DecisionConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                    DecisionConfig.TOPIC_PREFIX_CONFIG, "rf.",
                    DecisionConfig.STATE_DIR_CONFIG, dir.resolve("state").toString(),
                    DecisionConfig.SIGNING_KEY_FILE_CONFIG, key.toString()));
            try (DecisionService engine = DecisionService.start(config)) {
                // Streams creates its internal topics before it is RUNNING, which start() waits for
                TopicReplicas.assertReplicated(admin, "rf.vigil-decision-engine-", 3, 2);
            }
        }
    }

    @Test
    void shouldWarnAtStartOfAnInternalTopicMadeWithOneReplicaBefore(@TempDir final Path dir) throws Exception {
        final Path key = dir.resolve("engine.key");
        CommandSignature.write(CommandSignature.generate(), key);
        try (LogCapture log = new LogCapture(DecisionService.class, Level.WARN);
             EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(dir.resolve("kafka"), 3);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                     cluster.bootstrapServers()))) {
            new TopicAdmin(admin).createOrCheck(Topics.all("old."), 0);
            // as Kafka Streams made it before the engine gave it its input's replication (the brokers' default, 1)
            final String changelog = "old.vigil-decision-engine-host-datasets-changelog";
            admin.createTopics(List.of(new NewTopic(changelog, Topics.ANOMALIES.partitions(), (short) 1)
                    .configs(Map.of("cleanup.policy", "compact")))).all().get();
            TopicReplicas.awaitOnEveryBroker(admin, changelog, Topics.ANOMALIES.partitions());
            final DecisionConfig config = new DecisionConfig(Map.of(
                    DecisionConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                    DecisionConfig.TOPIC_PREFIX_CONFIG, "old.",
                    DecisionConfig.STATE_DIR_CONFIG, dir.resolve("state").toString(),
                    DecisionConfig.SIGNING_KEY_FILE_CONFIG, key.toString()));
            try (DecisionService engine = DecisionService.start(config)) {
                final List<String> warnings = log.messages().stream()
                        .filter(m -> m.contains("internal topics below")).toList();
                assertEquals(1, warnings.size(), warnings.toString());
                assertTrue(warnings.get(0).contains(changelog + ": replication factor 1, below 3: give each partition"
                        + " 3 replicas with kafka-reassign-partitions.sh"), warnings.get(0));
                assertFalse(warnings.get(0).contains("-dataset-state-changelog"), warnings.get(0));
            }
        }
    }
}
