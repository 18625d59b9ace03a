package dev.vigil.analyzer.it;

import dev.vigil.analyzer.app.AnalyzerConfig;
import dev.vigil.analyzer.app.AnalyzerService;
import dev.vigil.analyzer.logs.DigitlessWords;
import dev.vigil.embedded.EmbeddedKafkaBroker;
import dev.vigil.schemas.LogRecord;
import dev.vigil.schemas.MetricSample;
import dev.vigil.schemas.Severity;
import dev.vigil.schemas.topic.TopicAdmin;
import dev.vigil.schemas.topic.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * A churn soak of the analyzer on a real broker, by hand (not a test): an embedded broker and one AnalyzerService in
 * this process (inspect it with jcmd), fed at accelerated event time, ending now: hosts that live three hours and never
 * return, per-container series that churn every hour, log lines with ever-new parameters and a new template every ten
 * minutes. After each simulated half day it waits until the analyzer has committed everything, then prints the live
 * heap after a GC, the state directory's size, the open file descriptors, the changelog topics' records and bytes,
 * and the records per second of that half day. Run: {@code scripts/soak-analyzer.sh broker [days]}.
 */
public final class BrokerSoak {
    private static final long MINUTE = 60_000;
    private static final int LIVE_HOSTS = 40;
    private static final long HOST_LIFE = 3 * 60 * MINUTE;
    private static final int CONTAINERS = 3;
    private static final long CONTAINER_LIFE = 60 * MINUTE;

    private BrokerSoak() {
    }

