package dev.vigil.schemas.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.embedded.EmbeddedKafkaCluster;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Topics on a cluster of three brokers, with Kafka's own defaults (default.replication.factor 1). */
class TopicAdminClusterIT {
    @TempDir
    static Path dir;
    private static EmbeddedKafkaCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = EmbeddedKafkaCluster.start(dir, 3);
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

    @Test
    void shouldCreateTopicsWithThreeReplicasOfWhichTwoMustAcknowledge() throws Exception {
        try (Admin admin = admin()) {
            final List<TopicAdmin.Report> reports = new TopicAdmin(admin).createOrCheck(Topics.all("rf."), 0);
            assertTrue(reports.stream().allMatch(r -> r.status() == TopicAdmin.Status.CREATED
                    && r.replicationFactor() == 3), reports.toString());
            final List<ConfigResource> resources = reports.stream()
                    .map(r -> new ConfigResource(ConfigResource.Type.TOPIC, r.topic())).toList();
            configsWhenVisible(admin, resources).forEach((resource, config) -> assertEquals("2",
                    config.get("min.insync.replicas").value(), resource.name()));
        }
    }

    /**
     * A topic reaches each broker's metadata a moment after it was created, and the broker asked here may be another
     * than the one TopicAdmin asked: until it knows the topics, it answers UnknownTopicOrPartition.
     */
    private static Map<ConfigResource, Config> configsWhenVisible(final Admin admin,
                                                                  final List<ConfigResource> resources)
            throws Exception {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return admin.describeConfigs(resources).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    @Test
    void shouldReportExistingTopicsOfOneReplicaOrOneInsyncReplicaAsMismatchesWithTheCommandThatFixesThem()
            throws Exception {
        final Topic<?, ?> logs = Topics.LOGS.withPrefix("old.");
        final Topic<?, ?> metrics = Topics.METRICS.withPrefix("old.");
        try (Admin admin = admin()) {
            // as made before Vigil replicated them: one replica, and three with the brokers' min.insync.replicas 1
            admin.createTopics(List.of(new NewTopic(logs.name(), logs.partitions(), (short) 1).configs(logs.configs()),
                    new NewTopic(metrics.name(), metrics.partitions(), (short) 3).configs(metrics.configs())))
                    .all().get();
            final Map<String, TopicAdmin.Report> reports = new TopicAdmin(admin).createOrCheck(Topics.all("old."), 0)
                    .stream().collect(java.util.stream.Collectors.toMap(TopicAdmin.Report::topic, r -> r));

            final TopicAdmin.Report one = reports.get(logs.name());
            assertEquals(TopicAdmin.Status.MISMATCH, one.status(), one.toString());
            assertTrue(one.detail().contains("replication factor 1, below 3")
                    && one.detail().contains("kafka-reassign-partitions.sh"), one.detail());
            final TopicAdmin.Report insync = reports.get(metrics.name());
            assertEquals(TopicAdmin.Status.MISMATCH, insync.status(), insync.toString());
            assertEquals("min.insync.replicas 1, below 2: kafka-configs.sh --bootstrap-server B --alter --entity-type"
                    + " topics --entity-name old.vigil-metrics --add-config min.insync.replicas=2", insync.detail());
            // the others were created as they should be
            assertEquals(Topics.all("old.").size() - 2, reports.values().stream()
                    .filter(r -> r.status() == TopicAdmin.Status.CREATED).count(), reports.toString());
        }
    }
}
