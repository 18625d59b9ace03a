package dev.vigil.decision.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a topic (committed records only) and waits, boundedly, for a record that matches. */
final class TopicTap<V> implements AutoCloseable {
    private final KafkaConsumer<String, V> consumer;
    final List<ConsumerRecord<String, V>> seen = new ArrayList<>();

    TopicTap(final Map<String, Object> client, final String topic, final Deserializer<V> values) {
        final Properties props = new Properties();
        props.putAll(client);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, topic + "-tap");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), values);
        consumer.subscribe(List.of(topic));
    }

    /**
     * @param what description for the failure message
     * @param match the record wanted
     * @param timeout how long to wait at most
     * @return the first record seen, since the start, that matches
     */
    ConsumerRecord<String, V> await(final String what, final Predicate<ConsumerRecord<String, V>> match,
                                    final Duration timeout) {
        final long deadline = System.nanoTime() + timeout.toNanos();
        int checked = 0;
        while (true) {
            for (; checked < seen.size(); checked++) {
                if (match.test(seen.get(checked))) {
                    return seen.get(checked);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within " + timeout + "; saw " + seen.size() + " records: "
                        + seen.stream().map(r -> String.valueOf(r.value())).toList());
            }
            consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
