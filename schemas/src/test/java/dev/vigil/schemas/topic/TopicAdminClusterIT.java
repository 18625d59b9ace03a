package dev.vigil.schemas.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.embedded.EmbeddedKafkaCluster;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.ConfigResource;
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
            admin.describeConfigs(resources).all().get().forEach((resource, config) -> assertEquals("2",
                    config.get("min.insync.replicas").value(), resource.name()));
        }
    }
}
