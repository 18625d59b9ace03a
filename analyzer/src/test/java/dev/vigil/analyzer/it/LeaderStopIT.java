package dev.vigil.analyzer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import dev.vigil.analyzer.app.AnalyzerConfig;
import dev.vigil.analyzer.app.AnalyzerService;
import dev.vigil.embedded.EmbeddedKafkaCluster;
import dev.vigil.embedded.junit.LogCapture;
import dev.vigil.embedded.junit.TestKafka;
import dev.vigil.schemas.HostEvent;
import dev.vigil.schemas.LogRecord;
import dev.vigil.schemas.MetricSample;
import dev.vigil.schemas.topic.BrokerWatch;
import dev.vigil.schemas.topic.TopicAdmin;
import dev.vigil.schemas.topic.Topics;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The analyzer on a cluster of three brokers, one of which dies (SIGKILL) in the middle of its input: the broker that
 * leads most of the partitions it reads. Exactly-once must hold across the leader change: the same output, record for
 * record, as a run on the healthy cluster, without a restart of the analyzer; and it says once that the broker is
 * down.
 */
class LeaderStopIT {
    private static final int POINTS = 60;

    @Test
    void shouldProduceTheOutputOfAHealthyClusterWhenTheLeaderDiesMidStream(@TempDir final Path dir)
            throws Exception {
        final Instant start = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES);
        final List<MetricSample> metrics = ItSupport.fleet(ScaleOutIT.HOSTS, POINTS, start);
        final List<LogRecord> logs = Outputs.logs(ScaleOutIT.HOSTS, POINTS * 2, start);
        final List<HostEvent> events = Outputs.activity(ScaleOutIT.HOSTS, POINTS, start);
        try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(dir.resolve("kafka"), 3)) {
            final TestKafka healthy = new TestKafka(cluster.bootstrapServers(), "healthy.");
            final TestKafka stopped = new TestKafka(cluster.bootstrapServers(), "stopped.");
            try (Admin admin = healthy.admin()) {
                // as `vigil topics create` makes them: 3 replicas, min.insync.replicas 2
                new TopicAdmin(admin).createOrCheck(Topics.all(healthy.prefix()), 0);
                new TopicAdmin(admin).createOrCheck(Topics.all(stopped.prefix()), 0);
            }
            publish(healthy, metrics, logs, events, 0, 1);
            final AnalyzerConfig reference = new AnalyzerConfig(ScaleOutIT.settings(healthy, healthy.prefix()));
            try (AnalyzerService analyzer = AnalyzerService.start(reference)) {
                ScaleOutIT.awaitAll(healthy, reference);
            }
            final Map<String, Map<String, Integer>> expected = Outputs.read(healthy, healthy.prefix());

            // the first half, then the leader dies (SIGKILL) once the analyzer is part-way through it, then the rest
            publish(stopped, metrics, logs, events, 0, 2);
            final int leader;
            try (Admin admin = stopped.admin()) {
                leader = busiestLeader(admin, stopped.prefix());
            }
            cluster.moveToChildProcess(leader);
            final AnalyzerConfig config = new AnalyzerConfig(ScaleOutIT.settings(stopped, stopped.prefix()));
            try (LogCapture log = new LogCapture(BrokerWatch.class, Level.INFO);
                 AnalyzerService analyzer = AnalyzerService.start(config)) {
                final String metricsTopic = Topics.METRICS.withPrefix(stopped.prefix()).name();
                try (Admin admin = stopped.admin()) {
                    ItSupport.await("the analyzer to commit some of its input",
                            () -> committed(admin, config.applicationId(), metricsTopic) > 0);
                }
                cluster.killNode(leader);
                publish(stopped, metrics, logs, events, 1, 2);
                ScaleOutIT.awaitAll(stopped, config);
                assertEquals(KafkaStreams.State.RUNNING, analyzer.streams().state());

                // once the cluster has fenced it (broker.session.timeout.ms after the kill), one line says so
                ItSupport.await("the analyzer to say that a broker is down", () -> !lines(log).isEmpty());
                final List<String> lines = lines(log);
                assertEquals(1, lines.size(), lines.toString());
                assertTrue(lines.get(0).startsWith("analyzer " + config.applicationId() + ": Kafka cluster at "
                        + cluster.bootstrapServers() + ": broker " + leader + " of 3 down (fenced) since 20"),
                        lines.get(0));
            }
            final Map<String, Map<String, Integer>> actual = Outputs.read(stopped, stopped.prefix());
            assertFalse(expected.get(Topics.ANOMALIES.name()).isEmpty(), "the input should raise anomalies");
            assertTrue(Outputs.total(expected) > 500, "outputs: " + Outputs.total(expected));
            for (final String topic : expected.keySet()) {
                assertEquals(expected.get(topic), actual.get(topic), topic);
            }
        }
    }

    /** @return what the analyzer's watch said of the brokers */
    private static List<String> lines(final LogCapture log) {
        return log.messages().stream().filter(m -> m.contains(" down (fenced) since ") || m.contains(" up again"))
                .toList();
    }

    /** Publishes one part of each input: part {@code part} of {@code parts}, in the order of the whole. */
    private static void publish(final TestKafka kafka, final List<MetricSample> metrics, final List<LogRecord> logs,
                                final List<HostEvent> events, final int part, final int parts) {
        ItSupport.produce(kafka, Topics.METRICS.withPrefix(kafka.prefix()), slice(metrics, part, parts),
                MetricSample::getHost);
        ItSupport.produce(kafka, Topics.LOGS.withPrefix(kafka.prefix()), slice(logs, part, parts), LogRecord::getHost);
        ItSupport.produce(kafka, Topics.EVENTS.withPrefix(kafka.prefix()), slice(events, part, parts),
                HostEvent::getHost);
    }

    private static <V> List<V> slice(final List<V> all, final int part, final int parts) {
        return all.subList(all.size() * part / parts, all.size() * (part + 1) / parts);
    }

    private static long committed(final Admin admin, final String group, final String topic) {
        try {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
        } catch (Exception e) {
            return 0;
        }
    }

    /** @return the broker that leads the most partitions of the analyzer's inputs */
    static int busiestLeader(final Admin admin, final String prefix) throws Exception {
        final List<String> inputs = List.of(Topics.METRICS, Topics.LOGS, Topics.EVENTS).stream()
                .map(t -> t.withPrefix(prefix).name()).toList();
        final Map<Integer, Integer> led = new TreeMap<>();
        for (final TopicDescription topic : admin.describeTopics(inputs).allTopicNames().get().values()) {
            for (final TopicPartitionInfo partition : topic.partitions()) {
                led.merge(partition.leader().id(), 1, Integer::sum);
            }
        }
        return led.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }
}
