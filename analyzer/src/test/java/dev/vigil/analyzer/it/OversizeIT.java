package dev.vigil.analyzer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.analyzer.app.AnalyzerConfig;
import dev.vigil.analyzer.app.AnalyzerService;
import dev.vigil.analyzer.dlq.DeadLetterHandler;
import dev.vigil.embedded.junit.KafkaBrokerExtension;
import dev.vigil.embedded.junit.TestKafka;
import dev.vigil.schemas.FileActivity;
import dev.vigil.schemas.HostEvent;
import dev.vigil.schemas.MetricSample;
import dev.vigil.schemas.StatsWindow;
import dev.vigil.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class OversizeIT {

    @Test
    void shouldRefuseAHostOrNameOfHundredsOfKilobytesAndGoOnWithTheRecordsBehindThem(final TestKafka kafka)
            throws Exception {
        final String prefix = kafka.prefix();
        ItSupport.createTopics(kafka, prefix);
        final AnalyzerConfig config = new AnalyzerConfig(ItSupport.settings(kafka, prefix));
        try (AnalyzerService analyzer = AnalyzerService.start(config)) {
            final String metrics = Topics.METRICS.withPrefix(prefix).name();
            final Instant start = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES);
            final String huge = "h".repeat(400_000);
            final List<MetricSample> big = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                big.add(MetricSample.newBuilder().setId("big-" + i).setHost(huge).setName("system.cpu.utilization")
                        .setTime(start.plusSeconds(70L * i)).setValue(i == 1 ? Double.NaN : 0.5).setUnit("1").build());
            }
            // a metric name of 600,000 characters, whose reason quoted it whole
            big.add(MetricSample.newBuilder().setId("long-name").setHost("host-0").setName("n".repeat(600_000))
                    .setTime(start).setValue(0.5).setUnit("1").build());
            final List<MetricSample> good = ItSupport.fleet(1, 20, start);
            try (KafkaProducer<String, MetricSample> producer = new KafkaProducer<>(kafka.clientConfig(),
                    Topics.METRICS.keySerde().serializer(), Topics.METRICS.valueSerde().serializer())) {
                // given: in one partition, points of a host whose name is 400,000 characters (keyed by it, as the
                // collector does), one of them impossible (NaN), a name of 600,000, then an ordinary host's points
                for (final MetricSample m : big) {
                    producer.send(new ProducerRecord<>(metrics, 0, m.getHost(), m)).get();
                }
                for (final MetricSample m : good) {
                    producer.send(new ProducerRecord<>(metrics, 0, m.getHost(), m)).get();
                }
            }
            // then: every record is processed (before, the dead letter of the NaN, its 800 KB with a reason quoting
            // the host, was 1.2 MB: the producer refused it, the stream thread failed and was replaced, again and again)
            ItSupport.awaitCommitted(kafka, config.applicationId(), metrics);
            // and: the four are dead-lettered with their bytes and a short reason
            final List<ConsumerRecord<byte[], byte[]>> dead = ItSupport.readAll(kafka,
                    Topics.DEAD_LETTER.withPrefix(prefix).name(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            assertEquals(big.size(), dead.size());
            for (int i = 0; i < big.size(); i++) {
                final byte[] sent = Topics.METRICS.valueSerde().serializer().serialize(metrics, big.get(i));
                final ConsumerRecord<byte[], byte[]> d = dead.stream().filter(r -> Arrays.equals(sent, r.value()))
                        .findFirst().orElseThrow();
                final String reason = new String(d.headers().lastHeader(DeadLetterHandler.REASON_HEADER).value(),
                        StandardCharsets.UTF_8);
                assertTrue(reason.length() < 1000, reason.length() + " characters");
                assertTrue(reason.contains(i < 3 ? "host of 400000 characters, more than the 253"
                        : "series name of 600000 characters, more than 512"), reason);
            }
            // and: the ordinary host's points behind them made their windows
            final List<StatsWindow> stats = new ArrayList<>();
            ItSupport.readAll(kafka, Topics.STATS.withPrefix(prefix).name(), new StringDeserializer(),
                    Topics.STATS.valueSerde().deserializer()).forEach(r -> stats.add(r.value()));
            assertTrue(stats.stream().anyMatch(w -> w.getHost().equals("host-0")), stats::toString);
            assertTrue(stats.stream().allMatch(w -> w.getHost().equals("host-0")), () -> "hosts of "
                    + stats.stream().map(w -> w.getHost().length()).distinct().toList() + " characters");
        }
    }

    @Test
    void shouldDeadLetterAFileActivityEventLargerThanADeadLetterMayBeWithoutItsBytesAndGoOn(final TestKafka kafka)
            throws Exception {
        final String prefix = kafka.prefix();
        ItSupport.createTopics(kafka, prefix);
        final AnalyzerConfig config = new AnalyzerConfig(ItSupport.settings(kafka, prefix));
        try (AnalyzerService analyzer = AnalyzerService.start(config)) {
            final String events = Topics.EVENTS.withPrefix(prefix).name();
            final Instant start = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES);
            // a busy interval: 30,000 changed paths, 1.5 MB, which vigil-events takes (records up to 8 MiB)
            final List<String> paths = new ArrayList<>();
            for (int i = 0; i < 30_000; i++) {
                paths.add(String.format("srv/data/tenant-%05d/objects/%040d.bin", i, i));
            }
            final List<HostEvent> sent = List.of(activity(start.plusSeconds(120), List.of()),
                    activity(start.plusSeconds(10), paths), activity(start.plusSeconds(130), List.of()));
            final Map<String, Object> props = new HashMap<>(kafka.clientConfig());
            props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.LARGE_RECORD_BYTES);
            try (KafkaProducer<String, HostEvent> producer = new KafkaProducer<>(props,
                    Topics.EVENTS.keySerde().serializer(), Topics.EVENTS.valueSerde().serializer())) {
                // given: in one partition, an interval, then the busy one 110 s behind it (beyond the 10 s grace:
                // refused), then the next interval
                for (final HostEvent e : sent) {
                    producer.send(new ProducerRecord<>(events, 0, e.getHost(), e)).get();
                }
            }
            // then: every record is processed (before, the dead letter of the busy interval, 1.5 MB, was refused by
            // the producer, and the stream thread failed on it again after each replacement)
            ItSupport.awaitCommitted(kafka, config.applicationId(), events);
            // and: it is dead-lettered with its reason, where its bytes are, and without them
            final List<ConsumerRecord<byte[], byte[]>> dead = ItSupport.readAll(kafka,
                    Topics.DEAD_LETTER.withPrefix(prefix).name(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            assertEquals(1, dead.size());
            final String reason = new String(dead.get(0).headers().lastHeader(DeadLetterHandler.REASON_HEADER).value(),
                    StandardCharsets.UTF_8);
            final String source = new String(dead.get(0).headers().lastHeader(DeadLetterHandler.SOURCE_HEADER).value(),
                    StandardCharsets.UTF_8);
            assertEquals(events + "/0@1", source);
            assertTrue(reason.contains("beyond the 10 s grace"), reason);
            assertTrue(reason.contains("bytes are not kept here: the dead letter would exceed 1048576 bytes; they "
                    + "stay at " + source), reason);
            assertEquals(null, dead.get(0).value());
            assertEquals("host-0", new String(dead.get(0).key(), StandardCharsets.UTF_8));
        }
    }

    private static HostEvent activity(final Instant end, final List<String> paths) {
        final FileActivity a = FileActivity.newBuilder().setDataset("docs").setIntervalStart(end.minusSeconds(10))
                .setIntervalEnd(end).setModified(paths.size()).setChangedPaths(paths).build();
        return HostEvent.newBuilder().setId("e-" + end.toEpochMilli()).setHost("host-0").setTime(end)
                .setKind("file.activity").setDataset("docs").setFileActivity(a).build();
    }
}
