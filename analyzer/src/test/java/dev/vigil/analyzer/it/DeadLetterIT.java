package dev.vigil.analyzer.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.analyzer.app.AnalyzerConfig;
import dev.vigil.analyzer.app.AnalyzerService;
import dev.vigil.analyzer.dlq.DeadLetterHandler;
import dev.vigil.analyzer.query.StatsClient;
import dev.vigil.embedded.junit.KafkaBrokerExtension;
import dev.vigil.embedded.junit.TestKafka;
import dev.vigil.schemas.FileActivity;
import dev.vigil.schemas.HostEvent;
import dev.vigil.schemas.LogRecord;
import dev.vigil.schemas.MetricSample;
import dev.vigil.schemas.Severity;
import dev.vigil.schemas.StatsWindow;
import dev.vigil.schemas.topic.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class DeadLetterIT {

    @Test
    void shouldDeadLetterMalformedBytesWhileGoodRecordsFlowAndAnswerStatsQueries(final TestKafka kafka) {
        final String prefix = kafka.prefix();
        ItSupport.createTopics(kafka, prefix);
        final AnalyzerConfig config = new AnalyzerConfig(ItSupport.settings(kafka, prefix));
        try (AnalyzerService analyzer = AnalyzerService.start(config)) {
            final String metrics = Topics.METRICS.withPrefix(prefix).name();
            final Instant start = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES);
            final List<MetricSample> good = ItSupport.fleet(3, 20, start);
            // given: good records, then bytes that are not Avro, then an Avro header with a fingerprint nobody knows
            ItSupport.produce(kafka, Topics.METRICS.withPrefix(prefix), good.subList(0, good.size() / 2),
                    MetricSample::getHost);
            final byte[] garbage = "{\"not\": \"avro\"}".getBytes(StandardCharsets.UTF_8);
            final byte[] unknownSchema = ByteBuffer.allocate(14).put((byte) 0xC3).put((byte) 0x01)
                    .putLong(0x1234_5678_9ABC_DEF0L).putInt(42).array();
            ItSupport.produceRaw(kafka, metrics, "host-0".getBytes(StandardCharsets.UTF_8), garbage);
            ItSupport.produceRaw(kafka, metrics, "host-1".getBytes(StandardCharsets.UTF_8), unknownSchema);
            ItSupport.produce(kafka, Topics.METRICS.withPrefix(prefix), good.subList(good.size() / 2, good.size()),
                    MetricSample::getHost);
            ItSupport.awaitCommitted(kafka, config.applicationId(), metrics);

            // then: both bad records are dead-lettered with their bytes and a reason
            final List<ConsumerRecord<byte[], byte[]>> dead = ItSupport.readAll(kafka,
                    Topics.DEAD_LETTER.withPrefix(prefix).name(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            assertEquals(2, dead.size());
            final List<byte[]> values = dead.stream().map(ConsumerRecord::value).toList();
            assertTrue(values.stream().anyMatch(v -> java.util.Arrays.equals(v, garbage)));
            assertTrue(values.stream().anyMatch(v -> java.util.Arrays.equals(v, unknownSchema)));
            for (final ConsumerRecord<byte[], byte[]> d : dead) {
                final String reason = new String(d.headers().lastHeader(DeadLetterHandler.REASON_HEADER).value(),
                        StandardCharsets.UTF_8);
                assertTrue(reason.startsWith("undecodable"), reason);
            }
            assertArrayEquals("host-0".getBytes(StandardCharsets.UTF_8), dead.stream()
                    .filter(d -> java.util.Arrays.equals(d.value(), garbage)).findFirst().orElseThrow().key());

            // and: the good records before and after them all made it into statistics
            final List<StatsWindow> stats = new ArrayList<>();
            ItSupport.readAll(kafka, Topics.STATS.withPrefix(prefix).name(), new StringDeserializer(),
                    Topics.STATS.valueSerde().deserializer()).forEach(r -> stats.add(r.value()));
            final long counted = stats.stream().filter(w -> w.getWindow().equals("1m") && w.getHost().equals("host-0")
                    && w.getSeries().equals("system.cpu.utilization")).mapToLong(StatsWindow::getCount).sum();
            // 20 points, 10 s apart: the last window is still open
            assertTrue(counted >= 14 && counted < 20, "counted " + counted);
            assertEquals(Set.of("host-0", "host-1", "host-2"),
                    stats.stream().map(StatsWindow::getHost).collect(Collectors.toSet()));

            // and: the query endpoint answers what vigil stats asks
            final List<StatsWindow> queried = new StatsClient(analyzer.queryEndpoint())
                    .query("host-2", "system.memory.utilization");
            assertFalse(queried.isEmpty());
            assertTrue(queried.stream().allMatch(w -> w.getSeries().equals("system.memory.utilization")
                    && w.getHost().equals("host-2")));
        }
    }

    @Test
    void shouldDeadLetterMetricsNotKeyedByTheirHost(final TestKafka kafka) throws Exception {
        final String prefix = kafka.prefix();
        ItSupport.createTopics(kafka, prefix);
        final AnalyzerConfig config = new AnalyzerConfig(ItSupport.settings(kafka, prefix));
        try (AnalyzerService analyzer = AnalyzerService.start(config)) {
            final String metrics = Topics.METRICS.withPrefix(prefix).name();
            final Instant start = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES);
            // given: one host's points from a producer that does not key them, each series spread over two partitions
            final List<MetricSample> unkeyed = ItSupport.fleet(1, 30, start);
            final Map<String, Object> props = new HashMap<>(kafka.clientConfig());
            try (KafkaProducer<String, MetricSample> producer = new KafkaProducer<>(props,
                    Topics.METRICS.keySerde().serializer(), Topics.METRICS.valueSerde().serializer())) {
                for (int i = 0; i < unkeyed.size(); i++) {
                    producer.send(new ProducerRecord<>(metrics, i / 2 % 2, null, unkeyed.get(i))).get();
                }
            }
            ItSupport.awaitCommitted(kafka, config.applicationId(), metrics);

            // then: each is dead-lettered, saying why
            final List<ConsumerRecord<byte[], byte[]>> dead = ItSupport.readAll(kafka,
                    Topics.DEAD_LETTER.withPrefix(prefix).name(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            assertEquals(unkeyed.size(), dead.size());
            for (final ConsumerRecord<byte[], byte[]> d : dead) {
                final String reason = new String(d.headers().lastHeader(DeadLetterHandler.REASON_HEADER).value(),
                        StandardCharsets.UTF_8);
                assertTrue(reason.contains("record key null is not its host 'host-0'"), reason);
            }
            // and: no window of the host was published, where each partition's task published its own part of the
            // same windows, under the same ids
            final List<StatsWindow> stats = new ArrayList<>();
            ItSupport.readAll(kafka, Topics.STATS.withPrefix(prefix).name(), new StringDeserializer(),
                    Topics.STATS.valueSerde().deserializer()).forEach(r -> stats.add(r.value()));
            assertTrue(stats.isEmpty(), () -> stats.size() + " windows, "
                    + stats.stream().map(StatsWindow::getId).distinct().count() + " distinct ids");
        }
    }

    @Test
    void shouldDeadLetterLogsAndFileActivityNotKeyedByTheirHost(final TestKafka kafka) throws Exception {
        final String prefix = kafka.prefix();
        ItSupport.createTopics(kafka, prefix);
        final AnalyzerConfig config = new AnalyzerConfig(ItSupport.settings(kafka, prefix));
        try (AnalyzerService analyzer = AnalyzerService.start(config)) {
            final String logs = Topics.LOGS.withPrefix(prefix).name();
            final String events = Topics.EVENTS.withPrefix(prefix).name();
            final Instant start = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES);
            // given: one host's log lines and file activity from a producer that does not key them, spread over two
            // partitions, four minutes of each
            final Map<String, Object> props = new HashMap<>(kafka.clientConfig());
            try (KafkaProducer<String, LogRecord> producer = new KafkaProducer<>(props,
                    Topics.LOGS.keySerde().serializer(), Topics.LOGS.valueSerde().serializer())) {
                for (int i = 0; i < 24; i++) {
                    producer.send(new ProducerRecord<>(logs, i % 2, null, LogRecord.newBuilder().setId("l-" + i)
                            .setHost("host-0").setTime(start.plusSeconds(10L * i)).setSource("app")
                            .setMessage("GET /index " + i).setSeverity(Severity.INFO).build())).get();
                }
            }
            try (KafkaProducer<String, HostEvent> producer = new KafkaProducer<>(props,
                    Topics.EVENTS.keySerde().serializer(), Topics.EVENTS.valueSerde().serializer())) {
                for (int i = 1; i <= 24; i++) {
                    final Instant end = start.plusSeconds(10L * i);
                    producer.send(new ProducerRecord<>(events, i % 2, null, HostEvent.newBuilder().setId("e-" + i)
                            .setHost("host-0").setTime(end).setKind("file.activity").setFileActivity(FileActivity
                                    .newBuilder().setDataset("docs").setIntervalStart(end.minusSeconds(10))
                                    .setIntervalEnd(end).setModified(1).build()).build())).get();
                }
            }
            ItSupport.awaitCommitted(kafka, config.applicationId(), logs);
            ItSupport.awaitCommitted(kafka, config.applicationId(), events);

            // then: each is dead-lettered, saying why
            final List<ConsumerRecord<byte[], byte[]>> dead = ItSupport.readAll(kafka,
                    Topics.DEAD_LETTER.withPrefix(prefix).name(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            assertEquals(48, dead.size());
            for (final ConsumerRecord<byte[], byte[]> d : dead) {
                final String reason = new String(d.headers().lastHeader(DeadLetterHandler.REASON_HEADER).value(),
                        StandardCharsets.UTF_8);
                assertTrue(reason.contains("record key null is not its host 'host-0'"), reason);
            }
            // and: no window of the host was published, where each partition's task published its own counts of the
            // same minutes, under the same ids
            final List<StatsWindow> stats = new ArrayList<>();
            ItSupport.readAll(kafka, Topics.STATS.withPrefix(prefix).name(), new StringDeserializer(),
                    Topics.STATS.valueSerde().deserializer()).forEach(r -> stats.add(r.value()));
            assertTrue(stats.isEmpty(), () -> stats.size() + " windows, "
                    + stats.stream().map(StatsWindow::getId).distinct().count() + " distinct ids");
        }
    }
}
