package dev.vigil.schemas.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import dev.vigil.embedded.EmbeddedKafkaBroker;
import dev.vigil.embedded.junit.LogCapture;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A service's clients lose their only broker, which comes back later on the same address. */
class BrokerWatchIT {
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    /**
     * As in a Kafka Streams service: a producer that keeps looking at its connections, and a consumer polled once and
     * then left alone (Streams' restore consumer when nothing restores), which never notices that its went away.
     */
    @Test
    void shouldSayOnceThatTheClusterIsUnreachableAndOnceThatItIsBack(@TempDir final Path dir) throws Exception {
        final LogCapture log = new LogCapture(BrokerWatch.class, Level.INFO);
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir);
        final String servers = broker.bootstrapServers();
        final Map<String, Object> client = new HashMap<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
                ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500));
        try (Admin admin = Admin.create(client)) {
            admin.createTopics(List.of(new NewTopic("watched", 1, (short) 1))).all().get();
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(client, new StringSerializer(),
                new StringSerializer());
             KafkaConsumer<byte[], byte[]> idle = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers), new ByteArrayDeserializer(),
                     new ByteArrayDeserializer());
             BrokerWatch watch = BrokerWatch.start("test service", client, () -> {
                 final Map<MetricName, Metric> all = new HashMap<>(producer.metrics());
                 all.putAll(idle.metrics());
                 return all;
             }, Duration.ofSeconds(2), Clock.systemUTC())) {
            producer.send(new ProducerRecord<>("watched", "k", "v")).get();
            idle.assign(List.of(new TopicPartition("watched", 0)));
            idle.poll(Duration.ofMillis(500));

            broker.close();
            await(log, m -> m.contains("unreachable since"));
            broker = broker.restart();
            await(log, m -> m.contains("reachable again"));

            final List<String> lines = log.messages();
            assertEquals(2, lines.size(), lines.toString());
            assertTrue(lines.get(0).startsWith("test service: Kafka cluster at " + servers + " unreachable since 20"),
                    lines.get(0));
            assertTrue(lines.get(1).startsWith("test service: Kafka cluster at " + servers + " reachable again, after "),
                    lines.get(1));
        } finally {
            log.close();
            broker.close();
        }
    }

    private static void await(final LogCapture log, final Predicate<String> line) throws InterruptedException {
        final long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (log.messages().stream().noneMatch(line)) {
            assertTrue(System.nanoTime() < deadline, "not logged within " + DEADLINE + ": " + log.messages());
            Thread.sleep(100);
        }
    }
}
