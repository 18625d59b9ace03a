package dev.vigil.collector.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.collector.files.FileActivityMonitor;
import dev.vigil.embedded.junit.KafkaBrokerExtension;
import dev.vigil.embedded.junit.TestKafka;
import dev.vigil.schemas.DatasetSpec;
import dev.vigil.schemas.HostEvent;
import dev.vigil.schemas.MetricSample;
import dev.vigil.schemas.topic.TopicAdmin;
import dev.vigil.schemas.topic.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(KafkaBrokerExtension.class)
class CollectorServiceIT {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private Map<String, Object> settings(final TestKafka kafka) throws Exception {
        try (Admin admin = kafka.admin()) {
            new TopicAdmin(admin).createOrCheck(Topics.all(kafka.prefix()), 1);
        }
        final Map<String, Object> s = new HashMap<>();
        s.put("bootstrap.servers", kafka.bootstrapServers());
        s.put("topic.prefix", kafka.prefix());
        s.put("host.name", "it-host");
        s.put("state.dir", dir.resolve("state").toString());
        s.put("events.http.port", "0");
        s.put("metrics.interval.ms", "1000");
        s.put("files.interval.ms", "1000");
        s.put("delivery.linger.ms", "20");
        return s;
    }

    @Test
    void shouldPublishFilesystemFiguresThatMatchDfAndMemoryThatMatchesProcMeminfo(final TestKafka kafka)
            throws Exception {
        try (CollectorService service = CollectorService.start(new CollectorConfig(settings(kafka)))) {
            final List<MetricSample> samples = Consume.until(kafka.bootstrapServers(),
                    Topics.METRICS.withPrefix(kafka.prefix()), WAIT,
                    seen -> seen.stream().anyMatch(m -> m.getName().equals("system.filesystem.usage"))
                            && seen.stream().anyMatch(m -> m.getName().equals("system.memory.limit")));
            final Map<String, long[]> df = df("-B1", "--output=target,size,used,avail"); // bytes: size, used, avail
            final List<MetricSample> fs = samples.stream().filter(m -> m.getName().startsWith("system.filesystem."))
                    .toList();
            assertFalse(fs.isEmpty());
            int compared = 0;
            for (final MetricSample m : fs) {
                final long[] d = df.get(m.getAttributes().get("system.filesystem.mountpoint"));
                if (d == null) {
                    continue;
                }
                // Usage moves while other processes write: allow 0.5 % of the filesystem's size.
                final double tolerance = d[0] * 0.005 + 1;
                final String state = m.getAttributes().getOrDefault("system.filesystem.state", "");
                if (m.getName().equals("system.filesystem.limit")) {
                    assertEquals(d[0], m.getValue(), 0.0, "size of " + m.getAttributes());
                    compared++;
                } else if (m.getName().equals("system.filesystem.usage") && state.equals("used")) {
                    assertEquals(d[1], m.getValue(), tolerance, "used bytes of " + m.getAttributes());
                    compared++;
                } else if (m.getName().equals("system.filesystem.usage") && state.equals("free")) {
                    assertEquals(d[2], m.getValue(), tolerance, "available bytes of " + m.getAttributes());
                    compared++;
                }
            }
            assertTrue(compared >= 3, "no published mount point found in df: " + df.keySet());
            // The inode share, as df -i: a filesystem that runs out of inodes is forecast from it.
            final Map<String, long[]> inodes = df("--output=target,itotal,iused"); // inodes, used
            int inodeShares = 0;
            for (final MetricSample m : fs) {
                final long[] d = inodes.get(m.getAttributes().get("system.filesystem.mountpoint"));
                if (d != null && d[0] > 0 && m.getName().equals("system.filesystem.inodes.utilization")) {
                    assertEquals((double) d[1] / d[0], m.getValue(), 0.005 + 1000.0 / d[0],
                            "inode share of " + m.getAttributes());
                    inodeShares++;
                }
            }
            assertTrue(inodeShares >= 1, "no inode share of a mount point df -i lists: " + inodes.keySet());

            final Map<String, Long> meminfo = meminfo();
            final double total = value(samples, "system.memory.limit");
            assertEquals(meminfo.get("MemTotal"), total, 0.0, "MemTotal");
            assertEquals(meminfo.get("MemAvailable"), value(samples, "system.linux.memory.available"), total * 0.05,
                    "MemAvailable");
            assertEquals(meminfo.get("SwapTotal"), samples.stream().filter(m -> m.getName().equals("system.paging.usage"))
                    .limit(2).mapToDouble(MetricSample::getValue).sum(), meminfo.get("SwapTotal") * 0.01 + 1,
                    "swap used + free = SwapTotal");
            assertTrue(samples.stream().allMatch(m -> m.getHost().equals("it-host")));
            assertEquals(samples.size(), samples.stream().map(MetricSample::getId).distinct().count());
        }
    }

