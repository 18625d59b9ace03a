package dev.vigil.analyzer.it;

import dev.vigil.analyzer.TestDirs;
import dev.vigil.analyzer.app.AnalyzerConfig;
import dev.vigil.embedded.junit.TestKafka;
import dev.vigil.schemas.MetricSample;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.TopicAdmin;
import dev.vigil.schemas.topic.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/** What the analyzer's integration tests share: settings, input, bounded waits, committed output. */
final class ItSupport {
    /** Generous for a loaded 2-core machine; waits end as soon as their condition holds. */
    static final Duration WAIT = Duration.ofMinutes(3);

    private ItSupport() {
    }

    /**
     * @param kafka the broker
     * @param prefix topic prefix
     * @return analyzer settings for a test: fresh state, query endpoint on a free port, a lighter forest
     */
    static Map<String, Object> settings(final TestKafka kafka, final String prefix) {
        return settings(kafka, prefix, tempDir("analyzer-it-state"));
    }

    /**
     * @param kafka the broker
     * @param prefix topic prefix
     * @param stateDir the state directory (a child JVM gets its parent's, which removes it; one the child
     *                 made itself would outlive its {@code kill -9})
     * @return analyzer settings for a test, as {@link #settings(TestKafka, String)}
     */
    static Map<String, Object> settings(final TestKafka kafka, final String prefix, final Path stateDir) {
        final Map<String, Object> s = new HashMap<>();
        s.put("bootstrap.servers", kafka.bootstrapServers());
        s.put(AnalyzerConfig.TOPIC_PREFIX_CONFIG, prefix);
        s.put(AnalyzerConfig.STATE_DIR_CONFIG, stateDir.toString());
        s.put(AnalyzerConfig.QUERY_ENDPOINT_CONFIG, "127.0.0.1:0");
        s.put(AnalyzerConfig.CLEAN_GRACE_MS_CONFIG, 10_000L);
        s.put(AnalyzerConfig.DETECTOR_WARMUP_POINTS_CONFIG, 32);
        s.put(AnalyzerConfig.DETECTOR_TREES_CONFIG, 20);
        return s;
    }

    static Path tempDir(final String name) {
        return TestDirs.create(name);
    }

    static void createTopics(final TestKafka kafka, final String prefix) {
        try (Admin admin = kafka.admin()) {
            new TopicAdmin(admin).createOrCheck(Topics.all(prefix), 1);
        }
    }

    /**
     * Metrics of several hosts, 10 s apart, with one spike per host in the last quarter.
     *
     * @param hosts how many hosts (spread over the partitions)
     * @param points points per series
     * @param start event time of the first point
     * @return the samples, in publishing order
     */
    static List<MetricSample> fleet(final int hosts, final int points, final Instant start) {
        final Random random = new Random(11);
        final List<MetricSample> out = new ArrayList<>();
        final String[] names = {"system.cpu.utilization", "system.memory.utilization"};
        for (int p = 0; p < points; p++) {
            for (int h = 0; h < hosts; h++) {
                for (final String name : names) {
                    final boolean spike = p == points * 3 / 4 + h % 5 && name.startsWith("system.cpu");
                    final double value = spike ? 0.99 : 0.3 + 0.02 * random.nextGaussian();
                    out.add(MetricSample.newBuilder().setId("m-" + h + "-" + name + "-" + p).setHost("host-" + h)
                            .setName(name).setTime(start.plusSeconds(10L * p)).setValue(value).setUnit("1").build());
                }
            }
        }
        return out;
    }

    static <V> void produce(final TestKafka kafka, final Topic<String, V> topic, final List<V> values,
                            final java.util.function.Function<V, String> key) {
        final Map<String, Object> props = new HashMap<>(kafka.clientConfig());
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // One request in flight per partition: right after a topic is created, a batch can be
        // refused (NOT_LEADER) while the next one is accepted, so the partition would hold the input
        // in another order than published, and the outputs these tests compare would differ.
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        final List<Future<RecordMetadata>> sent = new ArrayList<>(values.size());
        try (KafkaProducer<String, V> producer = new KafkaProducer<>(props, topic.keySerde().serializer(),
                topic.valueSerde().serializer())) {
            for (final V v : values) {
                sent.add(producer.send(new ProducerRecord<>(topic.name(), key.apply(v), v)));
            }
            producer.flush();
            for (final Future<RecordMetadata> f : sent) {
                f.get(); // a record the broker refused fails the test here, not as a puzzling output later
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("publishing to " + topic.name() + " failed", e.getCause());
        }
    }

    static void produceRaw(final TestKafka kafka, final String topic, final byte[] key, final byte[] value) {
        final Serializer<byte[]> bytes = new org.apache.kafka.common.serialization.ByteArraySerializer();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.clientConfig(), bytes, bytes)) {
            producer.send(new ProducerRecord<>(topic, key, value));
            producer.flush();
        }
    }

    /** Waits until the application committed every record of the topic as it is now. */
    static void awaitCommitted(final TestKafka kafka, final String group, final String topic) {
        try (Admin admin = kafka.admin()) {
            final long end = endOffsets(admin, topic);
            await("application " + group + " to commit " + end + " records of " + topic, () -> {
                try {
                    final Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                            .partitionsToOffsetAndMetadata().get();
                    return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic)
                            && e.getValue() != null).mapToLong(e -> e.getValue().offset()).sum() >= end;
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    static long endOffsets(final Admin admin, final String topic) {
        try {
            final int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic)
                    .partitions().size();
            final Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            return admin.listOffsets(latest, new org.apache.kafka.clients.admin.ListOffsetsOptions(
                    org.apache.kafka.common.IsolationLevel.READ_COMMITTED)).all().get().values().stream()
                    .mapToLong(o -> o.offset()).sum();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read end offsets of " + topic, e);
        }
    }

    /** Every committed record of a topic, from its beginning to its current end. */
    static <K, V> List<ConsumerRecord<K, V>> readAll(final TestKafka kafka, final String topic,
                                                     final Deserializer<K> keys, final Deserializer<V> values) {
        final Map<String, Object> props = new HashMap<>(kafka.clientConfig());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        final List<ConsumerRecord<K, V>> out = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(props, keys, values)) {
            final List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            final long deadline = System.nanoTime() + WAIT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end within " + WAIT);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /** Polls a condition until it holds, failing after {@link #WAIT}. */
    static void await(final String what, final BooleanSupplier condition) {
        await(what, WAIT, condition);
    }

    static void await(final String what, final Duration wait, final BooleanSupplier condition) {
        final long deadline = System.nanoTime() + wait.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + wait + " waiting for " + what);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }
}
