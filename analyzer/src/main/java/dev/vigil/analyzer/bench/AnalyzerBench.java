package dev.vigil.analyzer.bench;

import dev.vigil.analyzer.AnalyzerException;
import dev.vigil.analyzer.app.AnalyzerConfig;
import dev.vigil.analyzer.app.AnalyzerService;
import dev.vigil.schemas.Anomaly;
import dev.vigil.schemas.AnomalyPhase;
import dev.vigil.schemas.MetricSample;
import dev.vigil.schemas.serde.AvroSerde;
import dev.vigil.schemas.serde.SchemaTopic;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.io.PrintStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;

/**
 * Measures the analyzer against baselines in the same run, on the same records: a plain consumer,
 * a pass-through Kafka Streams application (exactly-once, deserialize and re-serialize only), and
 * the full analyzer topology (exactly-once); then the latency from publishing a spike to its
 * OPEN anomaly at a fixed rate, with the analyzer warmed by the first phase.
 */
public final class AnalyzerBench {
    private static final Duration POLL = Duration.ofMillis(200);
    private static final long HISTORY_STEP_MILLIS = 10_000;
    private static final int PARTITIONS = 6;

    private final String bootstrap;
    private final Path work;
    private final Options options;
    private final PrintStream progress;
    private final String prefix = "bench-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    private final Map<String, Object> client;

    /**
     * @param records records in the throughput phases
     * @param hosts hosts in the fleet (ten series each)
     * @param rate records per second in the latency phase
     * @param latencySeconds length of the latency phase
     * @param threads stream threads of both Streams applications
     * @param timeout longest wait for one phase
     * @param settings analyzer settings for the analyzer under test
     */
    public record Options(long records, int hosts, int rate, int latencySeconds, int threads, Duration timeout,
                          Map<String, String> settings) {
    }

    /**
     * @param recordsPerSecond throughput of each contender, by name
     * @param ratios ratios between them
     * @param latency latency phase figures
     * @param loadBefore 1-minute load average before
     * @param loadAfter and after
     * @param jitSeconds time the JIT compilers spent during each throughput phase (this JVM: broker and clients
     *     too; empty when the JVM does not tell), for reading a short run: in one JVM with the broker they can take
     *     half of a 2-core machine
     */
    public record Result(Map<String, Double> recordsPerSecond, Map<String, Double> ratios, Map<String, Object> latency,
                         double loadBefore, double loadAfter, Map<String, Double> jitSeconds) {
    }

    /**
     * @param bootstrap the cluster
     * @param options what to run
     * @param work where the Streams apps keep their state (the caller removes it)
     * @param progress where to report progress
     */
    public AnalyzerBench(final String bootstrap, final Options options, final Path work, final PrintStream progress) {
        this.bootstrap = bootstrap;
        this.work = work;
        this.options = options;
        this.progress = progress;
        this.client = Map.of("bootstrap.servers", bootstrap);
    }

    /**
     * @return the figures
     * @throws Exception when a phase fails
     */
    public Result run() throws Exception {
        final double loadBefore = load();
        final Topic<String, MetricSample> metrics = Topics.METRICS.withPrefix(prefix);
        try (Admin admin = Admin.create(client)) {
            AnalyzerService.createOrCheck(admin, Topics.all(prefix), 1);
            admin.createTopics(List.of(new NewTopic(prefix + "passthrough", PARTITIONS, (short) 1))).all().get();
            awaitLeaders(admin);
        }
        SchemaTopic.install(client, prefix);
        final MetricLoad load = new MetricLoad(options.hosts(), 42);
        progress.printf("bench: producing %d records of %d series to %s%n", options.records(), load.seriesCount(),
                metrics.name());
        produceHistory(metrics, load);
        final Map<String, Double> rates = new HashMap<>();
        final Map<String, Double> jit = new HashMap<>();
        long compiled = compileMillis();
        rates.put("consumer", consume(metrics.name()));
        compiled = jitSince(jit, "consumer", compiled);
        progress.printf("bench: plain consumer %.0f records/s%n", rates.get("consumer"));
        rates.put("passthrough", passThrough(metrics));
        compiled = jitSince(jit, "passthrough", compiled);
        progress.printf("bench: pass-through Streams app (exactly-once) %.0f records/s%n", rates.get("passthrough"));
        final Path state = Files.createDirectories(work.resolve("analyzer"));
        final Map<String, Object> settings = new HashMap<>(options.settings());
        settings.put("bootstrap.servers", bootstrap);
        settings.put(AnalyzerConfig.TOPIC_PREFIX_CONFIG, prefix);
        settings.put(AnalyzerConfig.STATE_DIR_CONFIG, state.toString());
        settings.put(AnalyzerConfig.STREAM_THREADS_CONFIG, options.threads());
        settings.put(AnalyzerConfig.QUERY_ENDPOINT_CONFIG, "");
        final AnalyzerConfig config = new AnalyzerConfig(settings);
        final Map<String, Object> latency;
        try (AnalyzerService analyzer = AnalyzerService.start(config)) {
            rates.put("analyzer", awaitConsumed(config.applicationId(), metrics.name(), System.nanoTime()));
            jitSince(jit, "analyzer", compiled);
            progress.printf("bench: analyzer topology (exactly-once) %.0f records/s%n", rates.get("analyzer"));
            latency = latency(metrics, load, config.applicationId());
        }
        final Map<String, Double> ratios = new HashMap<>();
        ratios.put("analyzer/passthrough", rates.get("analyzer") / rates.get("passthrough"));
        ratios.put("analyzer/consumer", rates.get("analyzer") / rates.get("consumer"));
        ratios.put("passthrough/consumer", rates.get("passthrough") / rates.get("consumer"));
        return new Result(rates, ratios, latency, loadBefore, load(), jit);
    }

