package dev.vigil.decision.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.vigil.embedded.EmbeddedKafkaCluster;
import dev.vigil.schemas.security.CommandSignature;
import dev.vigil.schemas.topic.TopicAdmin;
import dev.vigil.schemas.topic.Topics;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
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
                final List<String> internal = admin.listTopics().names().get().stream()
                        .filter(name -> name.startsWith("rf.vigil-decision-engine-")).sorted().toList();
                assertFalse(internal.isEmpty(), "no internal topics of the engine");
                final Map<String, TopicDescription> described = admin.describeTopics(internal).allTopicNames().get();
                for (final String name : internal) {
                    assertEquals(3, described.get(name).partitions().get(0).replicas().size(), name);
                }
                admin.describeConfigs(internal.stream().map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n))
                        .toList()).all().get().forEach((resource, topicConfig) -> assertEquals("2",
                        topicConfig.get("min.insync.replicas").value(), resource.name()));
            }
        }
    }
}
