package dev.vigil.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka cluster in KRaft combined mode, in this JVM, on loopback.
 *
 * <p>Start-up does what an operator does by hand: format the data directory (once; a formatted
 * directory is reused, so {@code vigil broker --data DIR} keeps its topics across restarts), then
 * start {@link KafkaRaftServer} with the same properties {@code server.properties} would hold.
 * Defaults suit one node: replication factor 1, transactions and Streams exactly-once enabled.
 *
 * <p>Not thread-safe; {@link #close()} is idempotent.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final int NODE_ID = 1;
    private static final String CONTROLLER_LISTENER = KraftNodes.CONTROLLER_LISTENER;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private final Map<String, String> overrides;
    private KafkaRaftServer server;

    private EmbeddedKafkaBroker(final Path dataDir, final int port, final int controllerPort,
                                final Map<String, String> overrides) {
        this.dataDir = dataDir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.overrides = Map.copyOf(overrides);
    }

    /**
     * Formats (if needed) and starts a broker.
     *
     * @param dataDir where the log and metadata live; created if missing
     * @param port client port on 127.0.0.1, or 0 for a free one
     * @param overrides broker properties that replace the defaults
     * @return the running broker, ready to serve requests
     */
    public static EmbeddedKafkaBroker start(final Path dataDir, final int port,
                                            final Map<String, String> overrides) {
        final int clientPort = port == 0 ? freePort() : port;
        final int controllerPort = freePort(clientPort);
        final EmbeddedKafkaBroker broker =
                new EmbeddedKafkaBroker(dataDir.toAbsolutePath(), clientPort, controllerPort, overrides);
        broker.startServer();
        return broker;
    }

    /**
     * Starts a broker on a free port with default settings.
     *
     * @param dataDir where the log and metadata live
     * @return the running broker
     */
    public static EmbeddedKafkaBroker start(final Path dataDir) {
        return start(dataDir, 0, Map.of());
    }

    /** @return {@code 127.0.0.1:PORT}, for {@code bootstrap.servers} */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /**
     * Starts this broker again after {@link #close()}, on the same data directory, client port and settings, so that
     * clients that lost it find it again at the same {@code bootstrap.servers} (an outage that ends).
     *
     * @return the running broker
     */
    public EmbeddedKafkaBroker restart() {
        return start(dataDir, port, overrides);
    }

    /** @return the data directory */
    public Path dataDir() {
        return dataDir;
    }

    private void startServer() {
        final Properties props = serverProperties();
        final KafkaConfig config = KafkaConfig.fromProps(props, false);
        KraftNodes.format(dataDir, NODE_ID, Uuid.randomUuid().toString(), config);
        LOG.info("Starting embedded Kafka broker on {} with data in {}", bootstrapServers(), dataDir);
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        KraftNodes.awaitBrokers(bootstrapServers(), 1, READY_TIMEOUT);
    }

    private Properties serverProperties() {
        final Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + "," + CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", dataDir.resolve("log").toString());
        props.put("metadata.log.dir", dataDir.resolve("metadata").toString());
        // One node: every internal topic must be satisfiable with a single replica.
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "5");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("default.replication.factor", "1");
        props.put("min.insync.replicas", "1");
        props.put("num.partitions", "3");
        // Consumers in tests and the demo join at once instead of waiting for more members.
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "false");
        props.put("log.segment.bytes", Integer.toString(64 * 1024 * 1024));
        props.put("num.network.threads", "2");
        props.put("num.io.threads", "4");
        props.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
        props.putAll(overrides);
        return props;
    }

    /** Stops the broker and waits for it to finish; the data directory stays. */
    @Override
    public void close() {
        if (server == null) {
            return;
        }
        LOG.info("Stopping embedded Kafka broker on {}", bootstrapServers());
        server.shutdown();
        server.awaitShutdown();
        server = null;
    }

    static int freePort(final int... avoid) {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                final int candidate = socket.getLocalPort();
                boolean clash = false;
                for (final int a : avoid) {
                    clash |= a == candidate;
                }
                if (!clash) {
                    return candidate;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("no free loopback port", e);
            }
        }
        throw new IllegalStateException("no free loopback port after 20 attempts");
    }
}
