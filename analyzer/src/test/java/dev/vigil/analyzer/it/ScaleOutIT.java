package dev.vigil.analyzer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.analyzer.app.AnalyzerConfig;
import dev.vigil.analyzer.app.AnalyzerService;
import dev.vigil.analyzer.query.StatsClient;
import dev.vigil.embedded.junit.KafkaBrokerExtension;
import dev.vigil.embedded.junit.TestKafka;
import dev.vigil.schemas.HostEvent;
import dev.vigil.schemas.LogRecord;
import dev.vigil.schemas.MetricSample;
import dev.vigil.schemas.StatsWindow;
import dev.vigil.schemas.topic.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class ScaleOutIT {
    static final int HOSTS = 12;

    /** The same input under a prefix: metrics with spikes, logs and file activity of every host. */
    static void publish(final TestKafka kafka, final String prefix, final Instant start, final int points) {
        ItSupport.createTopics(kafka, prefix);
        ItSupport.produce(kafka, Topics.METRICS.withPrefix(prefix), ItSupport.fleet(HOSTS, points, start),
                MetricSample::getHost);
        ItSupport.produce(kafka, Topics.LOGS.withPrefix(prefix), Outputs.logs(HOSTS, points * 2, start),
                LogRecord::getHost);
        ItSupport.produce(kafka, Topics.EVENTS.withPrefix(prefix), Outputs.activity(HOSTS, points, start),
                HostEvent::getHost);
    }

    static void awaitAll(final TestKafka kafka, final AnalyzerConfig config) {
        for (final var topic : List.of(Topics.METRICS, Topics.LOGS, Topics.EVENTS)) {
            ItSupport.awaitCommitted(kafka, config.applicationId(), topic.withPrefix(config.topicPrefix()).name());
        }
    }

    static Map<String, Object> settings(final TestKafka kafka, final String prefix) {
        return settings(kafka, prefix, ItSupport.tempDir("analyzer-it-state"));
    }

    static Map<String, Object> settings(final TestKafka kafka, final String prefix, final Path stateDir) {
        final Map<String, Object> s = new HashMap<>(ItSupport.settings(kafka, prefix, stateDir));
        // Quiet-series sweeps follow stream time; keep them out of these minutes of data.
        s.put(AnalyzerConfig.SERIES_IDLE_MS_CONFIG, 3_600_000L);
        return s;
    }

    private static Set<String> activeTasks(final AnalyzerService service) {
        final Set<String> tasks = new HashSet<>();
        for (final ThreadMetadata thread : service.streams().metadataForLocalThreads()) {
            for (final TaskMetadata task : thread.activeTasks()) {
                tasks.add(task.taskId().toString());
            }
        }
        return tasks;
    }

    @Test
    void shouldSplitThePartitionsAndTogetherProduceExactlyTheOutputOfOne(final TestKafka kafka) {
        final Instant start = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES);
        final String one = kafka.prefix() + "one.";
        final String two = kafka.prefix() + "two.";
        publish(kafka, one, start, 60);
        publish(kafka, two, start, 60);

        final AnalyzerConfig single = new AnalyzerConfig(settings(kafka, one));
        try (AnalyzerService analyzer = AnalyzerService.start(single)) {
            awaitAll(kafka, single);
        }
        final Map<String, Map<String, Integer>> expected = Outputs.read(kafka, one);

        final AnalyzerConfig first = new AnalyzerConfig(settings(kafka, two));
        final AnalyzerConfig second = new AnalyzerConfig(settings(kafka, two));
        try (AnalyzerService a = AnalyzerService.start(first); AnalyzerService b = AnalyzerService.start(second)) {
            ItSupport.await("both instances to hold tasks", () -> !activeTasks(a).isEmpty()
                    && !activeTasks(b).isEmpty() && activeTasks(a).size() + activeTasks(b).size() == 6);
            final Set<String> overlap = new HashSet<>(activeTasks(a));
            overlap.retainAll(activeTasks(b));
            assertTrue(overlap.isEmpty(), "tasks on both: " + overlap);
            awaitAll(kafka, first);

            // A query to either instance reaches the one that holds the host.
            for (int h = 0; h < HOSTS; h++) {
                final List<StatsWindow> viaA = new StatsClient(a.queryEndpoint()).query("host-" + h,
                        "system.cpu.utilization");
                final List<StatsWindow> viaB = new StatsClient(b.queryEndpoint()).query("host-" + h,
                        "system.cpu.utilization");
                assertFalse(viaA.isEmpty());
                assertEquals(viaA, viaB);
            }
        }
        final Map<String, Map<String, Integer>> actual = Outputs.read(kafka, two);
        assertFalse(expected.get(Topics.ANOMALIES.name()).isEmpty(), "the input should raise anomalies");
        assertFalse(expected.get(Topics.LOG_TEMPLATES.name()).isEmpty());
        assertTrue(Outputs.total(expected) > 1000, "outputs: " + Outputs.total(expected));
        for (final String topic : expected.keySet()) {
            assertEquals(expected.get(topic), actual.get(topic), topic);
        }
    }

    @Test
    void shouldHandTheClosedInstancesPartitionsOverBeforeTheSessionTimeout(final TestKafka kafka) {
        ItSupport.createTopics(kafka, kafka.prefix());
        // the session timeout stays at Kafka's default, 45 s
        final AnalyzerConfig config = new AnalyzerConfig(settings(kafka, kafka.prefix()));
        try (AnalyzerService a = AnalyzerService.start(config)) {
            final AnalyzerService b = AnalyzerService.start(new AnalyzerConfig(settings(kafka, kafka.prefix())));
            try {
                ItSupport.await("both instances to hold tasks", () -> !activeTasks(a).isEmpty()
                        && !activeTasks(b).isEmpty() && activeTasks(a).size() + activeTasks(b).size() == 6);
            } finally {
                b.close();
            }
            // a generous deadline, well below the 45 s after which the group would drop b anyway
            ItSupport.await("the remaining instance to hold all tasks", Duration.ofSeconds(30),
                    () -> activeTasks(a).size() == 6);
        }
    }
}
