package dev.vigil.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/** What the one-node broker and the cluster do alike to a KRaft node: format its storage, wait for its brokers. */
final class KraftNodes {
    /** The controllers' listener name. */
    static final String CONTROLLER_LISTENER = "CONTROLLER";

    private KraftNodes() {
    }

    /**
     * Formats a node's storage, as {@code kafka-storage.sh format} does; a node formatted before is left as it is.
     *
     * @param dir the node's directory, holding {@code log} and {@code metadata}
     * @param nodeId its node.id
     * @param clusterId the cluster's id, the same on every node
     * @param config its configuration
     */
    static void format(final Path dir, final int nodeId, final String clusterId, final KafkaConfig config) {
        final Path metadataDir = dir.resolve("metadata");
        if (Files.exists(metadataDir.resolve(MetaPropertiesEnsemble.META_PROPERTIES_NAME))) {
            return;
        }
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            Files.createDirectories(dir);
            new Formatter()
                    .setPrintStream(new PrintStream(out, true, StandardCharsets.UTF_8))
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setNodeId(nodeId)
                    .setClusterId(clusterId)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setMetadataLogDirectory(config.metadataLogDir())
                    .addDirectory(dir.resolve("log").toString())
                    .addDirectory(metadataDir.toString())
                    .run();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        } catch (Exception e) {
            throw new IllegalStateException("formatting Kafka storage in " + dir + " failed: " + e.getMessage()
                    + "\n" + out.toString(StandardCharsets.UTF_8), e);
        }
    }

    /**
     * Waits until the cluster answers metadata requests and lists this many brokers.
     *
     * @param servers bootstrap.servers
     * @param brokers how many must have registered
     * @param timeout how long to wait
     * @throws IllegalStateException when they have not within it, or when interrupted
     */
    static void awaitBrokers(final String servers, final int brokers, final Duration timeout) {
        final Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        final long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(props)) {
            Exception last = null;
            while (true) {
                try {
                    if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() >= brokers) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    last = e; // not up yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("embedded Kafka on " + servers + ": not " + brokers
                            + " broker(s) registered within " + timeout.toSeconds() + " s", last);
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the brokers on " + servers, e);
        }
    }

    /**
     * Gives each partition back to its preferred leader (its first replica), as the brokers do by themselves every 5
     * minutes ({@code auto.leader.rebalance.enable}); a replica that has just started leads once it has caught up.
     *
     * @param servers bootstrap.servers
     * @param timeout how long to wait
     * @throws IllegalStateException when some partition is not led by its first replica within it, or when interrupted
     */
    static void electPreferredLeaders(final String servers, final Duration timeout) {
        final Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        final long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(props)) {
            while (true) {
                final Set<TopicPartition> moved = new HashSet<>();
                try {
                    final Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names()
                            .get();
                    admin.describeTopics(topics).allTopicNames().get().forEach((name, topic) ->
                            topic.partitions().forEach(p -> {
                                if (p.leader() == null || p.leader().id() != p.replicas().get(0).id()) {
                                    moved.add(new TopicPartition(name, p.partition()));
                                }
                            }));
                    if (moved.isEmpty()) {
                        return;
                    }
                    // per partition: not yet (the replica catches up) or not needed; the next look tells
                    admin.electLeaders(ElectionType.PREFERRED, moved).partitions().get();
                } catch (ExecutionException e) {
                    // metadata moving under us: the next look tells
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("embedded Kafka on " + servers + ": partitions not back on their "
                            + "preferred leaders within " + timeout.toSeconds() + " s: " + moved);
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while electing the preferred leaders on " + servers, e);
        }
    }
}
