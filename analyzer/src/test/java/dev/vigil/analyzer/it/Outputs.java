package dev.vigil.analyzer.it;

import dev.vigil.analyzer.dlq.DeadLetterHandler;
import dev.vigil.embedded.junit.TestKafka;
import dev.vigil.schemas.HostEvent;
import dev.vigil.schemas.LogRecord;
import dev.vigil.schemas.Severity;
import dev.vigil.schemas.json.RecordJson;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Every output record of one analyzer deployment, comparable as text, and input for all sources. */
final class Outputs {
    private Outputs() {
    }

    /**
     * @param kafka the broker
     * @param prefix the deployment's prefix
     * @return per output topic (without prefix), each record as "key value-json", in a count map
     */
    static Map<String, Map<String, Integer>> read(final TestKafka kafka, final String prefix) {
        final Map<String, Map<String, Integer>> out = new TreeMap<>();
        for (final Topic<?, ?> topic : List.of(Topics.STATS, Topics.ANOMALIES, Topics.FORECASTS, Topics.LOG_TEMPLATES)) {
            final Map<String, Integer> records = new TreeMap<>();
            for (final ConsumerRecord<?, ?> r : ItSupport.readAll(kafka, topic.withPrefix(prefix).name(),
                    topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
                final String value = r.value() == null ? "null" : RecordJson.write((SpecificRecord) r.value());
                records.merge(r.key() + " " + value, 1, Integer::sum);
            }
            out.put(topic.name(), records);
        }
        final Map<String, Integer> dead = new TreeMap<>();
        for (final ConsumerRecord<byte[], byte[]> r : ItSupport.readAll(kafka, Topics.DEAD_LETTER.withPrefix(prefix)
                .name(), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            dead.merge(Base64.getEncoder().encodeToString(r.value()) + " " + new String(r.headers()
                    .lastHeader(DeadLetterHandler.REASON_HEADER).value(), StandardCharsets.UTF_8), 1, Integer::sum);
        }
        out.put(Topics.DEAD_LETTER.name(), dead);
        return out;
    }

    /** @return how many records, over every topic */
    static int total(final Map<String, Map<String, Integer>> outputs) {
        return outputs.values().stream().flatMap(m -> m.values().stream()).mapToInt(Integer::intValue).sum();
    }

    /** Log lines of every host: two kinds of messages and some errors, one line every 5 s. */
    static List<LogRecord> logs(final int hosts, final int lines, final Instant start) {
        final List<LogRecord> out = new ArrayList<>();
        for (int i = 0; i < lines; i++) {
            for (int h = 0; h < hosts; h++) {
                final boolean error = i % 7 == 0;
                out.add(LogRecord.newBuilder().setId("l-" + h + "-" + i).setHost("host-" + h)
                        .setTime(start.plusSeconds(5L * i)).setSource("/var/log/app.log")
                        .setMessage(error ? "ERROR request " + i + " failed after " + (i % 13) + " ms"
                                : "Accepted connection from 10.0." + h + "." + (i % 250) + " port " + (40_000 + i))
                        .setSeverity(error ? Severity.ERROR : Severity.INFO).build());
            }
        }
        return out;
    }

    /** File activity of every host's dataset "data", one interval every 10 s, with a burst near the end. */
    static List<HostEvent> activity(final int hosts, final int intervals, final Instant start) {
        final List<HostEvent> out = new ArrayList<>();
        for (int i = 1; i <= intervals; i++) {
            for (int h = 0; h < hosts; h++) {
                final boolean burst = i == intervals - 5;
                final dev.vigil.schemas.FileActivity a = dev.vigil.schemas.FileActivity.newBuilder().setDataset("data")
                        .setIntervalStart(start.plusSeconds(10L * (i - 1))).setIntervalEnd(start.plusSeconds(10L * i))
                        .setModified(burst ? 800 : 3 + (i + h) % 4).setBytesWritten(burst ? 80_000_000 : 40_000L * (i % 5))
                        .setWriteEntropy(burst ? 7.97 : 4.2 + (i % 3) * 0.1).build();
                out.add(HostEvent.newBuilder().setId("e-" + h + "-" + i).setHost("host-" + h)
                        .setTime(start.plusSeconds(10L * i)).setKind("file.activity").setDataset("data")
                        .setFileActivity(a).build());
            }
        }
        return out;
    }
}
