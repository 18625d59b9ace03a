package dev.vigil.analyzer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import dev.vigil.embedded.junit.LogCapture;
import dev.vigil.analyzer.app.AnalyzerConfig;
import dev.vigil.analyzer.app.AnalyzerService;
import dev.vigil.embedded.EmbeddedKafkaCluster;
import dev.vigil.embedded.junit.TopicReplicas;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.TopicAdmin;
import dev.vigil.schemas.topic.Topics;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a cluster of three brokers with Kafka's defaults (default.replication.factor 1), the analyzer's changelog and
 * repartition topics are replicated as its input topics are: one broker down must not stop it or lose its state.
 */
class InternalTopicReplicationIT {
    @TempDir
    static Path dir;
    private static EmbeddedKafkaCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = EmbeddedKafkaCluster.start(dir.resolve("kafka"), 3);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()));
    }

    private static AnalyzerConfig config(final String prefix) {
        return new AnalyzerConfig(Map.of("bootstrap.servers", cluster.bootstrapServers(),
                "topic.prefix", prefix, AnalyzerConfig.QUERY_ENDPOINT_CONFIG, "",
                AnalyzerConfig.STATE_DIR_CONFIG, dir.resolve("state-" + prefix).toString()));
    }

    @Test
    void shouldReplicateInternalTopicsAsItsInputTopics() throws Exception {
        try (Admin admin = admin()) {
            new TopicAdmin(admin).createOrCheck(Topics.all("rf."), 0);
            final AnalyzerConfig config = config("rf.");
            try (AnalyzerService analyzer = AnalyzerService.start(config)) {
                // Streams creates its internal topics before it is RUNNING, which start() waits for
                TopicReplicas.assertReplicated(admin, config.applicationId() + "-", 3, 2);
            }
        }
    }

    @Test
    void shouldWarnAtStartOfAnInternalTopicMadeWithOneReplicaBefore() throws Exception {
        try (Admin admin = admin(); LogCapture log = new LogCapture(AnalyzerService.class, Level.WARN)) {
            new TopicAdmin(admin).createOrCheck(Topics.all("old."), 0);
            final AnalyzerConfig config = config("old.");
            // as Kafka Streams made it before the analyzer gave it its input's replication (the brokers' default, 1)
            final String changelog = config.applicationId() + "-series-store-changelog";
            final Topic<?, ?> metrics = Topics.METRICS.withPrefix("old.");
            admin.createTopics(List.of(new NewTopic(changelog, metrics.partitions(), (short) 1)
                    .configs(Map.of("cleanup.policy", "compact")))).all().get();
            TopicReplicas.awaitOnEveryBroker(admin, changelog, metrics.partitions());
            try (AnalyzerService analyzer = AnalyzerService.start(config)) {
                final List<String> warnings = log.messages().stream().filter(m -> m.contains("internal topics below"))
                        .toList();
                assertEquals(1, warnings.size(), log.messages().toString());
                assertTrue(warnings.get(0).contains(changelog + ": replication factor 1, below 3: give each partition"
                        + " 3 replicas with kafka-reassign-partitions.sh"), warnings.get(0));
                // the other internal topics were created by Streams with 3 replicas: not named
                assertFalse(warnings.get(0).contains("-history-store-changelog"), warnings.get(0));
            }
        }
    }
}
