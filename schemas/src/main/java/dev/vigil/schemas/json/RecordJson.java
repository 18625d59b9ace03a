package dev.vigil.schemas.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Converts generated records to and from plain JSON. Reading fills missing fields with their
 * schema defaults and refuses unknown fields and wrong types with the field's path.
 */
public final class RecordJson {
    /** Shared mapper; thread-safe once configured. */
    public static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private RecordJson() {
    }

    /**
     * @param record a generated record
     * @return it as one line of JSON
     */
    public static String write(final SpecificRecord record) {
        try {
            return MAPPER.writeValueAsString(toNode(record));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON for " + record.getSchema().getName(), e);
        }
    }

    /**
     * @param record a generated record
     * @return it as a JSON tree
     */
    public static ObjectNode toNode(final SpecificRecord record) {
        return (ObjectNode) toNode(record.getSchema(), record);
    }

    /**
     * @param json one JSON object
     * @param type the generated class to read into
     * @param <T> the class
     * @return the record
     * @throws IllegalArgumentException naming the field that is wrong
     */
    public static <T extends SpecificRecord> T read(final String json, final Class<T> type) {
        try {
            return read(MAPPER.readTree(json), type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * @param node a JSON object
     * @param type the generated class to read into
     * @param <T> the class
     * @return the record
     */
    @SuppressWarnings("unchecked")
    public static <T extends SpecificRecord> T read(final JsonNode node, final Class<T> type) {
        final Schema schema = SpecificData.get().getSchema(type);
        return (T) fromNode(schema, node, schema.getName());
    }

    private static JsonNode toNode(final Schema schema, final Object value) {
        if (value == null) {
            return NODES.nullNode();
        }
        switch (schema.getType()) {
            case RECORD:
                final ObjectNode object = NODES.objectNode();
                final SpecificRecord record = (SpecificRecord) value;
                for (final Schema.Field field : schema.getFields()) {
                    object.set(field.name(), toNode(field.schema(), record.get(field.pos())));
                }
                return object;
            case UNION:
                return toNode(schema.getTypes().get(SpecificData.get().resolveUnion(schema, value)), value);
            case ARRAY:
                final ArrayNode array = NODES.arrayNode();
                for (final Object item : (Iterable<?>) value) {
                    array.add(toNode(schema.getElementType(), item));
                }
                return array;
            case MAP:
                final ObjectNode map = NODES.objectNode();
                for (final Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                    map.set(e.getKey().toString(), toNode(schema.getValueType(), e.getValue()));
                }
                return map;
            case BYTES:
                final ByteBuffer buffer = ((ByteBuffer) value).duplicate();
                final byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
            case DOUBLE:
            case FLOAT:
                final double d = ((Number) value).doubleValue();
                return Double.isFinite(d) ? NODES.numberNode(d) : NODES.textNode(Double.toString(d));
            case LONG:
                if (value instanceof Instant instant) {
                    return NODES.textNode(instant.toString());
                }
                return NODES.numberNode(((Number) value).longValue());
            case INT:
                return NODES.numberNode(((Number) value).intValue());
            case BOOLEAN:
                return NODES.booleanNode((Boolean) value);
            default:
                return NODES.textNode(value.toString());
        }
    }

    private static Object fromNode(final Schema schema, final JsonNode node, final String path) {
        switch (schema.getType()) {
            case RECORD:
                return readRecord(schema, node, path);
            case UNION:
                if (node == null || node.isNull()) {
                    if (schema.getTypes().stream().anyMatch(t -> t.getType() == Schema.Type.NULL)) {
                        return null;
                    }
                    throw new IllegalArgumentException(path + ": must not be null");
                }
                final Schema branch = schema.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL)
                        .findFirst().orElseThrow();
                return fromNode(branch, node, path);
            case NULL:
                return null;
            case ARRAY:
                expect(node.isArray(), path, "an array");
                final List<Object> items = new ArrayList<>();
                for (int i = 0; i < node.size(); i++) {
                    items.add(fromNode(schema.getElementType(), node.get(i), path + "[" + i + "]"));
                }
                return items;
            case MAP:
                expect(node.isObject(), path, "an object");
                final Map<String, Object> map = new LinkedHashMap<>();
                node.fields().forEachRemaining(e ->
                        map.put(e.getKey(), fromNode(schema.getValueType(), e.getValue(), path + "." + e.getKey())));
                return map;
            case ENUM:
                expect(node.isTextual(), path, "one of " + schema.getEnumSymbols());
                final String symbol = node.asText().toUpperCase();
                expect(schema.getEnumSymbols().contains(symbol), path, "one of " + schema.getEnumSymbols());
                return SpecificData.get().createEnum(symbol, schema);
            case STRING:
                expect(node.isValueNode() && !node.isNull(), path, "a string");
                return node.asText();
            case BYTES:
                expect(node.isTextual(), path, "Base64 text");
                return ByteBuffer.wrap(Base64.getDecoder().decode(node.asText()));
            case BOOLEAN:
                expect(node.isBoolean(), path, "true or false");
                return node.asBoolean();
            case INT:
                expect(node.canConvertToInt(), path, "an integer");
                return node.asInt();
            case LONG:
                return readLong(schema, node, path);
            case DOUBLE:
            case FLOAT:
                if (node.isTextual()) {
                    try {
                        return Double.parseDouble(node.asText());
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(path + ": expected a number, found '" + node.asText() + "'");
                    }
                }
                expect(node.isNumber(), path, "a number");
                return schema.getType() == Schema.Type.FLOAT ? (Object) node.floatValue() : (Object) node.asDouble();
            default:
                throw new IllegalArgumentException(path + ": unsupported type " + schema.getType());
        }
    }

    private static Object readRecord(final Schema schema, final JsonNode node, final String path) {
        expect(node != null && node.isObject(), path, "an object");
        for (final Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            final String name = names.next();
            if (schema.getField(name) == null) {
                throw new IllegalArgumentException(path + "." + name + ": unknown field; known: "
                        + schema.getFields().stream().map(Schema.Field::name).toList());
            }
        }
        final SpecificRecord record = (SpecificRecord) SpecificData.get().newRecord(null, schema);
        for (final Schema.Field field : schema.getFields()) {
            final JsonNode value = node.get(field.name());
            if (value == null) {
                if (!field.hasDefaultValue()) {
                    throw new IllegalArgumentException(path + "." + field.name() + ": missing");
                }
                record.put(field.pos(), SpecificData.get().deepCopy(field.schema(),
                        SpecificData.get().getDefaultValue(field)));
            } else {
                record.put(field.pos(), fromNode(field.schema(), value, path + "." + field.name()));
            }
        }
        return record;
    }

    private static Object readLong(final Schema schema, final JsonNode node, final String path) {
        final boolean timestamp = schema.getLogicalType() instanceof LogicalTypes.TimestampMillis;
        if (timestamp && node.isTextual()) {
            try {
                return Instant.parse(node.asText());
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(path + ": expected an ISO-8601 instant such as "
                        + "2026-01-31T12:00:00Z, found '" + node.asText() + "'");
            }
        }
        expect(node.canConvertToLong(), path, timestamp ? "an ISO-8601 instant or epoch milliseconds" : "an integer");
        return timestamp ? Instant.ofEpochMilli(node.asLong()) : (Object) node.asLong();
    }

    private static void expect(final boolean ok, final String path, final String what) {
        if (!ok) {
            throw new IllegalArgumentException(path + ": expected " + what);
        }
    }
}
