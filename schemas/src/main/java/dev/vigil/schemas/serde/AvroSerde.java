package dev.vigil.schemas.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SystemLimitException;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.LoggerFactory;

/**
 * Serde for a generated Avro record type in single-object encoding.
 *
 * <p>Serializing writes the current schema's fingerprint in front of every message. Deserializing
 * resolves the writer schema through a {@link SchemaCatalog} and converts to the reader's
 * (current) schema by Avro's resolution rules. A message that is not single-object encoded, or
 * whose fingerprint nobody knows, or whose body does not decode, throws a {@link
 * SerializationException} saying which; Kafka Streams then routes it to the dead-letter topic.
 *
 * <p>Lengths a message claims are bounded ({@link #MAX_LENGTH}, {@link #MAX_ITEMS}): Avro allocates a string,
 * bytes, array or map of the claimed size before reading it, so without a bound 39 bytes on any topic claiming
 * a 2 GiB string stopped the service that read them with an {@code OutOfMemoryError}.
 *
 * @param <T> the generated record class
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T>, Serializer<T>, Deserializer<T> {
    /** Longest string or bytes value a message may claim: twice the largest record Vigil writes (8 MiB). */
    public static final int MAX_LENGTH = 16 << 20;
    /** Most items an array or map of a message may claim (path lists of file activity are the longest). */
    public static final int MAX_ITEMS = 1 << 20;

    static {
        // Avro reads its limits when SystemLimitException is first loaded; an operator's own -D wins.
        limit(SystemLimitException.MAX_STRING_LENGTH_PROPERTY, MAX_LENGTH);
        limit(SystemLimitException.MAX_BYTES_LENGTH_PROPERTY, MAX_LENGTH);
        limit(SystemLimitException.MAX_COLLECTION_LENGTH_PROPERTY, MAX_ITEMS);
        if (!bounded()) {
            // Avro was used before this class (a test, a tool): make it read the properties again
            try {
                final java.lang.reflect.Method reset = SystemLimitException.class.getDeclaredMethod("resetLimits");
                reset.setAccessible(true);
                reset.invoke(null);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // said below
            }
        }
        if (!bounded()) {
            LoggerFactory.getLogger(AvroSerde.class).warn("Avro decoded before Vigil could bound the lengths a message "
                    + "may claim: a malformed record can exhaust the heap of this process");
        }
    }

    private static boolean bounded() {
        try {
            SystemLimitException.checkMaxStringLength(Integer.MAX_VALUE - 8L); // Avro's default: unbounded
            return false;
        } catch (SystemLimitException expected) {
            return true;
        }
    }

    private static void limit(final String property, final int value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, Integer.toString(value));
        }
    }

    private final Class<T> type;
    private final Schema schema;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;

    /**
     * @param type the generated class
     * @param schema the schema this side reads and writes (the class's own, or another version)
     * @param catalog where writer schemas are looked up
     */
    public AvroSerde(final Class<T> type, final Schema schema, final SchemaCatalog catalog) {
        this.type = type;
        this.schema = schema;
        final SpecificData model = SpecificData.getForClass(type);
        catalog.add(schema);
        this.encoder = new BinaryMessageEncoder<>(model, schema);
        this.decoder = new BinaryMessageDecoder<>(model, schema, catalog);
    }

    /**
     * A serde for the class's current schema, resolving against the global catalog.
     *
     * @param type the generated class
     * @param <T> the class
     * @return the serde
     */
    public static <T extends SpecificRecord> AvroSerde<T> of(final Class<T> type) {
        return new AvroSerde<>(type, SpecificData.get().getSchema(type), SchemaCatalog.global());
    }

    /** @return the schema this serde writes */
    public Schema schema() {
        return schema;
    }

    /** @return the record class */
    public Class<T> type() {
        return type;
    }

    @Override
    public byte[] serialize(final String topic, final T data) {
        if (data == null) {
            return null;
        }
        try {
            final ByteBuffer buffer = encoder.encode(data);
            final byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException | AvroRuntimeException | ClassCastException | NullPointerException e) {
            throw new SerializationException("cannot serialize " + type.getSimpleName() + " for topic " + topic
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public T deserialize(final String topic, final byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return decoder.decode(data);
        } catch (BadHeaderException e) {
            throw new SerializationException("not an Avro single-object encoded message (" + data.length
                    + " bytes) on topic " + topic + ": " + e.getMessage(), e);
        } catch (MissingSchemaException e) {
            throw new SerializationException("unknown writer schema on topic " + topic + ": " + e.getMessage()
                    + "; is the writer's schema registered in the vigil-schemas topic?", e);
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new SerializationException("corrupt " + type.getSimpleName() + " on topic " + topic + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void configure(final java.util.Map<String, ?> configs, final boolean isKey) {
        // Configured by its constructor; Kafka's settings change nothing here.
    }

    @Override
    public void close() {
        // Stateless apart from caches; nothing to release.
    }
}
