package dev.vigil.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import dev.vigil.backup.app.WorkerConfig;
import dev.vigil.backup.app.WorkerService;
import dev.vigil.backup.worker.HostPartition;
import dev.vigil.decision.app.DecisionConfig;
import dev.vigil.decision.app.DecisionService;
import dev.vigil.embedded.EmbeddedKafkaCluster;
import dev.vigil.embedded.junit.LogCapture;
import dev.vigil.schemas.Action;
import dev.vigil.schemas.BackupCommand;
import dev.vigil.schemas.BackupResult;
import dev.vigil.schemas.CommandStatus;
import dev.vigil.schemas.Criticality;
import dev.vigil.schemas.DatasetSpec;
import dev.vigil.schemas.security.CommandSignature;
import dev.vigil.schemas.topic.BrokerWatch;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.TopicAdmin;
import dev.vigil.schemas.topic.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decision engine and a worker on a cluster of three brokers, one of which stops while a command is on its way:
 * the broker that leads the worker's partition of {@code vigil-commands}. The engine goes on deciding, the worker runs
 * each command once and its results reach {@code vigil-results}, without a restart of either; {@code vigil status}
 * names the broker that is down.
 */
class BrokerStopIT {
    private static final String HOST = "web-1";
    private static final String PREFIX = "stop.";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final List<String> DATASETS = List.of("before", "during", "after");
    /**
     * The names the services that watch the brokers give themselves in their log lines: not the worker, one per host,
     * whose requests to list the brokers would grow with the fleet.
     */
    private static final List<String> SERVICES = List.of("decision engine " + PREFIX + "vigil-decision-engine");