    /** @return milliseconds the JIT compilers have spent so far, or -1 when the JVM does not tell */
    private static long compileMillis() {
        final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
    }

    /** Puts the compile time since {@code before} under {@code phase} (when known); @return the time now */
    private static long jitSince(final Map<String, Double> jit, final String phase, final long before) {
        final long now = compileMillis();
        if (before >= 0 && now >= 0) {
            jit.put(phase, (now - before) / 1000.0);
        }
        return now;
    }

    /**
     * Waits until every partition of the new topics has a leader: a produce request that meets a
     * partition still being loaded gets NOT_LEADER, and its retry with other requests in flight can
     * leave an idempotent producer stuck on OUT_OF_ORDER_SEQUENCE_NUMBER (seen for the schema topic).
     */
    private void awaitLeaders(final Admin admin) throws Exception {
        final List<String> names = admin.listTopics().names().get().stream().filter(n -> n.startsWith(prefix)).toList();
        final long deadline = System.nanoTime() + options.timeout().toNanos();
        while (true) {
            final boolean ready = admin.describeTopics(names).allTopicNames().get().values().stream()
                    .allMatch(t -> t.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
            if (ready) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AnalyzerException("bench: topics " + names + " have no leader after " + options.timeout());
            }
            Thread.sleep(100);
        }
    }

    private Map<String, Object> producerConfig() {
        final Map<String, Object> props = new HashMap<>(client);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return props;
    }

    private void produceHistory(final Topic<String, MetricSample> topic, final MetricLoad load) {
        final long points = Math.max(1, options.records() / load.seriesCount());
        final long start = System.currentTimeMillis() - points * HISTORY_STEP_MILLIS;
        long sent = 0;
        // One request in flight: a batch refused right after topic creation (NOT_LEADER) and retried
        // with others in flight can leave the idempotent producer stuck on OUT_OF_ORDER_SEQUENCE_NUMBER.
        final Map<String, Object> props = producerConfig();
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        try (KafkaProducer<String, MetricSample> producer = new KafkaProducer<>(props,
                new StringSerializer(), topic.valueSerde().serializer())) {
            for (long p = 0; sent < options.records(); p++) {
                final Instant time = Instant.ofEpochMilli(start + p * HISTORY_STEP_MILLIS);
                for (int s = 0; s < load.seriesCount() && sent < options.records(); s++, sent++) {
                    final MetricSample m = load.sample(s, time, false);
                    producer.send(new ProducerRecord<>(topic.name(), null, time.toEpochMilli(), m.getHost(), m));
                }
            }
            producer.flush();
        }
    }

    private double consume(final String topic) {
        final Map<String, Object> props = new HashMap<>(client);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            final List<TopicPartition> partitions = partitions(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final long t0 = System.nanoTime();
            long count = 0;
            final long deadline = t0 + options.timeout().toNanos();
            while (count < options.records() && System.nanoTime() < deadline) {
                count += consumer.poll(POLL).count();
            }
            return count / seconds(t0);
        }
    }