    public static void main(final String[] args) throws Exception {
        final double days = args.length > 0 ? Double.parseDouble(args[0]) : 2;
        final Path dir = Files.createTempDirectory("vigil-soak");
        try {
            soak(dir, days);
        } finally {
            try (Stream<Path> all = Files.walk(dir)) {
                for (final Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static void soak(final Path dir, final double days) throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("broker"));
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                     broker.bootstrapServers()))) {
            new TopicAdmin(admin).createOrCheck(Topics.all(""), 1);
            final Map<String, Object> settings = new HashMap<>();
            settings.put("bootstrap.servers", broker.bootstrapServers());
            settings.put(AnalyzerConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
            settings.put(AnalyzerConfig.QUERY_ENDPOINT_CONFIG, "127.0.0.1:0");
            settings.put(AnalyzerConfig.SERIES_EXPIRY_MS_CONFIG, 2 * 60 * MINUTE);
            final AnalyzerConfig config = new AnalyzerConfig(settings);
            final Map<String, Object> producerProps = new HashMap<>();
            producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 20);
            try (AnalyzerService analyzer = AnalyzerService.start(config);
                 KafkaProducer<String, MetricSample> metrics = new KafkaProducer<>(producerProps,
                         Topics.METRICS.keySerde().serializer(), Topics.METRICS.valueSerde().serializer());
                 KafkaProducer<String, LogRecord> logs = new KafkaProducer<>(producerProps,
                         Topics.LOGS.keySerde().serializer(), Topics.LOGS.valueSerde().serializer())) {
                final long end = (long) (days * 24 * 60 * MINUTE);
                final Instant t0 = Instant.now().minus(end, ChronoUnit.MILLIS).truncatedTo(ChronoUnit.MINUTES);
                System.out.println("pid " + ProcessHandle.current().pid() + ", state " + dir);
                long records = 0;
                long templates = 0;
                long wall = System.nanoTime();
                for (long t = 0; t < end; t += MINUTE) {
                    final Instant at = t0.plusMillis(t);
                    for (int slot = 0; slot < LIVE_HOSTS; slot++) {
                        final long shifted = t + slot * HOST_LIFE / LIVE_HOSTS;
                        final String host = "h" + slot + "-" + shifted / HOST_LIFE;
                        metrics.send(new ProducerRecord<>(Topics.METRICS.name(), host, sample(host,
                                "system.cpu.utilization", Map.of(), at, 0.3 + 0.01 * (t / MINUTE % 7))));
                        for (int c = 0; c < CONTAINERS; c++) {
                            final long cshift = shifted + c * CONTAINER_LIFE / CONTAINERS;
                            metrics.send(new ProducerRecord<>(Topics.METRICS.name(), host, sample(host,
                                    "container.cpu.utilization", Map.of("container", "c" + c + "x"
                                            + cshift / CONTAINER_LIFE), at, 0.1 + 0.01 * (t / MINUTE % 5))));
                        }
                        logs.send(new ProducerRecord<>(Topics.LOGS.name(), host, line(host, at, "user u"
                                + UUID.randomUUID() + " logged in from 10.0." + slot + "." + t / MINUTE % 250)));
                        records += CONTAINERS + 2;
                    }
                    if (t % (10 * MINUTE) == 0) {
                        final String word = DigitlessWords.of(templates++);
                        logs.send(new ProducerRecord<>(Topics.LOGS.name(), "h0-x", line("h0-x", at,
                                "subsystem " + word + " entered state " + word + "ing")));
                        records++;
                    }
                    if ((t + MINUTE) % (12 * 60 * MINUTE) == 0 || t + MINUTE >= end) {
                        metrics.flush();
                        logs.flush();
                        awaitCommitted(admin, config.applicationId());
                        final double seconds = (System.nanoTime() - wall) / 1e9;
                        report(admin, dir.resolve("state"), String.format("day %4.1f records/s=%.0f",
                                (t + MINUTE) / 86_400_000.0, records / seconds));
                        records = 0;
                        wall = System.nanoTime();
                    }
                }
            }
        }
    }

    private static MetricSample sample(final String host, final String name, final Map<String, String> attributes,
                                       final Instant at, final double value) {
        return MetricSample.newBuilder().setId(UUID.randomUUID().toString()).setHost(host).setName(name)
                .setTime(at).setValue(value).setUnit("1").setAttributes(attributes).build();
    }

    private static LogRecord line(final String host, final Instant at, final String message) {
        return LogRecord.newBuilder().setId(UUID.randomUUID().toString()).setHost(host).setTime(at)
                .setSource("/var/log/app.log").setMessage(message).setSeverity(Severity.INFO).build();
    }

    private static void awaitCommitted(final Admin admin, final String group) throws Exception {
        for (final String topic : List.of(Topics.METRICS.name(), Topics.LOGS.name())) {
            final long end = ItSupport.endOffsets(admin, topic);
            ItSupport.await("the analyzer to commit " + topic, java.time.Duration.ofMinutes(10), () -> {
                try {
                    return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet()
                            .stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                            .mapToLong(e -> e.getValue().offset()).sum() >= end;
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    private static void report(final Admin admin, final Path state, final String head) throws Exception {
        System.gc();
        final long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        final long fds;
        try (Stream<Path> open = Files.list(Path.of("/proc/self/fd"))) {
            fds = open.count();
        }
        // changelogs: records (end offsets, tombstones included) and bytes on the broker's disk
        final List<String> changelogs = admin.listTopics().names().get().stream()
                .filter(n -> n.endsWith("-changelog")).sorted().toList();
        final Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (final var d : admin.describeTopics(changelogs).allTopicNames().get().values()) {
            d.partitions().forEach(p -> latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest()));
        }
        final Map<String, Long> counts = new TreeMap<>();
        admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all().get()
                .forEach((tp, o) -> counts.merge(tp.topic(), o.offset(), Long::sum));
        final Map<String, Long> bytes = new TreeMap<>();
        admin.describeLogDirs(List.of(1)).allDescriptions().get().values().forEach(dirs -> dirs.values().forEach(
                d -> d.replicaInfos().forEach((tp, r) -> bytes.merge(tp.topic(), r.size(), Long::sum))));
        final StringBuilder out = new StringBuilder(String.format("%s heapMiB=%d stateMiB=%.1f fds=%d |", head,
                heap >> 20, size(state) / 1048576.0, fds));
        for (final String c : changelogs) {
            out.append(String.format(" %s=%d/%.1fMiB", c.replace("vigil-analyzer-", "").replace("-changelog", ""),
                    counts.getOrDefault(c, 0L), bytes.getOrDefault(c, 0L) / 1048576.0));
        }
        System.out.println(out);
    }

    private static long size(final Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            final List<Path> all = new ArrayList<>(files.filter(Files::isRegularFile).toList());
            long sum = 0;
            for (final Path p : all) {
                try {
                    sum += Files.size(p);
                } catch (IOException gone) {
                    // RocksDB removed it meanwhile
                }
            }
            return sum;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
