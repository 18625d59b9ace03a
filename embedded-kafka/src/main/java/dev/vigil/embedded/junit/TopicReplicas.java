package dev.vigil.embedded.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;

/** Checks of topics' replication on a cluster of several brokers ({@code EmbeddedKafkaCluster}), for tests. */
public final class TopicReplicas {
    private TopicReplicas() {
    }

    /**
     * Asserts that the topics whose names start with a prefix exist, each with this many replicas and this
     * {@code min.insync.replicas}.
     *
     * @param admin a client of the cluster
     * @param namePrefix e.g. an application id and a dash, for a Kafka Streams application's internal topics
     * @param replicas replicas of each partition
     * @param minInsync the topics' min.insync.replicas
     * @throws Exception when the cluster cannot be asked
     */
    public static void assertReplicated(final Admin admin, final String namePrefix, final int replicas,
                                        final int minInsync) throws Exception {
        final List<String> topics = admin.listTopics().names().get().stream()
                .filter(name -> name.startsWith(namePrefix)).sorted().toList();
        assertFalse(topics.isEmpty(), "no topics named " + namePrefix + "*");
        final Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get();
        for (final String name : topics) {
            assertEquals(replicas, described.get(name).partitions().get(0).replicas().size(), name);
        }
        admin.describeConfigs(topics.stream().map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList())
                .all().get().forEach((resource, config) -> assertEquals(Integer.toString(minInsync),
                        config.get("min.insync.replicas").value(), resource.name()));
    }

    /**
     * Waits until every broker holds its replicas of a topic just created. A created topic reaches each broker's
     * metadata a moment after the controller accepted it (half a second on a busy machine): until then a check of
     * the topics could miss it. Each broker creates its replicas' logs once it has the topic.
     *
     * @param admin a client of the cluster
     * @param topic the topic
     * @param partitions its partitions (with one replica each: the replicas to wait for)
     * @throws Exception when the cluster cannot be asked, or interrupted; an assertion error after 30 s
     */
    public static void awaitOnEveryBroker(final Admin admin, final String topic, final int partitions)
            throws Exception {
        final List<Integer> brokers = admin.describeCluster().nodes().get().stream().map(Node::id).toList();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (admin.describeLogDirs(brokers).allDescriptions().get().values().stream()
                .flatMap(dirs -> dirs.values().stream()).flatMap(dir -> dir.replicaInfos().keySet().stream())
                .filter(partition -> partition.topic().equals(topic)).count() < partitions) {
            assertTrue(System.nanoTime() < deadline, topic + " not on every broker within 30 s");
            Thread.sleep(100);
        }
    }
}
