package dev.vigil.schemas.topic;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a (compacted) topic once from its start to where it ends now, without a consumer group: what a service
 * needs of a registry at start. Values are handed over as bytes, so that one record that does not decode costs that
 * record only. It reads all of the topic or fails: a registry read in part looks like a registry that lacks the rest.
 */
public final class TopicContents {
    private TopicContents() {
    }

    /**
     * @param clientConfig at least {@code bootstrap.servers}
     * @param topic the full topic name
     * @param timeout how long to wait for the topic's metadata and for its records, each
     * @param each receives every record's key and value (null for a deletion), in each partition's order
     * @throws TimeoutException naming the topic and the partitions not read to their end when the records did not all
     *     come within {@code timeout}: a caller must not take part of a registry for all of it
     */
    public static void read(final Map<String, Object> clientConfig, final String topic, final Duration timeout,
                            final BiConsumer<String, byte[]> each) {
        final Map<String, Object> props = new HashMap<>(clientConfig);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, byte[]> consumer =
                     new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            final List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            final long deadline = System.nanoTime() + timeout.toNanos();
            long read = 0;
            while (partitions.stream().anyMatch(p -> consumer.position(p, timeout) < end.get(p))) {
                if (System.nanoTime() >= deadline) {
                    final List<String> behind = partitions.stream()
                            .filter(p -> consumer.position(p, timeout) < end.get(p))
                            .map(p -> p.partition() + " (at " + consumer.position(p, timeout) + " of " + end.get(p)
                                    + ")").toList();
                    throw new TimeoutException(topic + ": read " + read + " records in " + timeout.toMillis()
                            + " ms, not to the end of partition " + String.join(", ", behind));
                }
                for (final ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    each.accept(r.key(), r.value());
                    read++;
                }
            }
        }
    }
}
