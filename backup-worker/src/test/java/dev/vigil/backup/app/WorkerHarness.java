package dev.vigil.backup.app;

import dev.vigil.embedded.junit.TestKafka;
import dev.vigil.schemas.Action;
import dev.vigil.schemas.BackupCommand;
import dev.vigil.schemas.BackupResult;
import dev.vigil.schemas.FileActivity;
import dev.vigil.schemas.HostEvent;
import dev.vigil.schemas.security.CommandSignature;
import dev.vigil.schemas.topic.TopicAdmin;
import dev.vigil.schemas.topic.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
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

/** A worker's surroundings for integration tests: topics, keys, a dataset, signed commands, results. */
final class WorkerHarness implements AutoCloseable {
    static final String HOST = "test-host";
    final TestKafka kafka;
    final Path dir;
    final Path dataset;
    final Path restoreRoot;
    final KeyPair keys = CommandSignature.generate();
    final Path keyFile;
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> results;
    private final List<BackupResult> seen = new ArrayList<>();

    WorkerHarness(final TestKafka kafka, final Path dir) throws Exception {
        this.kafka = kafka;
        this.dir = dir;
        this.dataset = Files.createDirectories(dir.resolve("data"));
        this.restoreRoot = Files.createDirectories(dir.resolve("restores"));
        this.keyFile = dir.resolve("keys/engine.key");
        CommandSignature.write(keys, keyFile);
        dev.vigil.backup.TestRepos.passwordFile(dir.resolve("password"), "worker-test-password");
        try (Admin admin = kafka.admin()) {
            new TopicAdmin(admin).createOrCheck(Topics.all(kafka.prefix()), 1);
        }
        final Map<String, Object> p = new HashMap<>(kafka.clientConfig());
        p.put(org.apache.kafka.clients.producer.ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.LARGE_RECORD_BYTES);
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        final Map<String, Object> c = new HashMap<>(kafka.clientConfig());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        results = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        final String topic = Topics.RESULTS.withPrefix(kafka.prefix()).name();
        final List<TopicPartition> parts = new ArrayList<>();
        for (int i = 0; i < Topics.RESULTS.partitions(); i++) {
            parts.add(new TopicPartition(topic, i));
        }
        results.assign(parts);
        results.seekToBeginning(parts);
    }

    /** @return config lines of a worker serving dataset "ds" */
    Map<String, String> config() {
        final Map<String, String> m = new HashMap<>();
        m.put("bootstrap.servers", kafka.bootstrapServers());
        m.put("topic.prefix", kafka.prefix());
        m.put("host.name", HOST);
        m.put("worker.datasets", "ds");
        m.put("dataset.ds.path", dataset.toString());
        m.put("dataset.ds.repository", dir.resolve("repo").toString());
        m.put("dataset.ds.password.file", dir.resolve("password").toString());
        m.put("worker.state.dir", dir.resolve("state").toString());
        m.put("worker.command.public.key.file", CommandSignature.publicFileFor(keyFile).toString());
        m.put("worker.restore.allowed.roots", restoreRoot.toString());
        m.put("worker.progress.interval.ms", "200");
        m.put("worker.fsync", "false");
        return m;
    }

    /** @return the config written to a file, for child JVMs */
    Path configFile() throws Exception {
        final StringBuilder sb = new StringBuilder();
        config().forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        return Files.writeString(dir.resolve("worker.properties"), sb.toString());
    }

    static BackupCommand.Builder command(final Action action) {
        return BackupCommand.newBuilder().setId(UUID.randomUUID().toString()).setHost(HOST).setTime(Instant.now())
                .setDataset("ds").setAction(action);
    }

    /** Signs with the trusted key and sends; returns the exact bytes sent. */
    byte[] send(final BackupCommand cmd) throws Exception {
        return send(cmd, keys);
    }

