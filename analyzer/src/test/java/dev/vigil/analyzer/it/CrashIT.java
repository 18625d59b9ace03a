package dev.vigil.analyzer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.analyzer.TestDirs;
import dev.vigil.analyzer.app.AnalyzerConfig;
import dev.vigil.analyzer.app.AnalyzerService;
import dev.vigil.embedded.junit.KafkaBrokerExtension;
import dev.vigil.embedded.junit.TestKafka;
import dev.vigil.schemas.topic.Topics;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Slow test (a few minutes): an analyzer JVM is killed with SIGKILL in the middle of its input. */
@ExtendWith(KafkaBrokerExtension.class)
class CrashIT {

    private static Process child(final TestKafka kafka, final String prefix, final Path state, final Path log)
            throws IOException {
        final String java = ProcessHandle.current().info().command().orElse("java");
        return new ProcessBuilder(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                AnalyzerChild.class.getName(), kafka.bootstrapServers(), prefix, state.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    private static long committed(final Admin admin, final String group, final String topic) {
        try {
            final Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
        } catch (Exception e) {
            return 0;
        }
    }

    @Test
    void shouldLoseAndDuplicateNothingWhenKilledMidStream(final TestKafka kafka) throws Exception {
        final Instant start = Instant.now().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES);
        final String reference = kafka.prefix() + "ref.";
        final String crashed = kafka.prefix() + "crash.";
        final int points = 150;
        ScaleOutIT.publish(kafka, reference, start, points);
        ScaleOutIT.publish(kafka, crashed, start, points);

        final AnalyzerConfig refConfig = new AnalyzerConfig(ScaleOutIT.settings(kafka, reference));
        try (AnalyzerService analyzer = AnalyzerService.start(refConfig)) {
            ScaleOutIT.awaitAll(kafka, refConfig);
        }
        final Map<String, Map<String, Integer>> expected = Outputs.read(kafka, reference);

        final AnalyzerConfig crashConfig = new AnalyzerConfig(ScaleOutIT.settings(kafka, crashed));
        final String metrics = Topics.METRICS.withPrefix(crashed).name();
        final Path state = TestDirs.create("analyzer-crash-state");
        final Path log = TestDirs.file("analyzer-child", ".log");
        final long total;
        try (Admin admin = kafka.admin()) {
            total = ItSupport.endOffsets(admin, metrics);
            final Process first = child(kafka, crashed, state, log);
            try {
                // when: killed (SIGKILL) once it has committed part of its input, not all
                // polled often: the child can get through its input within ItSupport.await's 200 ms
                final long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
                while (committed(admin, crashConfig.applicationId(), metrics) <= total / 10 && first.isAlive()
                        && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                assertTrue(first.isAlive(), "the child died by itself; see " + log);
                final long before = committed(admin, crashConfig.applicationId(), metrics);
                assertTrue(before < total, "the child finished before the kill; give it more input");
            } finally {
                first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            // then: a new instance finishes the work
            final Process second = child(kafka, crashed, state, log);
            try {
                ScaleOutIT.awaitAll(kafka, crashConfig);
            } finally {
                second.destroy();
                if (!second.waitFor(60, TimeUnit.SECONDS)) {
                    second.destroyForcibly();
                }
            }
        }
        final Map<String, Map<String, Integer>> actual = Outputs.read(kafka, crashed);
        assertTrue(Outputs.total(expected) > 1000);
        for (final String topic : expected.keySet()) {
            assertEquals(expected.get(topic), actual.get(topic), topic + " (child log: " + log + ")");
        }
    }
}
