package dev.vigil.analyzer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.analyzer.app.AnalyzerConfig;
import dev.vigil.analyzer.app.AnalyzerService;
import dev.vigil.analyzer.logs.DigitlessWords;
import dev.vigil.embedded.junit.KafkaBrokerExtension;
import dev.vigil.embedded.junit.TestKafka;
import dev.vigil.schemas.LogRecord;
import dev.vigil.schemas.Severity;
import dev.vigil.schemas.topic.Topics;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class TemplateChurnIT {

    @Test
    void shouldGoOnMiningWhenLogTemplatesKeepAppearing(final TestKafka kafka) throws Exception {
        final String prefix = kafka.prefix();
        ItSupport.createTopics(kafka, prefix);
        final AnalyzerConfig config = new AnalyzerConfig(ItSupport.settings(kafka, prefix));
        try (AnalyzerService analyzer = AnalyzerService.start(config); Admin admin = kafka.admin()) {
            // given: one host whose every line is a template never seen, 8,000 of them (the default keeps 10,000),
            // their leading words spread over the tree's leaves (a leaf keeps 100)
            final Instant start = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES);
            final List<LogRecord> lines = new ArrayList<>();
            for (int i = 1; i <= 8000; i++) {
                lines.add(LogRecord.newBuilder().setId("line-" + i).setHost("web-1").setSource("/var/log/app.log")
                        .setTime(start.plusMillis(i * 10L)).setSeverity(Severity.INFO)
                        .setMessage(DigitlessWords.of(i % 97) + " " + DigitlessWords.of(i / 97 + 26)
                                + " request handler "
                                + DigitlessWords.of(i * 7L) + " finished job " + i
                                + " in " + i % 900 + " ms for user" + i).build());
            }
            final String logs = Topics.LOGS.withPrefix(prefix).name();
            ItSupport.produce(kafka, Topics.LOGS.withPrefix(prefix), lines, LogRecord::getHost);
            final long end = ItSupport.endOffsets(admin, logs);

            // then: all of them are processed and committed, the miner's state with them, and the analyzer runs on
            ItSupport.await("the analyzer to commit " + end + " log lines (or to fail)", () -> {
                if (analyzer.streams().state() == KafkaStreams.State.ERROR) {
                    return true;
                }
                try {
                    return admin.listConsumerGroupOffsets(config.applicationId()).partitionsToOffsetAndMetadata().get()
                            .entrySet().stream().filter(e -> e.getKey().topic().equals(logs) && e.getValue() != null)
                            .mapToLong(e -> e.getValue().offset()).sum() >= end;
                } catch (Exception e) {
                    return false;
                }
            });
            assertEquals(KafkaStreams.State.RUNNING, analyzer.streams().state());
        }
    }
}
