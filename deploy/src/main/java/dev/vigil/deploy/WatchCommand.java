package dev.vigil.deploy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.schemas.config.ClusterOptions;
import dev.vigil.schemas.json.RecordJson;
import dev.vigil.schemas.topic.DeadLetter;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vigil watch}: tail Vigil's topics in a readable form. */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = {"Tail Vigil's topics, one readable line per record (committed records only).",
            "Examples:",
            "  vigil watch                    # what Vigil decides and does, from now on",
            "  vigil watch decisions --from-beginning --max 20",
            "  vigil watch anomalies --json | jq .record.score"})
final class WatchCommand implements Callable<Integer> {
    /** The topics watch can tail, by short name. */
    enum Stream {
        metrics(Topics.METRICS), logs(Topics.LOGS), events(Topics.EVENTS), stats(Topics.STATS),
        anomalies(Topics.ANOMALIES), forecasts(Topics.FORECASTS), templates(Topics.LOG_TEMPLATES),
        datasets(Topics.DATASETS),
        decisions(Topics.DECISIONS), commands(Topics.COMMANDS), results(Topics.RESULTS), feedback(Topics.FEEDBACK),
        deadletter(Topics.DEAD_LETTER);

        final Topic<?, ?> topic;

        Stream(final Topic<?, ?> topic) {
            this.topic = topic;
        }
    }

    @Mixin
    ClusterOptions kafka;

    /** The names of {@link Stream}, for the help. */
    static final class StreamNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(Stream.values()).map(Enum::name).iterator();
        }
    }

    // Names, not the enum: picocli reports a name that is not a constant as an "unmatched argument", as if
    // watch took no arguments; call() names the streams instead.
    @Parameters(arity = "0..*", paramLabel = "STREAM", completionCandidates = StreamNames.class,
            description = "What to tail, any of: ${COMPLETION-CANDIDATES} (default: decisions anomalies results).")
    List<String> streams = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Option(names = "--from-beginning", description = "Start at the oldest retained record instead of now.")
    boolean fromBeginning;

    @Option(names = "--max", description = "Stop after this many records (default: no limit).")
    Long max;

    @Option(names = "--json", description = "One JSON object per line: {topic, partition, offset, time, record}.")
    boolean json;

    @Option(names = "--idle-timeout", description = "Stop after this long without a record, e.g. 30s (default: never).")
    Duration idleTimeout;

    @Override
    public Integer call() {
        final List<Stream> chosen = streams.isEmpty() ? List.of(Stream.decisions, Stream.anomalies, Stream.results)
                : streams.stream().map(this::stream).toList();
        final Map<String, Topic<?, ?>> byName = new LinkedHashMap<>();
        chosen.forEach(s -> byName.put(s.topic.withPrefix(kafka.prefix()).name(), s.topic.withPrefix(kafka.prefix())));
        final Map<String, Object> props = new HashMap<>(kafka.client());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        long seen = 0;
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            final List<TopicPartition> partitions = new ArrayList<>();
            for (final String name : byName.keySet()) {
                consumer.partitionsFor(name, Duration.ofSeconds(30))
                        .forEach(p -> partitions.add(new TopicPartition(name, p.partition())));
            }
            if (partitions.isEmpty()) {
                throw new IllegalStateException("none of " + byName.keySet() + " exists on " + kafka.bootstrapServer()
                        + "; run 'vigil topics create' first");
            }
            consumer.assign(partitions);
            if (fromBeginning) {
                consumer.seekToBeginning(partitions);
            } else {
                consumer.seekToEnd(partitions);
            }
            long lastRecord = System.nanoTime();
            while (max == null || seen < max) {
                for (final ConsumerRecord<byte[], byte[]> record : inTimeOrder(consumer.poll(Duration.ofMillis(500)))) {
                    print(record, byName.get(record.topic()), System.out);
                    lastRecord = System.nanoTime();
                    if (max != null && ++seen >= max) {
                        break;
                    }
                }
                if (idleTimeout != null && System.nanoTime() - lastRecord > idleTimeout.toNanos()) {
                    break;
                }
            }
        }
        return 0;
    }

    private Stream stream(final String name) {
        try {
            return Stream.valueOf(name.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "unknown stream '" + name + "'; one of: "
                    + String.join(", ", new StreamNames()));
        }
    }

    /**
     * A poll returns its records partition by partition: a backup's RESULT could print before the DECISION that
     * caused it. In time order they read as what happened.
     */
    static <K, V> List<ConsumerRecord<K, V>> inTimeOrder(final Iterable<ConsumerRecord<K, V>> polled) {
        final List<ConsumerRecord<K, V>> records = new ArrayList<>();
        polled.forEach(records::add);
        records.sort(java.util.Comparator.comparingLong(ConsumerRecord::timestamp));
        return records;
    }

    private void print(final ConsumerRecord<byte[], byte[]> record, final Topic<?, ?> topic, final PrintStream out) {
        final Instant time = Instant.ofEpochMilli(record.timestamp());
        Object value;
        try {
            value = topic.valueSerde().deserializer().deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            value = null;
            if (!json) {
                out.println(Timeline.at(time, "UNREADABLE " + record.topic() + "/" + record.partition() + "@"
                        + record.offset() + ": " + e.getMessage()));
                return;
            }
        }
        if (json) {
            final ObjectNode node = RecordJson.MAPPER.createObjectNode();
            node.put("topic", record.topic());
            node.put("partition", record.partition());
            node.put("offset", record.offset());
            node.put("time", time.toString());
            if (value instanceof SpecificRecord specific) {
                node.set("record", RecordJson.toNode(specific));
            } else {
                node.put("value", record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8));
                // the text above is for reading; these are the bytes, to replay once the cause is fixed
                node.put("valueBase64", record.value() == null ? null
                        : java.util.Base64.getEncoder().encodeToString(record.value()));
                node.put("reason", reason(record));
            }
            out.println(node);
            return;
        }
        if (value instanceof byte[]) {
            out.println(Timeline.at(time, "DEAD-LETTER " + record.topic() + "/" + record.partition() + "@"
                    + record.offset() + ": " + reason(record)));
            return;
        }
        out.println(Timeline.at(time, value == null ? "DELETED key=" + key(record) : Timeline.describe(value)));
    }

    private static String reason(final ConsumerRecord<byte[], byte[]> record) {
        final Header header = record.headers().lastHeader(DeadLetter.REASON_HEADER);
        return header == null ? "(no reason header)" : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String key(final ConsumerRecord<byte[], byte[]> record) {
        return record.key() == null ? "-" : new String(record.key(), StandardCharsets.UTF_8);
    }
}
