package dev.vigil.schemas.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
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

/**
 * Serde for a generated Avro record type in single-object encoding.
 *
 * <p>Serializing writes the current schema's fingerprint in front of every message. Deserializing
 * resolves the writer schema through a {@link SchemaCatalog} and converts to the reader's
 * (current) schema by Avro's resolution rules. A message that is not single-object encoded, or
 * whose fingerprint nobody knows, or whose body does not decode, throws a {@link
 * SerializationException} saying which; Kafka Streams then routes it to the dead-letter topic.
 *
 * @param <T> the generated record class
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T>, Serializer<T>, Deserializer<T> {
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
