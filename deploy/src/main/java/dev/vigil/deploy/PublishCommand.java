package dev.vigil.deploy;

import dev.vigil.schemas.HostEvent;
import dev.vigil.schemas.Ids;
import dev.vigil.schemas.LogRecord;
import dev.vigil.schemas.MetricSample;
import dev.vigil.schemas.Severity;
import dev.vigil.schemas.config.ClusterOptions;
import dev.vigil.schemas.config.CommonConfig;
import dev.vigil.schemas.json.RecordJson;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vigil publish}: put one metric, log line or event on Kafka from a shell. */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = {"Publish one record to Kafka from a shell, as a collector would.",
            "Prints the record id (or the record with --json) once the broker has acknowledged it."},
        subcommands = {PublishCommand.Metric.class, PublishCommand.Log.class, PublishCommand.Event.class,
            PublishCommand.Raw.class})
final class PublishCommand implements Runnable {
    @picocli.CommandLine.Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Options every publish subcommand has. */
    static final class Common {
        @Mixin
        ClusterOptions kafka;

        @Option(names = "--host", description = "Host the record is about (default: this machine's name).")
        String host = CommonConfig.localHostName();

        @Option(names = "--time", description = "Event time, ISO-8601 (default: now).")
        Instant time;

        @Option(names = "--id", description = "Record id (default: a new one). Reusing an id makes the record a retry.")
        String id;

        @Option(names = "--json", description = "Print the published record as JSON.")
        boolean json;

        Instant time() {
            return time == null ? Instant.now() : time;
        }

        String id() {
            return id == null ? Ids.timeOrdered(Instant.now()) : id;
        }

        <V extends SpecificRecord> int send(final Topic<String, V> topic, final V record, final String host)
                throws Exception {
            final Topic<String, V> target = topic.withPrefix(kafka.prefix());
            try (KafkaProducer<byte[], byte[]> producer = Producers.bytes(kafka.client())) {
                final RecordMetadata sent = producer.send(new ProducerRecord<>(target.name(),
                        host.getBytes(StandardCharsets.UTF_8),
                        target.valueSerde().serializer().serialize(target.name(), record))).get(30, TimeUnit.SECONDS);
                if (json) {
                    System.out.println(RecordJson.write(record));
                } else {
                    System.out.println(record.get(record.getSchema().getField("id").pos()) + " -> " + sent.topic()
                            + "/" + sent.partition() + "@" + sent.offset());
                }
            }
            return 0;
        }
    }

    @Command(name = "metric", mixinStandardHelpOptions = true, description = "Publish one metric sample.")
    static final class Metric implements Callable<Integer> {
        @Mixin
        Common common;

        @Option(names = "--name", required = true, description = "Metric name, e.g. system.cpu.utilization.")
        String name;

        @Option(names = "--value", required = true, description = "The value.")
        double value;

        @Option(names = "--unit", defaultValue = "1", description = "UCUM unit: By, s, 1 (ratio), Cel... (default: 1).")
        String unit;

        @Option(names = "--attr", description = "Attribute key=value, repeatable (e.g. --attr mountpoint=/).")
        Map<String, String> attributes = new LinkedHashMap<>();

        @Override
        public Integer call() throws Exception {
            return common.send(Topics.METRICS, MetricSample.newBuilder().setId(common.id()).setHost(common.host)
                    .setTime(common.time()).setName(name).setValue(value).setUnit(unit)
                    .setAttributes(attributes).build(), common.host);
        }
    }

    @Command(name = "log", mixinStandardHelpOptions = true, description = "Publish one log record.")
    static final class Log implements Callable<Integer> {
        @Mixin
        Common common;

        @Option(names = "--message", required = true, description = "The log text.")
        String message;

        @Option(names = "--source", defaultValue = "cli", description = "Where it came from (default: cli).")
        String source;

        @Option(names = "--severity", defaultValue = "INFO",
                description = "One of ${COMPLETION-CANDIDATES} (default: INFO).")
        Severity severity;

