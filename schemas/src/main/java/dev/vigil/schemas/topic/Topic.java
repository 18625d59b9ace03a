package dev.vigil.schemas.topic;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;

/**
 * One topic: its name and how its records are keyed and encoded, with the settings it is
 * created with.
 *
 * @param name the name without deployment prefix, kebab-case
 * @param keySerde how keys are encoded
 * @param valueSerde how values are encoded
 * @param key what the key is, for people (e.g. "host")
 * @param partitions partition count on creation; the unit of scale-out for its consumers
 * @param retention how long records are kept; null for compacted topics kept forever
 * @param compacted whether the topic is compacted (latest value per key) instead of deleted by age
 * @param description what flows through it
 * @param maxMessageBytes largest record batch the topic accepts ({@code max.message.bytes}); 0 leaves the
 *     broker's default (1 MiB)
 * @param <K> key type
 * @param <V> value type
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, String key, int partitions,
                          Duration retention, boolean compacted, String description, int maxMessageBytes) {

    /** A topic with the broker's default record size limit. */
    public Topic(final String name, final Serde<K> keySerde, final Serde<V> valueSerde, final String key,
                 final int partitions, final Duration retention, final boolean compacted, final String description) {
        this(name, keySerde, valueSerde, key, partitions, retention, compacted, description, 0);
    }

    /**
     * @param prefix the deployment's topic prefix, possibly empty
     * @return the same topic under {@code prefix + name}
     */
    public Topic<K, V> withPrefix(final String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            return this;
        }
        return new Topic<>(prefix + name, keySerde, valueSerde, key, partitions, retention, compacted, description,
                maxMessageBytes);
    }

    /** @return the topic-level configs it is created with */
    public Map<String, String> configs() {
        final Map<String, String> configs = new LinkedHashMap<>();
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG,
                compacted ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE);
        configs.put(TopicConfig.RETENTION_MS_CONFIG, retention == null ? "-1" : Long.toString(retention.toMillis()));
        if (maxMessageBytes > 0) {
            configs.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(maxMessageBytes));
        }
        return configs;
    }
}
