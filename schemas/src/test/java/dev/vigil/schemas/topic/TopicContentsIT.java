package dev.vigil.schemas.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.embedded.junit.KafkaBrokerExtension;
import dev.vigil.embedded.junit.TestKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class TopicContentsIT {

    @Test
    void shouldReadEveryRecordOfTheTopic(final TestKafka kafka) throws Exception {
        final String topic = fill(kafka, 5);
        final List<String> keys = new ArrayList<>();
        TopicContents.read(kafka.clientConfig(), topic, Duration.ofSeconds(30), (k, v) -> keys.add(k));
        assertEquals(List.of("k0", "k1", "k2", "k3", "k4"), keys);
    }

    @Test
    void shouldFailNamingThePartitionWhenTheRecordsDidNotAllComeInTime(final TestKafka kafka) throws Exception {
        final String topic = fill(kafka, 5);
        final Map<String, Object> client = new java.util.HashMap<>(kafka.clientConfig());
        client.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        final Duration timeout = Duration.ofSeconds(2);
        final List<String> keys = new ArrayList<>();
        // a reader slower than the timeout (a large registry, a slow link): the first record takes all of it
        final TimeoutException e = assertThrows(TimeoutException.class, () ->
                TopicContents.read(client, topic, timeout, (k, v) -> {
                    if (keys.isEmpty()) {
                        pause(timeout.plusMillis(200));
                    }
                    keys.add(k);
                }));
        assertTrue(keys.size() < 5, keys.toString());
        assertTrue(e.getMessage().contains(topic + ": read " + keys.size() + " records in 2000 ms, not to the end of "
                + "partition 0 (at " + keys.size() + " of 5)"), e.getMessage());
    }

    private static String fill(final TestKafka kafka, final int records) throws Exception {
        final String topic = kafka.prefix() + "contents";
        try (Admin admin = kafka.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.clientConfig(),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, ("v" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
        return topic;
    }

    private static void pause(final Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
