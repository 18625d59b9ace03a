package dev.vigil.analyzer.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A key-value state store of live objects: the processor works on decoded objects, and the store
 * encodes the ones that changed once per commit, just before Kafka Streams commits the
 * transaction, instead of once per record.
 *
 * <p>Why: per-series state (detectors, sketches) costs microseconds to encode; encoding it for
 * every record would dominate the topology's cost. Kafka Streams' own record cache has the same
 * write-back timing but stores encoded bytes, so every read would decode again.
 *
 * <p>Exactly-once: the write-back runs in {@code flushCache()}, which Kafka Streams calls in
 * {@code prepareCommit} before it commits the transaction that also holds the input offsets, so
 * the changelog always matches the committed input. Uncommitted live objects are dropped with
 * the task ({@link #close}, {@link #clearCache}), and later reads decode the changelog-restored
 * bytes. (The hook is Kafka Streams' internal {@code CachedStateStore}; versions are pinned.)
 *
 * <p>Memory: at most {@code capacity} live objects; the least recently used is encoded (if it
 * changed) and dropped when a new one comes in. Single-threaded, like the task that owns it.
 *
 * @param <V> the live object type
 */
public final class LiveStore<V> extends WrappedStateStore<KeyValueStore<String, byte[]>, String, V> {
    private static final Logger LOG = LoggerFactory.getLogger(LiveStore.class);
    private final Codec<V> codec;
    private final int capacity;
    /** Slots changed since the last write-back, in the order they first changed (some since cleaned). */
    private final List<Slot<V>> dirty = new ArrayList<>();
    private final LinkedHashMap<String, Slot<V>> live;

    /** A live object, its key, and whether it changed since it was last encoded. */
    private static final class Slot<V> {
        final String key;
        final V value;
        boolean dirty;

        Slot(final String key, final V value) {
            this.key = key;
            this.value = value;
        }
    }

    LiveStore(final KeyValueStore<String, byte[]> inner, final Codec<V> codec, final int capacity) {
        super(inner);
        this.codec = codec;
        this.capacity = capacity;
        this.live = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(final Map.Entry<String, Slot<V>> eldest) {
                if (size() <= LiveStore.this.capacity) {
                    return false;
                }
                write(eldest.getValue());
                return true;
            }
        };
    }

    @Override
    public void init(final StateStoreContext context, final StateStore root) {
        dropLive();
        super.init(context, root);
    }

    /**
     * @param key the key
     * @return the live object, decoded from the store on first use, or null if absent (or unreadable:
     *     then the stored bytes are deleted, with a warning)
     */
    public V get(final String key) {
        final Slot<V> slot = live.get(key);
        if (slot != null) {
            return slot.value;
        }
        final byte[] bytes = wrapped().get(key);
        if (bytes == null) {
            return null;
        }
        final V decoded;
        try {
            decoded = codec.decode(bytes);
        } catch (IllegalArgumentException e) {
            // Written by another version or with other options: starting this key over beats
            // failing every record that touches it.
            LOG.warn("Store {}: state of {} is unreadable ({}); starting it over", name(), key.replace('\u0000', '/'),
                    e.getMessage());
            wrapped().delete(key);
            return null;
        }
        live.put(key, new Slot<>(key, decoded));
        return decoded;
    }

    /**
     * Stores a new or changed object; it is encoded at the next commit. Call it after every change,
     * also for an object obtained from {@link #get}: it may have been evicted meanwhile.
     *
     * @param key the key
     * @param value the live object
     */
    public void put(final String key, final V value) {
        Slot<V> slot = live.get(key);
        if (slot == null || slot.value != value) {
            if (slot != null) {
                slot.dirty = false; // replaced: its object is not written
            }
            slot = new Slot<>(key, value);
            live.put(key, slot);
        }
        if (!slot.dirty) {
            slot.dirty = true;
            dirty.add(slot);
        }
    }

    /**
     * Removes a key now (a tombstone in the changelog).
     *
     * @param key the key
     */
    public void delete(final String key) {
        final Slot<V> slot = live.remove(key);
        if (slot != null) {
            slot.dirty = false;
        }
        wrapped().delete(key);
    }

    /**
     * Every key in the store, pending new ones included, without encoding anything; meant for
     * occasional sweeps (punctuators), not per record.
     *
     * @return the keys, in the store's order (their UTF-8 bytes, unsigned, as RocksDB and the
     *     in-memory store sort them)
     */
    public List<String> keys() {
        final TreeMap<byte[], String> keys = new TreeMap<>(Arrays::compareUnsigned);
        try (KeyValueIterator<String, byte[]> all = wrapped().all()) {
            while (all.hasNext()) {
                final String key = all.next().key;
                keys.put(key.getBytes(StandardCharsets.UTF_8), key);
            }
        }
        for (final Slot<V> slot : dirty) {
            if (slot.dirty) {
                keys.put(slot.key.getBytes(StandardCharsets.UTF_8), slot.key);
            }
        }
        return new ArrayList<>(keys.values());
    }

    /** @return live objects held in memory now, at most the capacity */
    public int liveCount() {
        return live.size();
    }

    private void writeBack() {
        for (final Slot<V> slot : dirty) {
            write(slot);
        }
        dirty.clear();
    }

    /** Encodes a slot's object into the store if it changed. */
    private void write(final Slot<V> slot) {
        if (slot.dirty) {
            slot.dirty = false;
            wrapped().put(slot.key, codec.encode(slot.value));
        }
    }

    private void dropLive() {
        for (final Slot<V> slot : dirty) {
            slot.dirty = false;
        }
        live.clear();
        dirty.clear();
    }

    @Override
    public void flushCache() {
        writeBack();
        super.flushCache();
    }

    @Override
    public void clearCache() {
        dropLive();
        super.clearCache();
    }

    @Override
    public void close() {
        dropLive();
        super.close();
    }
}
