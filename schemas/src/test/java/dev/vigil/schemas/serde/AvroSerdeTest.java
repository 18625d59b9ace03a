package dev.vigil.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.schemas.MetricSample;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {
    private static final MetricSample SAMPLE = MetricSample.newBuilder().setId("m1").setHost("h1")
            .setTime(Instant.parse("2026-03-01T00:00:00Z")).setName("system.cpu.utilization").setValue(0.42)
            .setUnit("1").setAttributes(Map.of("cpu", "0")).build();

    static Schema load(final String name) throws IOException {
        try (InputStream in = AvroSerdeTest.class.getResourceAsStream("/evolution/" + name)) {
            return new Schema.Parser().parse(in);
        }
    }

    @Test
    void shouldRoundTripInSingleObjectEncodingWithTheFingerprintInFront() {
        final AvroSerde<MetricSample> serde = AvroSerde.of(MetricSample.class);
        final byte[] bytes = serde.serialize("t", SAMPLE);
        assertEquals((byte) 0xC3, bytes[0]);
        assertEquals((byte) 0x01, bytes[1]);
        long fingerprint = 0;
        for (int i = 9; i >= 2; i--) {
            fingerprint = (fingerprint << 8) | (bytes[i] & 0xff);
        }
        assertEquals(SchemaCatalog.fingerprint(MetricSample.getClassSchema()), fingerprint);
        assertEquals(SAMPLE, serde.deserialize("t", bytes));
    }

    @Test
    void shouldReadMessagesWrittenWithAnOlderSchemaWhenTheCatalogKnowsIt() throws IOException {
        final Schema old = load("MetricSample-old.avsc");
        final GenericRecord written = new GenericData.Record(old);
        written.put("id", "m0");
        written.put("host", "h0");
        written.put("time", 1_000L);
        written.put("name", "system.memory.usage");
        written.put("value", 5.0);
        written.put("unit", "By");
        final byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), old).encode(written).array();

        final SchemaCatalog catalog = new SchemaCatalog();
        catalog.add(old);
        final AvroSerde<MetricSample> current =
                new AvroSerde<>(MetricSample.class, MetricSample.getClassSchema(), catalog);
        final MetricSample read = current.deserialize("t", bytes);
        assertEquals("m0", read.getId());
        assertEquals(Instant.ofEpochMilli(1_000), read.getTime());
        assertEquals(Map.of(), read.getAttributes());
        assertEquals(false, read.getImputed());
    }

    @Test
    void shouldLetAnOlderReaderReadMessagesWrittenWithANewerSchema() throws IOException {
        final Schema newer = load("MetricSample-new.avsc");
        final GenericRecord written = new GenericData.Record(newer);
        written.put("id", "m2");
        written.put("host", "h2");
        written.put("time", 2_000L);
        written.put("name", "system.cpu.utilization");
        written.put("value", 0.5);
        written.put("unit", "1");
        written.put("attributes", Map.of());
        written.put("imputed", false);
        written.put("quality", 0.9);
        final byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), newer).encode(written).array();

        // Today's reader: it does not know 'quality' but reads the rest once the catalog holds the writer schema.
        final SchemaCatalog catalog = new SchemaCatalog();
        final AvroSerde<MetricSample> current =
                new AvroSerde<>(MetricSample.class, MetricSample.getClassSchema(), catalog);
        final SerializationException unknown = assertThrows(SerializationException.class,
                () -> current.deserialize("t", bytes));
        assertTrue(unknown.getMessage().contains("unknown writer schema"), unknown.getMessage());
        catalog.add(newer);
        assertEquals("m2", current.deserialize("t", bytes).getId());

        // An even older reader, through the same catalog.
        final BinaryMessageDecoder<GenericRecord> oldest =
                new BinaryMessageDecoder<>(GenericData.get(), load("MetricSample-old.avsc"), catalog);
        final GenericRecord read = oldest.decode(bytes);
        assertEquals("system.cpu.utilization", read.get("name").toString());
        assertEquals(null, read.getSchema().getField("quality"));
    }

    @Test
    void shouldExplainWhatIsWrongWithBadBytes() {
        final AvroSerde<MetricSample> serde = AvroSerde.of(MetricSample.class);
        final SerializationException header = assertThrows(SerializationException.class,
                () -> serde.deserialize("metrics", "{\"json\":true}".getBytes()));
        assertTrue(header.getMessage().startsWith("not an Avro single-object encoded message"), header.getMessage());
        final byte[] good = serde.serialize("metrics", SAMPLE);
        final byte[] truncated = java.util.Arrays.copyOf(good, 14);
        final SerializationException corrupt = assertThrows(SerializationException.class,
                () -> serde.deserialize("metrics", truncated));
        assertTrue(corrupt.getMessage().startsWith("corrupt MetricSample"), corrupt.getMessage());
    }

    @Test
    void shouldRefuseAMessageThatClaimsAStringOrMapOfGigabytesWithoutAllocatingIt() {
        final AvroSerde<MetricSample> serde = AvroSerde.of(MetricSample.class);
        final byte[] good = serde.serialize("metrics", SAMPLE);
        // After the 10-byte header comes the id "m1": its length 2 (zigzag 0x04), then its two bytes.
        final byte[] hugeId = claim(good, 10, 3, (1L << 31) - 100);
        final SerializationException string = assertThrows(SerializationException.class,
                () -> serde.deserialize("metrics", hugeId));
        assertTrue(string.getMessage().startsWith("corrupt MetricSample on topic metrics: String length 2147483548 "
                + "exceeds maximum allowed"), string.getMessage());
        // Last come the attributes map, one block of 1 item ("cpu" -> "0") and the end marker 0, then imputed.
        final int map = good.length - 1 - 1 - (1 + 1) - (1 + 3) - 1;
        assertEquals(2, good[map], "the map's item count, zigzag 1");
        final byte[] hugeMap = claim(good, map, 1, 1L << 30);
        final SerializationException items = assertThrows(SerializationException.class,
                () -> serde.deserialize("metrics", hugeMap));
        assertTrue(items.getMessage().contains("Collection length 1073741824 exceeds the maximum allowed"),
                items.getMessage());
    }

    /** @return bytes with the varint at [at, at + width) replaced by one that claims this length */
    private static byte[] claim(final byte[] bytes, final int at, final int width, final long length) {
        final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(bytes, 0, at);
        long z = length << 1;
        while ((z & ~0x7FL) != 0) {
            out.write((int) ((z & 0x7F) | 0x80));
            z >>>= 7;
        }
        out.write((int) z);
        out.write(bytes, at + width, bytes.length - at - width);
        return out.toByteArray();
    }
}