    byte[] send(final BackupCommand cmd, final KeyPair signer) throws Exception {
        final String topic = Topics.COMMANDS.withPrefix(kafka.prefix()).name();
        final byte[] value = Topics.COMMANDS.valueSerde().serializer().serialize(topic, cmd);
        sendRaw(cmd.getHost(), value, signer);
        return value;
    }

    void sendRaw(final String key, final byte[] value, final KeyPair signer) throws Exception {
        final String topic = Topics.COMMANDS.withPrefix(kafka.prefix()).name();
        final ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, key, value);
        if (signer != null) {
            CommandSignature.sign(value, signer.getPrivate(), CommandSignature.keyId(signer.getPublic()), r.headers());
        }
        producer.send(r).get();
    }

    /** Publishes the collector's event for one interval of file activity, keyed by host as the collector does. */
    void publish(final FileActivity activity) throws Exception {
        final String topic = Topics.EVENTS.withPrefix(kafka.prefix()).name();
        final HostEvent e = HostEvent.newBuilder().setId(UUID.randomUUID().toString()).setHost(HOST)
                .setTime(activity.getIntervalEnd()).setKind("file.activity").setDataset(activity.getDataset())
                .setFileActivity(activity).build();
        producer.send(new ProducerRecord<>(topic, HOST, Topics.EVENTS.valueSerde().serializer().serialize(topic, e)))
                .get();
    }

    /** Registers a dataset as {@code vigil datasets add} does: the spec keyed by its id on the registry topic. */
    void register(final dev.vigil.schemas.DatasetSpec spec) throws Exception {
        final String topic = Topics.DATASETS.withPrefix(kafka.prefix()).name();
        producer.send(new ProducerRecord<>(topic, spec.getId(), Topics.DATASETS.valueSerde().serializer()
                .serialize(topic, spec))).get();
    }

    /** Waits (bounded) for a result matching the predicate. */
    BackupResult await(final Predicate<BackupResult> want, final Duration timeout) {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (final BackupResult r : seen) {
                if (want.test(r)) {
                    return r;
                }
            }
            for (final ConsumerRecord<String, byte[]> rec : results.poll(Duration.ofMillis(200))) {
                seen.add(Topics.RESULTS.valueSerde().deserializer().deserialize(rec.topic(), rec.value()));
            }
        }
        throw new AssertionError("no matching result within " + timeout + "; saw " + seen);
    }

    /**
     * Waits (bounded) for a record on the dead-letter topic whose reason holds the text.
     *
     * @return the reason
     */
    String awaitDeadLetter(final String reasonPart, final Duration timeout) {
        final String topic = Topics.DEAD_LETTER.withPrefix(kafka.prefix()).name();
        final Map<String, Object> c = new HashMap<>(kafka.clientConfig());
        try (KafkaConsumer<String, byte[]> dl = new KafkaConsumer<>(c, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            final List<TopicPartition> parts = dl.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            dl.assign(parts);
            dl.seekToBeginning(parts);
            final List<String> reasons = new ArrayList<>();
            final long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (final ConsumerRecord<String, byte[]> rec : dl.poll(Duration.ofMillis(200))) {
                    final var h = rec.headers().lastHeader(dev.vigil.schemas.topic.DeadLetter.REASON_HEADER);
                    final String reason = h == null ? "" : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8);
                    if (reason.contains(reasonPart)) {
                        return reason;
                    }
                    reasons.add(reason);
                }
            }
            throw new AssertionError("no dead letter with '" + reasonPart + "' within " + timeout + "; saw " + reasons);
        }
    }

    /** @return every result received so far, after polling briefly */
    List<BackupResult> results(final String commandId) {
        for (int i = 0; i < 5; i++) {
            for (final ConsumerRecord<String, byte[]> rec : results.poll(Duration.ofMillis(200))) {
                seen.add(Topics.RESULTS.valueSerde().deserializer().deserialize(rec.topic(), rec.value()));
            }
        }
        return seen.stream().filter(r -> r.getCommandId().equals(commandId)).toList();
    }

    @Override
    public void close() {
        producer.close();
        results.close();
    }
}
