package dev.vigil.deploy.demo;

import dev.vigil.schemas.topic.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the committed records of some topics on a background thread, hands each to a listener
 * (the timeline printer) and keeps them, so the script can wait for the one it expects.
 */
final class Tap implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, Topic<?, ?>> topics = new HashMap<>();
    private final List<Object> seen = new ArrayList<>();
    private final Consumer<Object> listener;
    private final Thread thread;
    private volatile boolean running = true;

    Tap(final String bootstrap, final List<Topic<?, ?>> watched, final Consumer<Object> listener) {
        final Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.listener = listener;
        final List<TopicPartition> partitions = new ArrayList<>();
        for (final Topic<?, ?> topic : watched) {
            topics.put(topic.name(), topic);
            consumer.partitionsFor(topic.name(), Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(topic.name(), p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        this.thread = new Thread(this::run, "vigil-demo-tap");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    final Object value;
                    try {
                        value = topics.get(record.topic()).valueSerde().deserializer()
                                .deserialize(record.topic(), record.value());
                    } catch (RuntimeException e) {
                        continue;
                    }
                    if (value == null) {
                        continue;
                    }
                    listener.accept(value);
                    synchronized (seen) {
                        seen.add(value);
                        seen.notifyAll();
                    }
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop.
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /** @return how many records have been seen; a cursor for {@link #await} */
    int position() {
        synchronized (seen) {
            return seen.size();
        }
    }

    /**
     * Waits for a record after a cursor.
     *
     * @param type record class
     * @param from cursor from {@link #position()}; records before it are ignored
     * @param match what the record must satisfy
     * @param timeout how long to wait
     * @param <T> record class
     * @return the first match, or empty when none came in time
     */
    <T> Optional<T> await(final Class<T> type, final int from, final Predicate<T> match, final Duration timeout)
            throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (seen) {
            int next = from;
            while (true) {
                for (; next < seen.size(); next++) {
                    final Object value = seen.get(next);
                    if (type.isInstance(value) && match.test(type.cast(value))) {
                        return Optional.of(type.cast(value));
                    }
                }
                final long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                seen.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(5_000);
    }
}
