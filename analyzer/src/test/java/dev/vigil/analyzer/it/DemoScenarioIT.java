package dev.vigil.analyzer.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.analyzer.app.AnalyzerConfig;
import dev.vigil.analyzer.app.AnalyzerService;
import dev.vigil.embedded.junit.KafkaBrokerExtension;
import dev.vigil.embedded.junit.TestKafka;
import dev.vigil.schemas.Anomaly;
import dev.vigil.schemas.AnomalyPhase;
import dev.vigil.schemas.MetricSample;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What {@code vigil demo} relies on, with the analyzer's default settings: a few hundred history
 * points of one metric with past event times, then a spike now, give an OPEN anomaly with a high
 * score within seconds.
 */
@ExtendWith(KafkaBrokerExtension.class)
class DemoScenarioIT {

    @Test
    void shouldOpenAHighScoreAnomalyWithinSecondsOfADemoSpike(final TestKafka kafka) {
        final String prefix = kafka.prefix();
        ItSupport.createTopics(kafka, prefix);
        final Map<String, Object> settings = new HashMap<>();
        settings.put("bootstrap.servers", kafka.bootstrapServers());
        settings.put(AnalyzerConfig.TOPIC_PREFIX_CONFIG, prefix);
        settings.put(AnalyzerConfig.STATE_DIR_CONFIG, ItSupport.tempDir("analyzer-demo").toString());
        settings.put(AnalyzerConfig.QUERY_ENDPOINT_CONFIG, "127.0.0.1:0");
        final Topic<String, MetricSample> metrics = Topics.METRICS.withPrefix(prefix);
        final Topic<String, Anomaly> anomalies = Topics.ANOMALIES.withPrefix(prefix);
        final AnalyzerConfig config = new AnalyzerConfig(settings);
        try (AnalyzerService analyzer = AnalyzerService.start(config);
             KafkaConsumer<String, Anomaly> consumer = consumer(kafka, anomalies)) {
            final Instant now = Instant.ofEpochMilli(System.currentTimeMillis());
            final Random random = new Random(3);
            final List<MetricSample> history = new ArrayList<>();
            for (int i = 300; i > 0; i--) {
                history.add(sample(now.minusSeconds(10L * i), 0.25 + 0.03 * random.nextGaussian()));
            }
            ItSupport.produce(kafka, metrics, history, MetricSample::getHost);
            ItSupport.awaitCommitted(kafka, config.applicationId(),
                    metrics.name());

            final long sent = System.nanoTime();
            ItSupport.produce(kafka, metrics, List.of(sample(now, 0.97)), MetricSample::getHost);
            Anomaly open = null;
            while (open == null && System.nanoTime() - sent < ItSupport.WAIT.toNanos()) {
                for (final ConsumerRecord<String, Anomaly> r : consumer.poll(Duration.ofMillis(100))) {
                    if (r.value().getPhase() == AnomalyPhase.OPEN && r.value().getTime().toEpochMilli() == now.toEpochMilli()) {
                        open = r.value();
                    } else {
                        System.out.println("history anomaly: " + r.value());
                    }
                }
            }
            final double seconds = (System.nanoTime() - sent) / 1e9;
            assertTrue(open != null, "no OPEN anomaly");
            assertTrue(open.getScore() >= 0.8, "score " + open.getScore());
            assertTrue(seconds < 10, "took " + seconds + " s");
            System.out.printf("demo spike: OPEN with score %.3f after %.2f s: %s%n", open.getScore(), seconds,
                    open.getExplanation());
        }
    }

    private static MetricSample sample(final Instant time, final double value) {
        return MetricSample.newBuilder().setId("demo-" + time.toEpochMilli()).setHost("demo-host")
                .setName("system.cpu.utilization").setTime(time).setValue(value).setUnit("1").build();
    }

    private static KafkaConsumer<String, Anomaly> consumer(final TestKafka kafka, final Topic<String, Anomaly> topic) {
        final Map<String, Object> props = new HashMap<>(kafka.clientConfig());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        final KafkaConsumer<String, Anomaly> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                topic.valueSerde().deserializer());
        final List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                .map(p -> new TopicPartition(topic.name(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }
}