    private static List<TopicPartition> partitions(final KafkaConsumer<?, ?> consumer, final String topic) {
        return consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    private double passThrough(final Topic<String, MetricSample> metrics) throws Exception {
        final AvroSerde<MetricSample> serde = AvroSerde.of(MetricSample.class);
        final Topology topology = new Topology();
        topology.addSource("source", Serdes.String().deserializer(), serde.deserializer(), metrics.name());
        topology.addSink("sink", prefix + "passthrough", Serdes.String().serializer(), serde.serializer(), "source");
        final Properties props = new Properties();
        props.putAll(client);
        final String id = prefix + "passthrough";
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, id);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, options.threads());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createDirectories(work.resolve("passthrough")).toString());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaStreams streams = new KafkaStreams(topology, props)) {
            final CountDownLatch running = new CountDownLatch(1);
            streams.setStateListener((now, before) -> {
                if (now == KafkaStreams.State.RUNNING) {
                    running.countDown();
                }
            });
            streams.start();
            if (!running.await(options.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AnalyzerException("bench: the pass-through app did not start");
            }
            return awaitConsumed(id, metrics.name(), System.nanoTime());
        }
    }

    /** Waits until the group committed the whole topic; records per second since t0. */
    private double awaitConsumed(final String group, final String topic, final long t0) throws Exception {
        try (Admin admin = Admin.create(client)) {
            final Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            final long end = admin.listOffsets(latest).all().get().values().stream().mapToLong(o -> o.offset()).sum();
            final long deadline = t0 + options.timeout().toNanos();
            long committed = 0;
            while (System.nanoTime() < deadline) {
                final Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get();
                committed = offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                        .mapToLong(e -> e.getValue().offset()).sum();
                if (committed >= end) {
                    break;
                }
                Thread.sleep(100);
            }
            if (committed < end) {
                progress.printf("bench: %s consumed only %d of %d records in %s%n", group, committed, end,
                        options.timeout());
            }
            return committed / seconds(t0);
        }
    }

    private Map<String, Object> latency(final Topic<String, MetricSample> metrics, final MetricLoad load,
                                        final String group) throws Exception {
        progress.printf("bench: latency at %d records/s for %d s%n", options.rate(), options.latencySeconds());
        final Map<String, Long> spikes = new ConcurrentHashMap<>();
        final List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        final Topic<String, Anomaly> anomalies = Topics.ANOMALIES.withPrefix(prefix);
        final Map<String, Object> props = new HashMap<>(client);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        final long[] produced = new long[1];
        try (KafkaConsumer<String, Anomaly> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                anomalies.valueSerde().deserializer())) {
            final List<TopicPartition> partitions = partitions(consumer, anomalies.name());
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            final Thread producer = new Thread(() -> produced[0] = produceAtRate(metrics, load, spikes), "bench-load");
            producer.start();
            final long stopAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.latencySeconds() + 15L);
            while (System.nanoTime() < stopAt) {
                for (final ConsumerRecord<String, Anomaly> r : consumer.poll(POLL)) {
                    final long received = System.currentTimeMillis();
                    final Anomaly a = r.value();
                    final Long sent = a.getPhase() == AnomalyPhase.OPEN
                            ? spikes.get(a.getHost() + "|" + a.getSeries() + "|" + a.getTime().toEpochMilli()) : null;
                    if (sent != null) {
                        latencies.add(received - sent);
                    }
                }
            }
            producer.join();
        }
        final long lag = lag(group, metrics.name());
        final List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        final Map<String, Object> out = new HashMap<>();
        out.put("rate", options.rate());
        out.put("records", produced[0]);
        out.put("spikes", spikes.size());
        out.put("spikesDetected", sorted.size());
        out.put("p50Millis", percentile(sorted, 0.50));
        out.put("p99Millis", percentile(sorted, 0.99));
        out.put("maxMillis", sorted.isEmpty() ? -1 : sorted.get(sorted.size() - 1));
        out.put("lagAfter15s", lag);
        return out;
    }

    private long produceAtRate(final Topic<String, MetricSample> metrics, final MetricLoad load,
                               final Map<String, Long> spikes) {
        final Random random = new Random(7);
        final long total = (long) options.rate() * options.latencySeconds();
        final long t0 = System.nanoTime();
        long sent = 0;
        int series = 0;
        try (KafkaProducer<String, MetricSample> producer = new KafkaProducer<>(producerConfig(),
                new StringSerializer(), metrics.valueSerde().serializer())) {
            while (sent < total) {
                final long due = (System.nanoTime() - t0) * options.rate() / 1_000_000_000L;
                for (; sent < Math.min(due, total); sent++) {
                    final int s = series;
                    series = (series + 1) % load.seriesCount();
                    final long now = System.currentTimeMillis();
                    // about one spike per series every few seconds, never two in a row
                    final boolean spike = random.nextInt(4000) == 0;
                    final MetricSample m = load.sample(s, Instant.ofEpochMilli(now), spike);
                    if (spike) {
                        spikes.put(m.getHost() + "|" + MetricLoad.series(s) + "|" + now, now);
                    }
                    producer.send(new ProducerRecord<>(metrics.name(), null, now, m.getHost(), m));
                }
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return sent;
    }

    private long lag(final String group, final String topic) throws Exception {
        try (Admin admin = Admin.create(client)) {
            final Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            final long end = admin.listOffsets(latest).all().get().values().stream().mapToLong(o -> o.offset()).sum();
            final long committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                    .entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
            return end - committed;
        }
    }

    private static long percentile(final List<Long> sorted, final double q) {
        if (sorted.isEmpty()) {
            return -1;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }

    private static double seconds(final long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double load() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (Exception e) {
            return -1;
        }
    }
}
