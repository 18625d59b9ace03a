package dev.vigil.collector.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.read.ListAppender;
import dev.vigil.collector.delivery.RecordingOutbox;
import dev.vigil.embedded.EmbeddedKafkaBroker;
import dev.vigil.schemas.DatasetSpec;
import dev.vigil.schemas.topic.TopicAdmin;
import dev.vigil.schemas.topic.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The registry follower against a real broker of its own: stopped and started again under it, without its topic. */
class DatasetRegistryRestartIT {
    private static final String PREFIX = "registry.";
    private static final String HOST = "it-host";
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void shouldWatchDatasetsRegisteredAfterTheBrokerRestartedWhileTheRegistryWasFirstRead(
            final @TempDir Path brokerDir) throws Exception {
        final EmbeddedKafkaBroker[] broker = {EmbeddedKafkaBroker.start(brokerDir, 0, Map.of())};
        final String bootstrap = broker[0].bootstrapServers();
        final Logger consumerLog = (Logger) LoggerFactory.getLogger(
                "org.apache.kafka.clients.consumer.internals.ClassicKafkaConsumer");
        final Logger registryLog = (Logger) LoggerFactory.getLogger(FileActivityMonitor.class.getPackageName()
                + ".DatasetRegistry");
        final Level consumerLevel = consumerLog.getLevel();
        final CountDownLatch stopped = new CountDownLatch(1);
        // The broker stops right after the follower found the registry's partitions, before it asks where they end:
        // on the follower's own thread, which waits meanwhile, so that its next call meets the broker away.
        final AppenderBase<ILoggingEvent> stopAtAssignment = new AppenderBase<>() {
            @Override
            protected void append(final ILoggingEvent e) {
                if (stopped.getCount() > 0 && "vigil-collector-datasets".equals(e.getThreadName())
                        && e.getFormattedMessage().contains("Assigned to partition(s)")) {
                    broker[0].close();
                    stopped.countDown();
                }
            }
        };
        final ListAppender<ILoggingEvent> said = new ListAppender<>();
        try {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                new TopicAdmin(admin).createOrCheck(Topics.all(PREFIX), 1);
            }
            final Path before = Files.createDirectories(dir.resolve("before"));
            final Path after = Files.createDirectories(dir.resolve("after"));
            register(bootstrap, "before", before);
            stopAtAssignment.start();
            said.start();
            consumerLog.setLevel(Level.INFO);
            consumerLog.addAppender(stopAtAssignment);
            registryLog.addAppender(said);
            final FileActivityMonitor monitor = new FileActivityMonitor(DatasetWatcher.Options.of("scan", 0, 1000,
                    4096, 1024), 1000, new RecordingOutbox(), HOST, Clock.systemUTC());
            // Calls that wait for the broker give up after 2 s, not the minute of Kafka's default
            try (monitor; DatasetRegistry registry = new DatasetRegistry(Map.of("bootstrap.servers", bootstrap,
                    "default.api.timeout.ms", 2000), PREFIX, HOST, Set.of(), monitor).start()) {
                assertTrue(stopped.await(WAIT.toSeconds(), TimeUnit.SECONDS), "the follower never took its partitions");
                waitUntil(() -> !said.list.isEmpty(), "the follower never said it cannot read the registry");
                broker[0] = broker[0].restart();
                register(bootstrap, "after", after);
                waitUntil(() -> monitor.datasets().equals(Set.of("before", "after")),
                        "the datasets registered before and after the restart are watched (watched: "
                                + monitor.datasets() + ")");
                assertEquals(1, said.list.stream().filter(e -> e.getLevel() == Level.WARN).count(),
                        "the broker away is said once: " + said.list);
            }
        } finally {
            consumerLog.detachAppender(stopAtAssignment);
            consumerLog.setLevel(consumerLevel);
            registryLog.detachAppender(said);
            broker[0].close();
        }
    }

    @Test
    void shouldSayOnceThatTheRegistryTopicDoesNotExistAndFollowItOnceItDoes(final @TempDir Path brokerDir)
            throws Exception {
        final Logger registryLog = (Logger) LoggerFactory.getLogger(FileActivityMonitor.class.getPackageName()
                + ".DatasetRegistry");
        final ListAppender<ILoggingEvent> said = new ListAppender<>();
        said.start();
        registryLog.addAppender(said);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(brokerDir, 0, Map.of());
             FileActivityMonitor monitor = new FileActivityMonitor(DatasetWatcher.Options.of("scan", 0, 1000, 4096,
                     1024), 1000, new RecordingOutbox(), HOST, Clock.systemUTC());
             DatasetRegistry registry = new DatasetRegistry(Map.of("bootstrap.servers", broker.bootstrapServers()),
                     PREFIX, HOST, Set.of(), monitor).start()) {
            waitUntil(() -> said.list.stream().anyMatch(e -> e.getLevel() == Level.WARN
                    && e.getFormattedMessage().contains("no such topic")), "the missing registry is said");
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                new TopicAdmin(admin).createOrCheck(Topics.all(PREFIX), 1);
            }
            register(broker.bootstrapServers(), "docs", Files.createDirectories(dir.resolve("docs")));
            waitUntil(() -> monitor.datasets().equals(Set.of("docs")), "the dataset registered once it exists");
            assertEquals(1, said.list.stream().filter(e -> e.getLevel() == Level.WARN).count(),
                    "said once: " + said.list);
        } finally {
            registryLog.detachAppender(said);
        }
    }

    /** Registers a dataset of this host, as `vigil datasets add` does. */
    private static void register(final String bootstrap, final String id, final Path path) throws Exception {
        try (KafkaProducer<String, DatasetSpec> p = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                Topics.DATASETS.keySerde().serializer(), Topics.DATASETS.valueSerde().serializer())) {
            p.send(new ProducerRecord<>(Topics.DATASETS.withPrefix(PREFIX).name(), id, DatasetSpec.newBuilder()
                    .setId(id).setHost(HOST).setTime(Instant.now()).setPath(path.toString())
                    .setRepository("/tmp/repo").build())).get(60, TimeUnit.SECONDS);
        }
    }

    private static void waitUntil(final BooleanSupplier condition, final String what) throws InterruptedException {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + WAIT);
            }
            Thread.sleep(100);
        }
    }
}
