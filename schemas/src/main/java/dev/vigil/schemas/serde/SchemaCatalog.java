package dev.vigil.schemas.serde;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongFunction;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;

/**
 * Every schema version this process knows, by fingerprint (CRC-64-AVRO of the parsing canonical
 * form, the fingerprint single-object encoding writes).
 *
 * <p>Sources, in order: schemas added with {@link #add}, the history shipped on the classpath
 * (listed in {@value #HISTORY_INDEX}), then any {@link #addFallback fallback}, such as the {@code
 * vigil-schemas} topic, asked on a miss. Thread-safe.
 */
public final class SchemaCatalog implements SchemaStore {
    /** Classpath resource listing older schema versions, one resource path per line. */
    public static final String HISTORY_INDEX = "vigil/avro/history/INDEX";
    private static final SchemaCatalog GLOBAL = new SchemaCatalog().addHistory();

    private final Map<Long, Schema> byFingerprint = new ConcurrentHashMap<>();
    private final List<LongFunction<Schema>> fallbacks = new CopyOnWriteArrayList<>();

    /** @return the process-wide catalog every {@link AvroSerde} resolves against by default */
    public static SchemaCatalog global() {
        return GLOBAL;
    }

    /**
     * Adds a schema version.
     *
     * @param schema the schema
     * @return its fingerprint
     */
    public long add(final Schema schema) {
        final long fingerprint = fingerprint(schema);
        byFingerprint.putIfAbsent(fingerprint, schema);
        return fingerprint;
    }

    /**
     * Registers a source asked for fingerprints the catalog does not hold; it returns null when it
     * does not know the fingerprint either.
     *
     * @param fallback the source
     * @return this catalog
     */
    public SchemaCatalog addFallback(final LongFunction<Schema> fallback) {
        fallbacks.add(fallback);
        return this;
    }

    /**
     * Stops asking a source: a service that stops removes the lookup of its cluster, which a miss would otherwise go
     * on waiting for after that cluster is gone (one JVM runs services against several clusters in turn: tests).
     *
     * @param fallback a source given to {@link #addFallback}
     */
    public void removeFallback(final LongFunction<Schema> fallback) {
        fallbacks.remove(fallback);
    }

    /** @return how many sources are asked on a miss */
    public int fallbackCount() {
        return fallbacks.size();
    }

    @Override
    public Schema findByFingerprint(final long fingerprint) {
        final Schema known = byFingerprint.get(fingerprint);
        if (known != null) {
            return known;
        }
        for (final LongFunction<Schema> fallback : fallbacks) {
            final Schema found = fallback.apply(fingerprint);
            if (found != null && fingerprint(found) == fingerprint) {
                byFingerprint.put(fingerprint, found);
                return found;
            }
        }
        return null;
    }

    /** @return every schema version held now */
    public Collection<Schema> known() {
        return List.copyOf(byFingerprint.values());
    }

    /**
     * @param schema a schema
     * @return the 64-bit fingerprint single-object encoding uses for it
     */
    public static long fingerprint(final Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    /** Loads the older versions listed in {@value #HISTORY_INDEX}, if the classpath has it. */
    SchemaCatalog addHistory() {
        final ClassLoader loader = SchemaCatalog.class.getClassLoader();
        try (InputStream index = loader.getResourceAsStream(HISTORY_INDEX)) {
            if (index == null) {
                return this;
            }
            for (final String line : new String(index.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                final String path = line.strip();
                if (path.isEmpty() || path.startsWith("#")) {
                    continue;
                }
                try (InputStream in = loader.getResourceAsStream(path)) {
                    if (in == null) {
                        throw new IllegalStateException(HISTORY_INDEX + " names " + path + ", which is missing");
                    }
                    add(new Schema.Parser().parse(in));
                }
            }
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + HISTORY_INDEX, e);
        }
    }
}
