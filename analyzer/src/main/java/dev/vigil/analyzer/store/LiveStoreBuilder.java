package dev.vigil.analyzer.store;

import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds a {@link LiveStore} over a changelogged key-value store (RocksDB or in-memory). Caching
 * is always off underneath: the live objects are the cache.
 *
 * @param <V> the live object type
 */
public final class LiveStoreBuilder<V> implements StoreBuilder<LiveStore<V>> {
    private final StoreBuilder<KeyValueStore<String, byte[]>> inner;
    private final Codec<V> codec;
    private final int capacity;

    /**
     * @param supplier the underlying bytes store, named as the live store will be
     * @param codec how live objects become bytes
     * @param capacity live objects kept in memory per store instance (one per task), at least 1
     */
    public LiveStoreBuilder(final KeyValueBytesStoreSupplier supplier, final Codec<V> codec, final int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.inner = Stores.keyValueStoreBuilder(supplier, Serdes.String(), Serdes.ByteArray()).withCachingDisabled();
        this.codec = codec;
        this.capacity = capacity;
    }

    /**
     * @param name store name, also naming its changelog topic
     * @param persistent RocksDB when true, in-memory otherwise
     * @param codec how live objects become bytes
     * @param capacity live objects kept in memory per task
     * @param <V> the live object type
     * @return the builder
     */
    public static <V> LiveStoreBuilder<V> of(final String name, final boolean persistent, final Codec<V> codec,
                                             final int capacity) {
        return new LiveStoreBuilder<>(persistent ? Stores.persistentKeyValueStore(name)
                : Stores.inMemoryKeyValueStore(name), codec, capacity);
    }

    @Override
    public StoreBuilder<LiveStore<V>> withCachingEnabled() {
        throw new UnsupportedOperationException("a live store is its own cache");
    }

    @Override
    public StoreBuilder<LiveStore<V>> withCachingDisabled() {
        return this;
    }

    @Override
    public StoreBuilder<LiveStore<V>> withLoggingEnabled(final Map<String, String> config) {
        inner.withLoggingEnabled(config);
        return this;
    }

    @Override
    public StoreBuilder<LiveStore<V>> withLoggingDisabled() {
        inner.withLoggingDisabled();
        return this;
    }

    @Override
    public LiveStore<V> build() {
        return new LiveStore<>(inner.build(), codec, capacity);
    }

    @Override
    public Map<String, String> logConfig() {
        return inner.logConfig();
    }

    @Override
    public boolean loggingEnabled() {
        return inner.loggingEnabled();
    }

    @Override
    public String name() {
        return inner.name();
    }
}
