package dev.vigil.collector.app;

import dev.vigil.schemas.topic.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Reads a topic from its beginning until a condition holds on what was read, or a deadline passes. */
final class Consume {
    private Consume() {
    }

    static <V> List<V> until(final String bootstrap, final Topic<String, V> topic, final Duration timeout,
                             final Predicate<List<V>> done) {
        final Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        final List<V> seen = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(c, topic.keySerde().deserializer(),
                topic.valueSerde().deserializer())) {
            final List<TopicPartition> parts = consumer.partitionsFor(topic.name(), Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            final long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (final ConsumerRecord<String, V> r : consumer.poll(Duration.ofMillis(500))) {
                    seen.add(r.value());
                }
                if (done.test(seen)) {
                    return seen;
                }
            }
        }
        throw new AssertionError("condition not met within " + timeout + " on " + topic.name() + " after "
                + seen.size() + " records");
    }
}