    @Test
    void shouldPublishPostedEventsAndStartWatchingRegisteredDatasets(final TestKafka kafka) throws Exception {
        final Path data = Files.createDirectories(dir.resolve("data"));
        try (CollectorService service = CollectorService.start(new CollectorConfig(settings(kafka)))) {
            final HttpResponse<String> posted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + service.eventsPort() + "/events"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"kind\":\"disk.error\",\"severity\":\"ERROR\","
                            + "\"message\":\"sda: I/O error\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(202, posted.statusCode(), posted.body());
            register(kafka, service, "docs", data);
            Files.writeString(data.resolve("report.txt"), "quarterly figures");
            final List<HostEvent> events = Consume.until(kafka.bootstrapServers(),
                    Topics.EVENTS.withPrefix(kafka.prefix()), WAIT,
                    seen -> seen.stream().anyMatch(e -> e.getKind().equals("disk.error"))
                            && seen.stream().anyMatch(e -> e.getKind().equals(FileActivityMonitor.KIND)
                            && e.getFileActivity().getChangedPaths().contains("report.txt")));
            final HostEvent disk = events.stream().filter(e -> e.getKind().equals("disk.error")).findFirst()
                    .orElseThrow();
            assertEquals("it-host", disk.getHost(), "host filled in");
            assertTrue(posted.body().contains(disk.getId()), "the id answered is the id published");
            assertTrue(events.stream().anyMatch(e -> e.getKind().equals("agent.start")));
            final Optional<HostEvent> activity = events.stream()
                    .filter(e -> e.getKind().equals(FileActivityMonitor.KIND) && e.getDataset().equals("docs"))
                    .findFirst();
            assertTrue(activity.isPresent());
            assertEquals(1, activity.get().getFileActivity().getJournalSequence());
        }
    }

