package dev.vigil.collector.app;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.collector.files.FileActivityMonitor;
import dev.vigil.embedded.junit.KafkaBrokerExtension;
import dev.vigil.embedded.junit.TestKafka;
import dev.vigil.schemas.DatasetSpec;
import dev.vigil.schemas.topic.TopicAdmin;
import dev.vigil.schemas.topic.Topics;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * `vigil collector` in a child JVM in a mount namespace of its own (root only), following the registry on a real
 * broker, with datasets registered on a FUSE mount whose daemon never reads /dev/fuse: every call on it waits, as on
 * an NFS server that is away (a hard mount). The mount ends with the child.
 */
@ExtendWith(KafkaBrokerExtension.class)
class CollectorStopIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void shouldFollowTheRegistryAndStopOnSigtermWhileAWalkWaitsOnItsFilesystem(final TestKafka kafka)
            throws Exception {
        final Path hung = Files.createDirectory(dir.resolve("hung"));
        final Path later = Files.createDirectory(dir.resolve("later"));
        final Process agent = start(kafka, hung);
        try {
            assertTrue(waitForLog("collector agent running"), "the agent never said it runs: " + log());
            // As `vigil datasets add` and `remove` write them: two datasets on the mount, one removed, then another
            send(kafka, "slow", spec("slow", hung), "gone", spec("gone", hung));
            assertTrue(waitForLog("dataset gone: the first walk of"), "the waiting walk was not said: " + log());
            send(kafka, "gone", null, "later", spec("later", later));
            assertTrue(waitForLog("watching dataset later"), "the registry stopped at the waiting walk: " + log());
            assertTrue(log().stream().anyMatch(l -> l.contains("stopped watching dataset gone")), log().toString());
            Files.writeString(later.resolve("report.txt"), "quarterly figures");
            Consume.until(kafka.bootstrapServers(), Topics.EVENTS.withPrefix(kafka.prefix()), WAIT,
                    seen -> seen.stream().anyMatch(e -> FileActivityMonitor.KIND.equals(e.getKind())
                            && "later".equals(e.getDataset())
                            && e.getFileActivity().getChangedPaths().contains("report.txt")));

            final long stopping = System.nanoTime();
            agent.destroy(); // SIGTERM, as systemd and Ctrl-C stop it
            assertTrue(agent.waitFor(20, TimeUnit.SECONDS), "the agent did not stop within 20 s of SIGTERM: "
                    + log());
            final long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopping);
            Consume.until(kafka.bootstrapServers(), Topics.EVENTS.withPrefix(kafka.prefix()), WAIT,
                    seen -> seen.stream().anyMatch(e -> "agent.stop".equals(e.getKind())));
            assertTrue(took < 20_000, "stopped in " + took + " ms");
        } finally {
            agent.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Starts the agent with one configured dataset; skips without root or FUSE. */
    private Process start(final TestKafka kafka, final Path hung) throws Exception {
        assumeTrue(Files.isWritable(Path.of("/dev/fuse")) && Files.isExecutable(Path.of("/usr/bin/unshare")),
                "needs root, /dev/fuse and unshare");
        try (Admin admin = kafka.admin()) {
            new TopicAdmin(admin).createOrCheck(Topics.all(kafka.prefix()), 1);
        }
        final Path settings = dir.resolve("collector.properties");
        Files.writeString(settings, String.join("\n", "bootstrap.servers=" + kafka.bootstrapServers(),
                "topic.prefix=" + kafka.prefix(), "host.name=h", "state.dir=" + dir.resolve("state"),
                "metrics.interval.ms=1000", "files.interval.ms=500", "events.http.port=0", "delivery.linger.ms=20",
                "files.datasets=quick=" + Files.createDirectory(dir.resolve("quick")), ""));
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final Process child = new ProcessBuilder("unshare", "-m", "--propagation", "private", java, "-Xmx128m",
                "-cp", System.getProperty("java.class.path"), StartProbe.class.getName(), "exec 3<>/dev/fuse; mount -i "
                + "-t fuse.s3fs -o fd=3,rootmode=40000,user_id=0,group_id=0 hung '" + hung + "' && echo MOUNTED; read x",
                settings.toString()).redirectError(dir.resolve("agent.log").toFile()).start();
        final String first = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        if (!"MOUNTED".equals(first)) {
            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        assumeTrue("MOUNTED".equals(first), "could not mount FUSE: " + first);
        return child;
    }

    private static DatasetSpec spec(final String id, final Path path) {
        return DatasetSpec.newBuilder().setId(id).setHost("h").setTime(Instant.now()).setPath(path.toString())
                .setRepository("/tmp/repo").build();
    }

    /** Writes registry records in order; a null spec removes the dataset. */
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

    private boolean waitForLog(final String text) throws Exception {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (log().stream().anyMatch(l -> l.contains(text))) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    /** @return the agent's log, less the Kafka client's lines */
    private List<String> log() throws Exception {
        return Files.readAllLines(dir.resolve("agent.log"), StandardCharsets.ISO_8859_1).stream()
                .filter(l -> !l.contains(" o.a.k.")).toList();
    }
}
