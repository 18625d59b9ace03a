package dev.vigil.decision.cli;

import dev.vigil.decision.DecisionException;
import dev.vigil.schemas.topic.Topic;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads a topic from a point in time up to its end as of now, without a consumer group. */
public final class TopicReader {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private TopicReader() {
    }

    /**
     * @param client cluster settings
     * @param topic the topic, prefixed
     * @param since read records from this time on; null for the beginning
     * @param each called once per record, in partition order; null values included
     * @param <V> value type
     * @return the keys of records whose value does not decode (skipped, with a warning on stderr)
     */
    public static <V> Set<String> read(final Map<String, Object> client, final Topic<String, V> topic, final Instant since,
                                final Consumer<ConsumerRecord<String, V>> each) {
        final Map<String, Object> props = new HashMap<>(client);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        final Set<String> unreadable = new TreeSet<>();
        // values are decoded one by one: a record that does not decode costs that record, not the whole listing
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, topic.keySerde().deserializer(),
                new ByteArrayDeserializer())) {
            final List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), TIMEOUT).stream()
                    .map(p -> new TopicPartition(topic.name(), p.partition())).toList();
            if (partitions.isEmpty()) {
                throw new DecisionException("topic " + topic.name() + " does not exist; create the topics with "
                        + "'vigil topics create'");
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            if (since != null) {
                final Map<TopicPartition, Long> at = new HashMap<>();
                partitions.forEach(p -> at.put(p, since.toEpochMilli()));
                for (final Map.Entry<TopicPartition, OffsetAndTimestamp> e
                        : consumer.offsetsForTimes(at, TIMEOUT).entrySet()) {
                    if (e.getValue() != null) {
                        consumer.seek(e.getKey(), e.getValue().offset());
                    } else {
                        consumer.seekToEnd(List.of(e.getKey()));
                    }
                }
            }
            final Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            final long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p, TIMEOUT) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new DecisionException("reading " + topic.name() + " took more than 5 minutes");
                }
                for (final ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    final V value;
                    try {
                        value = r.value() == null ? null
                                : topic.valueSerde().deserializer().deserialize(r.topic(), r.headers(), r.value());
                    } catch (RuntimeException e) {
                        System.err.println("vigil: skipped record " + r.partition() + "@" + r.offset() + " of "
                                + topic.name() + " (key " + r.key() + "): it does not decode: " + e.getMessage());
                        unreadable.add(r.key());
                        continue;
                    }
                    each.accept(new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.timestamp(),
                            r.timestampType(), r.serializedKeySize(), r.serializedValueSize(), r.key(), value,
                            r.headers(), r.leaderEpoch()));
                }
            }
        } catch (KafkaException e) {
            throw new DecisionException("cannot read " + topic.name() + ": " + e.getMessage(), e);
        }
        return unreadable;
    }
}
