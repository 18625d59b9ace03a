package dev.vigil.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.vigil.embedded.junit.KafkaBrokerExtension;
import dev.vigil.embedded.junit.TestKafka;
import dev.vigil.schemas.topic.TopicAdmin;
import dev.vigil.schemas.topic.Topics;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class SchemaTopicIT {

    @Test
    void shouldLetAnOldReaderLearnANewWriterSchemaFromTheTopic(final TestKafka kafka) throws Exception {
        try (Admin admin = kafka.admin()) {
            new TopicAdmin(admin).createOrCheck(List.of(Topics.SCHEMAS.withPrefix(kafka.prefix())), 1);
        }
        final String topic = Topics.SCHEMAS.withPrefix(kafka.prefix()).name();
        final Schema newer = AvroSerdeTest.load("MetricSample-new.avsc");
        SchemaTopic.register(kafka.clientConfig(), topic, List.of(newer));

        final GenericRecord written = new GenericData.Record(newer);
        written.put("id", "m9");
        written.put("host", "h9");
        written.put("time", 9L);
        written.put("name", "system.uptime");
        written.put("value", 9.0);
        written.put("unit", "s");
        written.put("attributes", java.util.Map.of());
        written.put("imputed", false);
        written.put("quality", null);
        final byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), newer).encode(written).array();

        final SchemaCatalog oldCatalog = new SchemaCatalog();
        assertNull(oldCatalog.findByFingerprint(SchemaCatalog.fingerprint(newer)));
        oldCatalog.addFallback(SchemaTopic.lookup(kafka.clientConfig(), topic));
        assertNotNull(oldCatalog.findByFingerprint(SchemaCatalog.fingerprint(newer)));
        final GenericRecord read = new BinaryMessageDecoder<GenericRecord>(GenericData.get(),
                AvroSerdeTest.load("MetricSample-old.avsc"), oldCatalog).decode(bytes);
        assertEquals("system.uptime", read.get("name").toString());
    }

    @Test
    void shouldStopLookingInTheTopicOfAServiceThatStopped(final TestKafka kafka) {
        try (Admin admin = kafka.admin()) {
            new TopicAdmin(admin).createOrCheck(List.of(Topics.SCHEMAS.withPrefix(kafka.prefix())), 1);
        }
        final int before = SchemaCatalog.global().fallbackCount();
        final Runnable stopped = SchemaTopic.install(kafka.clientConfig(), kafka.prefix());
        assertEquals(before + 1, SchemaCatalog.global().fallbackCount());
        stopped.run();
        assertEquals(before, SchemaCatalog.global().fallbackCount(), "a miss would still wait on that cluster");
    }
}