    @Test
    void shouldDecideAndRunEachCommandOnceWhenTheLeaderOfTheCommandsStops(@TempDir final Path dir) throws Exception {
        try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(dir.resolve("kafka"), 3);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                     cluster.bootstrapServers()))) {
            // as `vigil topics create` makes them: 3 replicas, min.insync.replicas 2
            new TopicAdmin(admin).createOrCheck(Topics.all(PREFIX), 0);
            final Path key = dir.resolve("engine.key");
            CommandSignature.write(CommandSignature.generate(), key);
            try (LogCapture log = new LogCapture(BrokerWatch.class, Level.INFO);
                 WorkerService worker = WorkerService.start(new WorkerConfig(worker(cluster, dir, key)));
                 DecisionService engine = DecisionService.start(new DecisionConfig(engine(cluster, dir, key)));
                 KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                         AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()),
                         new StringSerializer(), new ByteArraySerializer())) {
                register(producer, dir, "before");
                await(cluster, Topics.RESULTS, r -> succeeded(r, "before"));

                // the leader of the worker's partition restarts (a rolling upgrade: a clean stop), then dies (SIGKILL)
                // while the next dataset's first FULL is on its way
                final String commands = Topics.COMMANDS.withPrefix(PREFIX).name();
                final int leader = admin.describeTopics(List.of(commands)).allTopicNames().get().get(commands)
                        .partitions().get(HostPartition.of(HOST, Topics.COMMANDS.partitions())).leader().id();
                cluster.moveToChildProcess(leader);
                register(producer, dir, "during");
                cluster.killNode(leader);
                await(cluster, Topics.RESULTS, r -> succeeded(r, "during"));
                register(producer, dir, "after");
                final List<BackupResult> results = await(cluster, Topics.RESULTS, r -> succeeded(r, "after"));
                // once the cluster has fenced it (broker.session.timeout.ms after the kill), each service says so
                awaitFenced(admin, leader);
                for (final String service : SERVICES) {
                    awaitLast(log, service, ": broker " + leader + " of 3 down (fenced) since ");
                }
                final StringWriter out = new StringWriter();
                final int code = Vigil.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(out))
                        .execute("status", "--bootstrap-server", cluster.bootstrapServers(), "--config",
                                Files.writeString(dir.resolve("status.properties"), "topic.prefix=" + PREFIX)
                                        .toString());
                assertEquals(1, code, out.toString());
                assertTrue(out.toString().startsWith("Vigil NEEDS ATTENTION: broker " + leader + " of 3 down"),
                        out.toString());

                cluster.startNode(leader);
                for (final String service : SERVICES) {
                    awaitLast(log, service, ": all 3 brokers up again, after ");
                    // one line when it is found down, one when it is back: the restart may have been too short to see
                    final List<String> lines = lines(log, service);
                    assertTrue(lines.size() == 2 || lines.size() == 4, lines.toString());
                    for (int i = 0; i < lines.size(); i++) {
                        assertTrue(lines.get(i).contains(i % 2 == 0 ? ": broker " + leader + " of 3 down (fenced) "
                                : ": all 3 brokers up again, after "), lines.toString());
                    }
                }

                // each command once: one FULL per dataset, each run once (the ledger) and answered once
                final List<BackupCommand> fulls = await(cluster, Topics.COMMANDS, c -> true).stream()
                        .filter(c -> c.getAction() == Action.FULL).toList();
                assertEquals(DATASETS, fulls.stream().map(BackupCommand::getDataset)
                        .sorted(Comparator.comparing(DATASETS::indexOf)).toList(), fulls.toString());
                final Map<String, Long> started = Files.readAllLines(dir.resolve("worker/ledger.jsonl")).stream()
                        .filter(line -> line.contains("\"STARTED\"")).collect(Collectors.groupingBy(
                                line -> line.replaceAll(".*\"commandId\":\"([^\"]+)\".*", "$1"),
                                Collectors.counting()));
                final Map<String, Long> succeeded = results.stream().filter(r -> r.getStatus()
                        == CommandStatus.SUCCEEDED).collect(Collectors.groupingBy(BackupResult::getCommandId,
                        Collectors.counting()));
                for (final BackupCommand full : fulls) {
                    assertEquals(1L, started.get(full.getId()), full.getDataset() + " started: " + started);
                    assertEquals(1L, succeeded.get(full.getId()), full.getDataset() + " succeeded: " + results);
                }
                assertEquals(null, worker.failure());
            }
        }
    }

    /** Waits until the cluster has fenced a broker: {@code broker.session.timeout.ms} after its death. */
    private static void awaitFenced(final Admin admin, final int broker) throws Exception {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        while (admin.describeCluster(new DescribeClusterOptions().includeFencedBrokers(true)).nodes().get().stream()
                .noneMatch(n -> n.id() == broker && n.isFenced())) {
            assertTrue(System.nanoTime() < deadline, "broker " + broker + " not fenced within " + WAIT);
            Thread.sleep(200);
        }
    }

    /** @return what the service's watch said of the brokers */
    private static List<String> lines(final LogCapture log, final String service) {
        return log.messages().stream().filter(m -> m.startsWith(service + ": ")
                && (m.contains(" down (fenced) since ") || m.contains(" up again"))).toList();
    }

    private static void awaitLast(final LogCapture log, final String service, final String text) {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        while (lines(log, service).isEmpty() || !lines(log, service).get(lines(log, service).size() - 1)
                .contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(service + " did not say '" + text + "' last within " + WAIT + ": "
                        + log.messages());
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static boolean succeeded(final BackupResult r, final String dataset) {
        return r.getDataset().equals(dataset) && r.getAction() == Action.FULL
                && r.getStatus() == CommandStatus.SUCCEEDED;
    }

    private static Map<String, String> worker(final EmbeddedKafkaCluster cluster, final Path dir, final Path key)
            throws Exception {
        final Path password = Files.writeString(dir.resolve("password"), "broker-stop-test\n");
        Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-------"));
        final Map<String, String> m = new HashMap<>();
        m.put("bootstrap.servers", cluster.bootstrapServers());
        m.put("topic.prefix", PREFIX);
        m.put("host.name", HOST);
        m.put(WorkerConfig.DATASETS_CONFIG, String.join(",", DATASETS));
        for (final String id : DATASETS) {
            final Path data = Files.createDirectories(dir.resolve("data").resolve(id));
            for (int i = 0; i < 20; i++) {
                Files.writeString(data.resolve("file-" + i + ".txt"), id + " " + i + "\n".repeat(i));
            }
            m.put("dataset." + id + ".path", data.toString());
            m.put("dataset." + id + ".repository", dir.resolve("repo").resolve(id).toString());
            m.put("dataset." + id + ".password.file", password.toString());
        }
        m.put(WorkerConfig.STATE_DIR_CONFIG, dir.resolve("worker").toString());
        m.put(WorkerConfig.PUBLIC_KEY_CONFIG, CommandSignature.publicFileFor(key).toString());
        m.put(WorkerConfig.FSYNC_CONFIG, "false");
        return m;
    }

    private static Map<String, Object> engine(final EmbeddedKafkaCluster cluster, final Path dir, final Path key) {
        final Map<String, Object> m = new HashMap<>();
        m.put(DecisionConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        m.put(DecisionConfig.TOPIC_PREFIX_CONFIG, PREFIX);
        m.put(DecisionConfig.STATE_DIR_CONFIG, dir.resolve("engine").toString());
        m.put(DecisionConfig.SIGNING_KEY_FILE_CONFIG, key.toString());
        m.put(DecisionConfig.TICK_INTERVAL_CONFIG, "500ms");
        m.put(DecisionConfig.MODEL_KIND_CONFIG, "tree"); // the policy decides here: no network to train
        return m;
    }

    /** Registers a dataset of the worker's host, as {@code vigil datasets add} does. */
    private static void register(final KafkaProducer<String, byte[]> producer, final Path dir, final String id)
            throws Exception {
        final Topic<String, DatasetSpec> topic = Topics.DATASETS.withPrefix(PREFIX);
        final DatasetSpec spec = DatasetSpec.newBuilder().setId(id).setHost(HOST).setTime(Instant.now())
                .setPath(dir.resolve("data").resolve(id).toString()).setCriticality(Criticality.HIGH)
                .setRepository(dir.resolve("repo").resolve(id).toString()).build();
        producer.send(new ProducerRecord<>(topic.name(), id, topic.valueSerde().serializer().serialize(topic.name(),
                spec))).get();
    }

    /**
     * Reads a topic from its beginning (read_committed) until a record matches, then on to the topic's end as it is
     * then.
     *
     * @return every record read
     */
    private static <V> List<V> await(final EmbeddedKafkaCluster cluster, final Topic<String, V> topic,
                                     final Predicate<V> want) {
        final Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        final String name = topic.withPrefix(PREFIX).name();
        final List<V> seen = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            final List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < topic.partitions(); p++) {
                partitions.add(new TopicPartition(name, p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final long deadline = System.nanoTime() + WAIT.toNanos();
            final Map<TopicPartition, Long> end = new HashMap<>(); // once a record matched
            while (end.isEmpty() || partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("nothing awaited on " + name + " within " + WAIT + "; saw " + seen);
                }
                for (final ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    final V value = topic.valueSerde().deserializer().deserialize(name, r.value());
                    seen.add(value);
                    if (end.isEmpty() && want.test(value)) {
                        end.putAll(consumer.endOffsets(partitions));
                    }
                }
            }
        }
        return seen;
    }
}
