package dev.vigil.deploy.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.deploy.Vigil;
import dev.vigil.embedded.junit.KafkaBrokerExtension;
import dev.vigil.embedded.junit.TestKafka;
import dev.vigil.schemas.json.RecordJson;
import dev.vigil.schemas.topic.DeadLetter;
import dev.vigil.schemas.topic.TopicAdmin;
import dev.vigil.schemas.topic.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code vigil status} counting a flood of dead letters of one problem, each naming its own record. */
@ExtendWith(KafkaBrokerExtension.class)
class DeadLetterReasonsIT {

    @Test
    void shouldCountTheDeadLettersOfOneProblemInOneRowWhateverRecordAndFigureEachNames(final TestKafka kafka)
            throws Exception {
        final String prefix = kafka.prefix();
        try (Admin admin = kafka.admin()) {
            new TopicAdmin(admin).createOrCheck(Topics.all(prefix), 1);
        }
        final String topic = Topics.DEAD_LETTER.withPrefix(prefix).name();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.clientConfig(),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            // as the analyzer writes them: the record's id and its value in each reason
            for (int i = 0; i < 25; i++) {
                send(producer, topic, "metric web-3/cpu.utilization (id " + UUID.randomUUID() + "): utilization "
                        + (1.5 + i) + " outside [0, 1] (cpu.utilization)");
            }
            for (char c = 'a'; c <= 'k'; c++) {
                send(producer, topic, "problem " + c);
            }
            producer.flush();
        }
        final String[] cluster = {"--bootstrap-server", kafka.bootstrapServers(), "--topic-prefix", prefix};

        final StringWriter json = new StringWriter();
        Vigil.commandLine().setOut(new PrintWriter(json)).execute(args(cluster, "--json"));
        final JsonNode byReason = RecordJson.MAPPER.readTree(json.toString()).get("deadLetters").get("byReason");
        assertEquals(12, byReason.size(), byReason.toString());
        assertEquals(25, byReason.get("metric web-N/cpu.utilization: utilization N.N outside [N, N] "
                + "(cpu.utilization)").asLong(), byReason.toString());
        // grouped, the host is web-N: the group's last reason, as written, says which
        final JsonNode examples = RecordJson.MAPPER.readTree(json.toString()).get("deadLetters").get("examples");
        assertEquals("metric web-3/cpu.utilization: utilization 25.5 outside [0, 1] (cpu.utilization)",
                examples.get("metric web-N/cpu.utilization: utilization N.N outside [N, N] (cpu.utilization)")
                        .asText(), examples.toString());

        final StringWriter text = new StringWriter();
        Vigil.commandLine().setOut(new PrintWriter(text)).execute(args(cluster));
        assertTrue(text.toString().matches("(?s).*BY REASON\n +25 +metric web-N/cpu\\.utilization: .*\n +e\\.g\\. metric "
                + "web-3/cpu\\.utilization: utilization 25\\.5 .*\n +1 +problem a\n"
                + ".*\n +2 +\\(2 other reasons: --json lists them\\)\n"), text.toString());
    }

    private static String[] args(final String[] cluster, final String... more) {
        final String[] all = new String[cluster.length + 1 + more.length];
        all[0] = "status";
        System.arraycopy(cluster, 0, all, 1, cluster.length);
        System.arraycopy(more, 0, all, 1 + cluster.length, more.length);
        return all;
    }

    private static void send(final KafkaProducer<byte[], byte[]> producer, final String topic, final String reason) {
        final ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, "web-1".getBytes(StandardCharsets.UTF_8),
                "bytes".getBytes(StandardCharsets.UTF_8));
        r.headers().add(DeadLetter.REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        r.headers().add(DeadLetter.SOURCE_HEADER, "vigil-metrics/0@1".getBytes(StandardCharsets.UTF_8));
        producer.send(r);
    }
}
