package dev.vigil.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A Kafka cluster of several KRaft nodes (each broker and controller) in this JVM, on loopback, with Kafka's own
 * defaults for everything that concerns replication: {@code default.replication.factor} 1, internal topics
 * (offsets, transactions) replicated 3 times (as many as there are nodes, when fewer), as on a cluster nobody tuned. For tests that need what one node cannot
 * show: replication factors, a broker that stops cleanly ({@link #stopNode}) or crashes ({@link #killNode}, on a node
 * moved to a JVM of its own), and starts again ({@link #startNode}). Each node also has a SASL_PLAINTEXT listener (mechanism PLAIN, user
 * {@link #SASL_USER}, password {@link #SASL_PASSWORD}) for tests of client security settings.
 * {@link EmbeddedKafkaBroker} is the one-node broker.
 *
 * <p>Not thread-safe; {@link #close()} is idempotent.
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {
    /** The one user of the SASL listeners. */
    public static final String SASL_USER = "vigil";
    /** Its password. */
    public static final String SASL_PASSWORD = "vigil-secret";
    private static final String CONTROLLER_LISTENER = KraftNodes.CONTROLLER_LISTENER;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final Path dataDir;
    private final int[] ports;
    private final int[] controllerPorts;
    private final int[] saslPorts;
    private final KafkaRaftServer[] servers;
    private final KafkaConfig[] configs;
    private final Process[] children;

    private EmbeddedKafkaCluster(final Path dataDir, final int nodes) {
        this.dataDir = dataDir;
        this.ports = new int[nodes];
        this.controllerPorts = new int[nodes];
        this.saslPorts = new int[nodes];
        this.servers = new KafkaRaftServer[nodes];
        this.configs = new KafkaConfig[nodes];
        this.children = new Process[nodes];
        final List<Integer> taken = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            ports[i] = EmbeddedKafkaBroker.freePort(taken.stream().mapToInt(Integer::intValue).toArray());
            taken.add(ports[i]);
            controllerPorts[i] = EmbeddedKafkaBroker.freePort(taken.stream().mapToInt(Integer::intValue).toArray());
            taken.add(controllerPorts[i]);
            saslPorts[i] = EmbeddedKafkaBroker.freePort(taken.stream().mapToInt(Integer::intValue).toArray());
            taken.add(saslPorts[i]);
        }
    }

    /**
     * Formats and starts the nodes, and waits until every broker has registered.
     *
     * @param dataDir where each node's log and metadata live ({@code node1}, {@code node2}, ...); created if missing
     * @param nodes how many nodes, at least 1
     * @return the running cluster
     */
    public static EmbeddedKafkaCluster start(final Path dataDir, final int nodes) {
        final EmbeddedKafkaCluster cluster = new EmbeddedKafkaCluster(dataDir.toAbsolutePath(), nodes);
        final String clusterId = Uuid.randomUuid().toString();
        try {
            for (int node = 1; node <= nodes; node++) {
                final KafkaConfig config = KafkaConfig.fromProps(cluster.properties(node), false);
                KraftNodes.format(cluster.dataDir.resolve("node" + node), node, clusterId, config);
                cluster.configs[node - 1] = config;
                cluster.servers[node - 1] = new KafkaRaftServer(config, Time.SYSTEM);
            }
            // together: a node's start-up returns once the controllers have a leader, which takes a majority of them
            final List<CompletableFuture<Void>> started = new ArrayList<>();
            for (final KafkaRaftServer server : cluster.servers) {
                started.add(CompletableFuture.runAsync(server::startup));
            }
            CompletableFuture.allOf(started.toArray(CompletableFuture[]::new))
                    .get(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            KraftNodes.awaitBrokers(cluster.bootstrapServers(), nodes, READY_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cluster.close();
            throw new IllegalStateException("interrupted while starting the cluster", e);
        } catch (ExecutionException | TimeoutException e) {
            cluster.close();
            throw new IllegalStateException("embedded Kafka cluster did not start within " + READY_TIMEOUT.toSeconds()
                    + " s: " + e, e);
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** @return every node's {@code 127.0.0.1:PORT}, joined by commas, for {@code bootstrap.servers} */
    public String bootstrapServers() {
        return IntStream.of(ports).mapToObj(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    /** @return every node's SASL_PLAINTEXT listener, {@code 127.0.0.1:PORT}, joined by commas */
    public String saslBootstrapServers() {
        return IntStream.of(saslPorts).mapToObj(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    private Properties properties(final int node) {
        final String voters = IntStream.range(0, ports.length)
                .mapToObj(i -> (i + 1) + "@127.0.0.1:" + controllerPorts[i]).collect(Collectors.joining(","));
        final Path dir = dataDir.resolve("node" + node);
        final Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(node));
        props.put("controller.quorum.voters", voters);
        final String clients = "PLAINTEXT://127.0.0.1:" + ports[node - 1] + ",SASL_PLAINTEXT://127.0.0.1:"
                + saslPorts[node - 1];
        props.put("listeners", clients + "," + CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPorts[node - 1]);
        props.put("advertised.listeners", clients);
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,"
                + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("sasl.enabled.mechanisms", "PLAIN");
        props.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", "org.apache.kafka.common.security.plain."
                + "PlainLoginModule required username=\"" + SASL_USER + "\" password=\"" + SASL_PASSWORD + "\" user_"
                + SASL_USER + "=\"" + SASL_PASSWORD + "\";");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", dir.resolve("log").toString());
        props.put("metadata.log.dir", dir.resolve("metadata").toString());
        // fewer partitions of the internal topics than Kafka's 50: they are created at the first group or transaction
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.num.partitions", "5");
        if (servers.length < 3) {
            // Kafka's 3 replicas cannot be placed on fewer nodes: no group or transaction would ever work there
            props.put("offsets.topic.replication.factor", Integer.toString(servers.length));
            props.put("transaction.state.log.replication.factor", Integer.toString(servers.length));
            props.put("transaction.state.log.min.isr", "1");
        }
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "false");
        props.put("num.network.threads", "2");
        props.put("num.io.threads", "2");
        props.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
        return props;
    }

    /**
     * Stops one node cleanly and waits for it, as an operator's restart or a failed machine would take it away; the
     * others go on (two of three keep the controllers' majority). The cluster still lists it, fenced.
     *
     * @param node 1 to the number of nodes
     */
    public void stopNode(final int node) {
        final KafkaRaftServer server = servers[node - 1];
        servers[node - 1] = null;
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
        }
    }

    /**
     * Starts a node {@link #stopNode stopped} or {@link #killNode killed} before again, on its data and ports, as a
     * restart of a rolling upgrade would, and waits until every broker of the cluster is registered and unfenced.
     *
     * @param node 1 to the number of nodes; one that runs is left as it is
     */
    public void startNode(final int node) {
        if (servers[node - 1] == null && children[node - 1] == null) {
            servers[node - 1] = new KafkaRaftServer(configs[node - 1], Time.SYSTEM);
            servers[node - 1].startup();
        }
        KraftNodes.awaitBrokers(bootstrapServers(), servers.length, READY_TIMEOUT);
    }

    /**
     * Moves a node into a JVM of its own ({@link KraftNodeProcess}), so that {@link #killNode} can end it as a crash
     * would: stops it here cleanly, starts it there on the same data and ports, waits until every broker is unfenced,
     * and gives each partition back to its preferred leader (the clean stop had moved its leaders away).
     *
     * @param node 1 to the number of nodes
     */
    public void moveToChildProcess(final int node) {
        stopNode(node);
        final Path dir = dataDir.resolve("node" + node);
        try {
            final Path file = dir.resolve("server.properties");
            try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                properties(node).store(out, "node " + node + " of an EmbeddedKafkaCluster");
            }
            final String java = ProcessHandle.current().info().command().orElse("java");
            children[node - 1] = new ProcessBuilder(java, "-Xmx384m", "-cp", System.getProperty("java.class.path"),
                    KraftNodeProcess.class.getName(), file.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("node.log").toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node " + node + " in a child process", e);
        }
        KraftNodes.awaitBrokers(bootstrapServers(), servers.length, READY_TIMEOUT);
        KraftNodes.electPreferredLeaders(bootstrapServers(), READY_TIMEOUT);
    }

    /**
     * Kills a node {@link #moveToChildProcess moved to a child process} with SIGKILL and waits until its process is
     * gone: the cluster learns it only when the node's heartbeats stop ({@code broker.session.timeout.ms}, 9 s).
     *
     * @param node 1 to the number of nodes
     * @throws IllegalStateException when the node does not run in a child process
     */
    public void killNode(final int node) {
        final Process child = children[node - 1];
        if (child == null) {
            throw new IllegalStateException("node " + node + " runs in this JVM: moveToChildProcess(" + node
                    + ") first");
        }
        children[node - 1] = null;
        try {
            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while killing node " + node, e);
        }
    }

    /** Stops every node and waits for them; the data directories stay. */
    @Override
    public void close() {
        // all at once: a node stopping on its own waits for a controller majority that the others took with them
        final List<CompletableFuture<Void>> stopped = new ArrayList<>();
        for (int i = 0; i < servers.length; i++) {
            final KafkaRaftServer server = servers[i];
            servers[i] = null;
            if (server != null) {
                stopped.add(CompletableFuture.runAsync(() -> {
                    server.shutdown();
                    server.awaitShutdown();
                }));
            }
        }
        for (int i = 0; i < children.length; i++) {
            final Process child = children[i];
            children[i] = null;
            if (child != null) {
                child.destroy(); // SIGTERM: its shutdown hook stops the node cleanly
                stopped.add(CompletableFuture.runAsync(() -> {
                    try {
                        if (!child.waitFor(60, TimeUnit.SECONDS)) {
                            child.destroyForcibly();
                        }
                    } catch (InterruptedException e) {
                        child.destroyForcibly();
                        Thread.currentThread().interrupt();
                    }
                }));
            }
        }
        CompletableFuture.allOf(stopped.toArray(CompletableFuture[]::new)).join();
    }
}