    @Test
    void shouldWatchWhatTheRegistrysHistoryEndsWithSkippingWhatDoesNotDecodeAndFollowItAfter(final TestKafka kafka)
            throws Exception {
        final Path kept = Files.createDirectories(dir.resolve("kept"));
        final Path moved = Files.createDirectories(dir.resolve("moved"));
        settings(kafka); // creates the topics
        try (KafkaProducer<String, String> garbage = new KafkaProducer<>(Map.of("bootstrap.servers",
                kafka.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            garbage.send(new ProducerRecord<>(Topics.DATASETS.withPrefix(kafka.prefix()).name(), "junk", "not avro"))
                    .get(30, TimeUnit.SECONDS);
        }
        send(kafka, "gone", spec("gone", "it-host", dir.resolve("long-deleted")), "gone", null,
                "moved", spec("moved", "it-host", moved), "moved", spec("moved", "other-host", moved),
                "kept", spec("kept", "it-host", kept), "elsewhere", spec("elsewhere", "other-host", kept));
        try (CollectorService service = CollectorService.start(new CollectorConfig(settings(kafka)))) {
            waitUntil(() -> service.fileActivity().datasets().contains("kept"));
            assertEquals(java.util.Set.of("kept"), service.fileActivity().datasets(),
                    "only the datasets whose last record puts them on this host");
            send(kafka, "kept", null);
            waitUntil(() -> service.fileActivity().datasets().isEmpty());
            register(kafka, service, "moved", moved);
            assertEquals(java.util.Set.of("moved"), service.fileActivity().datasets());
        }
    }

    @Test
    void shouldSkipARegistryPathThatIsNoAbsolutePathAndGoOnFollowingTheRegistry(final TestKafka kafka)
            throws Exception {
        final Path good = Files.createDirectories(dir.resolve("good"));
        try (CollectorService service = CollectorService.start(new CollectorConfig(settings(kafka)))) {
            // Written by a tool of another team's, not `vigil datasets add`: a NUL byte, a relative path
            send(kafka, "nul", DatasetSpec.newBuilder(spec("nul", "it-host", good)).setPath("/srv/a\0b").build(),
                    "relative", DatasetSpec.newBuilder(spec("relative", "it-host", good)).setPath("srv/docs").build());
            register(kafka, service, "good", good);
            assertEquals(java.util.Set.of("good"), service.fileActivity().datasets());
        }
    }

    @Test
    void shouldPublishAnIntervalOfThousandsOfChangedPathsWholeForTheChangeJournal(final TestKafka kafka)
            throws Exception {
        final Path data = Files.createDirectories(dir.resolve("data"));
        final Map<String, Object> s = settings(kafka);
        s.put("files.mode", "scan");
        s.put("files.interval.ms", "3000");
        try (CollectorService service = CollectorService.start(new CollectorConfig(s))) {
            register(kafka, service, "many", data);
            // 15,000 paths of ~210 bytes: 3 MB of names, past Kafka's default 1 MiB record limit. Made aside and
            // renamed in at once, so that one scan sees them all however slowly a busy machine creates them.
            final Path aside = Files.createDirectories(dir.resolve("aside").resolve("d".repeat(100)));
            final int files = 15_000;
            for (int i = 0; i < files; i++) {
                Files.createFile(aside.resolve("f".repeat(100) + i));
            }
            Files.move(aside, data.resolve(aside.getFileName()));
            final java.util.Set<String> listed = new java.util.HashSet<>();
            final List<HostEvent> events = Consume.until(kafka.bootstrapServers(),
                    Topics.EVENTS.withPrefix(kafka.prefix()), WAIT, seen -> {
                        listed.clear();
                        seen.stream().filter(e -> "many".equals(e.getDataset()) && e.getFileActivity() != null)
                                .forEach(e -> listed.addAll(e.getFileActivity().getChangedPaths()));
                        return listed.size() >= files;
                    });
            final List<HostEvent> activity = events.stream()
                    .filter(e -> "many".equals(e.getDataset()) && e.getFileActivity() != null).toList();
            assertTrue(activity.stream().allMatch(e -> e.getFileActivity().getComplete()),
                    "every interval complete, none cut");
            final long largest = activity.stream().mapToLong(e -> e.getFileActivity().getChangedPaths().stream()
                    .mapToLong(String::length).sum()).max().orElse(0);
            assertTrue(largest > 1 << 20, "one event carried more than 1 MiB of paths: " + largest);
        }
    }

    /** Registers a dataset of this host, as `vigil datasets add` does, and waits until the agent watches it. */
    private static void register(final TestKafka kafka, final CollectorService service, final String id,
                                 final Path path) throws Exception {
        send(kafka, id, spec(id, "it-host", path));
        waitUntil(() -> service.fileActivity().datasets().contains(id));
    }

    private static DatasetSpec spec(final String id, final String host, final Path path) {
        return DatasetSpec.newBuilder().setId(id).setHost(host).setTime(Instant.now()).setPath(path.toString())
                .setRepository("/tmp/repo").build();
    }

    /** Writes registry records in order; a null spec removes the dataset, as `vigil datasets remove` does. */
    private static void send(final TestKafka kafka, final Object... idsAndSpecs) throws Exception {
        try (KafkaProducer<String, DatasetSpec> p = new KafkaProducer<>(Map.of("bootstrap.servers",
                kafka.bootstrapServers()), Topics.DATASETS.keySerde().serializer(),
                Topics.DATASETS.valueSerde().serializer())) {
            for (int i = 0; i < idsAndSpecs.length; i += 2) {
                p.send(new ProducerRecord<>(Topics.DATASETS.withPrefix(kafka.prefix()).name(),
                        (String) idsAndSpecs[i], (DatasetSpec) idsAndSpecs[i + 1])).get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static void waitUntil(final java.util.function.BooleanSupplier condition) throws InterruptedException {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + WAIT);
            }
            Thread.sleep(100);
        }
    }

    private static double value(final List<MetricSample> samples, final String name) {
        return samples.stream().filter(m -> m.getName().equals(name)).findFirst().orElseThrow().getValue();
    }

    /**
     * @param options df's options: its {@code --output} begins with {@code target}, the mount point
     * @return the other columns, by mount point; rows where one is not a number (df -i's "-" for a filesystem
     *     without inodes; a mount point with a space) are left out
     */
    private static Map<String, long[]> df(final String... options) throws Exception {
        final List<String> command = new java.util.ArrayList<>(List.of("df"));
        command.addAll(List.of(options));
        final Process p = new ProcessBuilder(command).start();
        final String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(30, TimeUnit.SECONDS);
        final Map<String, long[]> rows = new HashMap<>();
        for (final String line : out.split("\n")) {
            final String[] f = line.trim().split("\\s+");
            final List<String> values = List.of(f).subList(1, f.length);
            if (!values.isEmpty() && values.stream().allMatch(v -> v.matches("\\d+"))) {
                rows.put(f[0], values.stream().mapToLong(Long::parseLong).toArray());
            }
        }
        return rows;
    }

    private static Map<String, Long> meminfo() throws Exception {
        final Map<String, Long> out = new HashMap<>();
        for (final String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            final String[] f = line.split(":\\s+|\\s+");
            out.put(f[0], Long.parseLong(f[1]) * (line.endsWith("kB") ? 1024 : 1));
        }
        return out;
    }
}
