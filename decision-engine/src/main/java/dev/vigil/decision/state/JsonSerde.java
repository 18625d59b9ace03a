package dev.vigil.decision.state;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.vigil.schemas.DatasetSpec;
import dev.vigil.schemas.json.RecordJson;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * JSON serde for the engine's internal state (store values, the dataset repartition topic).
 * Unknown fields are ignored on read, so a newer engine's state stays readable by an older one
 * during a rolling upgrade. Dataset specs inside are written with {@link RecordJson}.
 *
 * @param <T> the state class
 */
public final class JsonSerde<T> implements Serde<T>, Serializer<T>, Deserializer<T> {
    /** The mapper used for state; thread-safe. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .registerModule(new SimpleModule("vigil-records")
                    .addSerializer(DatasetSpec.class, new JsonSerializer<>() {
                        @Override
                        public void serialize(final DatasetSpec value, final JsonGenerator gen,
                                              final SerializerProvider serializers) throws IOException {
                            gen.writeTree(RecordJson.toNode(value));
                        }
                    })
                    .addDeserializer(DatasetSpec.class, new JsonDeserializer<>() {
                        @Override
                        public DatasetSpec deserialize(final JsonParser p, final DeserializationContext ctxt)
                                throws IOException {
                            final JsonNode node = p.readValueAsTree();
                            return RecordJson.read(node, DatasetSpec.class);
                        }
                    }));
    private final Class<T> type;

    /** @param type the class to read */
    public JsonSerde(final Class<T> type) {
        this.type = type;
    }

    @Override
    public byte[] serialize(final String topic, final T data) {
        if (data == null) {
            return null;
        }
        try {
            return MAPPER.writeValueAsBytes(data);
        } catch (IOException e) {
            throw new SerializationException("cannot write " + type.getSimpleName() + " as JSON: " + e.getMessage(), e);
        }
    }

    @Override
    public T deserialize(final String topic, final byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return MAPPER.readValue(data, type);
        } catch (IOException e) {
            throw new SerializationException("corrupt " + type.getSimpleName() + " in " + topic + ": "
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
        // Nothing to configure: the class is fixed at construction.
    }

    @Override
    public void close() {
        // Stateless.
    }
}
