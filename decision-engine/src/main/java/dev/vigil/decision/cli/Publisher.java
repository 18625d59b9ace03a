package dev.vigil.decision.cli;

import dev.vigil.decision.DecisionException;
import dev.vigil.schemas.topic.Topic;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/** Publishes one record and waits until the cluster has it. */
final class Publisher {
    private Publisher() {
    }

    /**
     * @param client cluster settings
     * @param topic the topic, prefixed
     * @param key the key
     * @param value the value; null publishes a tombstone
     * @param <V> value type
     * @return where it was written
     */
    static <V> RecordMetadata send(final Map<String, Object> client, final Topic<String, V> topic, final String key,
                                   final V value) {
        final Map<String, Object> props = new HashMap<>(client);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        try (KafkaProducer<String, V> producer = new KafkaProducer<>(props, topic.keySerde().serializer(),
                topic.valueSerde().serializer())) {
            return producer.send(new ProducerRecord<>(topic.name(), key, value)).get(45, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DecisionException("interrupted while publishing to " + topic.name(), e);
        } catch (ExecutionException | TimeoutException | org.apache.kafka.common.KafkaException e) {
            final Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new DecisionException("cannot publish to " + topic.name() + ": " + cause.getMessage(), cause);
        }
    }
}
