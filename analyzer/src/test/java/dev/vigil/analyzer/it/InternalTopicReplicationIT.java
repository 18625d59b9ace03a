package dev.vigil.analyzer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.vigil.analyzer.app.AnalyzerConfig;
import dev.vigil.analyzer.app.AnalyzerService;
import dev.vigil.embedded.EmbeddedKafkaCluster;
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
 * On a cluster of three brokers with Kafka's defaults (default.replication.factor 1), the analyzer's changelog and
 * repartition topics are replicated as its input topics are: one broker down must not stop it or lose its state.
 */
class InternalTopicReplicationIT {

    @Test
    void shouldReplicateInternalTopicsAsItsInputTopics(@TempDir final Path dir) throws Exception {
        try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(dir.resolve("kafka"), 3);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                     cluster.bootstrapServers()))) {
            new TopicAdmin(admin).createOrCheck(Topics.all("rf."), 0);
            final AnalyzerConfig config = new AnalyzerConfig(Map.of("bootstrap.servers", cluster.bootstrapServers(),
                    "topic.prefix", "rf.", AnalyzerConfig.QUERY_ENDPOINT_CONFIG, "",
                    AnalyzerConfig.STATE_DIR_CONFIG, dir.resolve("state").toString()));
            try (AnalyzerService analyzer = AnalyzerService.start(config)) {
                // Streams creates its internal topics before it is RUNNING, which start() waits for
                final List<String> internal = admin.listTopics().names().get().stream()
                        .filter(name -> name.startsWith(config.applicationId() + "-")).sorted().toList();
                assertFalse(internal.isEmpty(), "no internal topics of " + config.applicationId());
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