        @Override
        public Integer call() throws Exception {
            return common.send(Topics.LOGS, LogRecord.newBuilder().setId(common.id()).setHost(common.host)
                    .setTime(common.time()).setSource(source).setMessage(message).setSeverity(severity).build(),
                    common.host);
        }
    }

    @Command(name = "event", mixinStandardHelpOptions = true,
            description = {"Publish one host event, from options or from a JSON object (RecordJson form):",
                "  vigil publish event --kind disk.error --severity ERROR --message 'sda: I/O error'",
                "  vigil publish event --from-json '{\"kind\":\"deploy\",\"message\":\"v2 rolled out\"}'"})
    static final class Event implements Callable<Integer> {
        @Mixin
        Common common;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--kind", description = "Event kind, e.g. disk.error, deploy, file.activity.")
        String kind;

        @Option(names = "--severity", defaultValue = "INFO",
                description = "One of ${COMPLETION-CANDIDATES} (default: INFO).")
        Severity severity;

        @Option(names = "--dataset", description = "Dataset the event concerns.")
        String dataset;

        @Option(names = "--message", defaultValue = "", description = "Text for people.")
        String message;

        @Option(names = "--attr", description = "Attribute key=value, repeatable.")
        Map<String, String> attributes = new LinkedHashMap<>();

        @Option(names = "--from-json", description = "The whole event as JSON; id, host and time are filled in "
                + "when absent.")
        String fromJson;

        @Override
        public Integer call() throws Exception {
            final HostEvent event;
            if (fromJson != null) {
                event = fromJson();
            } else {
                if (kind == null) {
                    throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                            "give --kind, or the whole event with --from-json");
                }
                event = HostEvent.newBuilder().setId(common.id()).setHost(common.host).setTime(common.time())
                        .setKind(kind).setSeverity(severity).setDataset(dataset).setMessage(message)
                        .setAttributes(attributes).build();
            }
            return common.send(Topics.EVENTS, event, event.getHost());
        }

        /** The event given as JSON; anything wrong with the text is bad usage (exit 2), said in one line. */
        private HostEvent fromJson() {
            final String problem;
            try {
                final com.fasterxml.jackson.databind.JsonNode parsed = RecordJson.MAPPER.readTree(fromJson);
                if (parsed instanceof com.fasterxml.jackson.databind.node.ObjectNode node) {
                    node.putIfAbsent("id", node.textNode(common.id()));
                    node.putIfAbsent("host", node.textNode(common.host));
                    node.putIfAbsent("time", node.textNode(common.time().toString()));
                    return RecordJson.read(node, HostEvent.class);
                }
                problem = "expected a JSON object ({...}), got " + (parsed == null || parsed.isMissingNode()
                        ? "nothing" : parsed.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--from-json: not valid JSON: " + e.getOriginalMessage());
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--from-json: " + e.getMessage());
            }
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--from-json: " + problem);
        }
    }

    @Command(name = "raw", mixinStandardHelpOptions = true,
            description = {"Publish arbitrary bytes to a Vigil topic, e.g. to see the analyzer route malformed",
                "input to vigil-dead-letter:", "  vigil publish raw --topic vigil-metrics --value 'not avro'"})
    static final class Raw implements Callable<Integer> {
        @Mixin
        ClusterOptions kafka;

        @Option(names = "--topic", required = true, description = "Full topic name (with the deployment's prefix).")
        String topic;

        @Option(names = "--key", description = "Key text.")
        String key;

        @Option(names = "--value", required = true, description = "Value text (sent as UTF-8 bytes).")
        String value;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            final java.util.List<String> names = Topics.all(kafka.prefix()).stream().map(Topic::name).toList();
            if (!names.contains(topic)) {
                // the producer would wait for the topic's metadata until its timeout, then fail without saying why
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--topic: '" + topic
                        + "' is not a Vigil topic of prefix '" + kafka.prefix() + "'; one of " + names);
            }
            try (KafkaProducer<byte[], byte[]> producer = Producers.bytes(kafka.client())) {
                final RecordMetadata sent = producer.send(new ProducerRecord<>(topic,
                        key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                        value.getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
                System.out.println(sent.topic() + "/" + sent.partition() + "@" + sent.offset());
            }
            return 0;
        }
    }
}
