package dev.vigil.schemas.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.embedded.EmbeddedKafkaCluster;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Topics created while one broker of three is down: a rolling restart, or a machine being repaired. */
class TopicAdminBrokerDownIT {

    @Test
    void shouldRefuseToCreateTopicsWithFewerReplicasWhileABrokerIsDownButStillCheckExistingOnes(
            @TempDir final Path dir) throws Exception {
        try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(dir, 3);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                     cluster.bootstrapServers()))) {
            final TopicAdmin topics = new TopicAdmin(admin);
            final List<Topic<?, ?>> before = List.of(Topics.METRICS.withPrefix("down."));
            assertEquals(3, topics.createOrCheck(before, 0).get(0).replicationFactor());

            cluster.stopNode(3);
            final KafkaException e = assertThrows(KafkaException.class,
                    () -> topics.createOrCheck(Topics.all("down."), 0));
            assertTrue(e.getMessage().contains("cannot create " + (Topics.ALL.size() - 1) + " topics with 3 replicas: "
                    + "broker 3 of the 3 is down (fenced)"), e.getMessage());
            assertEquals(List.of("down.vigil-metrics"), admin.listTopics().names().get().stream()
                    .filter(t -> t.startsWith("down.")).toList());
            // what exists is still checked, against the cluster's three
            assertEquals(TopicAdmin.Status.OK, topics.createOrCheck(before, 0).get(0).status());
            // an explicit factor is the operator's choice
            assertEquals(2, topics.createOrCheck(List.of(Topics.LOGS.withPrefix("down.")), 2).get(0)
                    .replicationFactor());
        }
    }
}
