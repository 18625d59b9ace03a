package dev.vigil.collector.files;

import dev.vigil.schemas.DatasetSpec;
import dev.vigil.schemas.Durations;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the {@code vigil-datasets} registry (compacted) from its beginning and watches every
 * dataset whose host is this host, so {@code vigil datasets add} is enough to start watching. A
 * removed spec (null value) or a spec moved to another host stops the watcher. Datasets set in the
 * configuration win over the registry. No consumer group: every agent reads the whole registry. A broker away or
 * restarting holds the follower until it is back (said once), never ends it.
 */
public final class DatasetRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DatasetRegistry.class);
    private static final Duration RETRY = Duration.ofSeconds(5);
    private static final Duration MIN_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final KafkaConsumer<String, byte[]> consumer;
    private final Topic<String, DatasetSpec> registry;
    private final String topic;
    private final String host;
    private final Set<String> configured;
    private final FileActivityMonitor monitor;
    private final Thread thread;
    private volatile boolean running = true;
    /** When reading the registry first failed ({@link System#nanoTime()}), 0 while it reads; the thread's own. */
    private long unreadableSince;
    private Duration backoff = MIN_BACKOFF;
    /** Whether the registry's topic was found missing; the thread's own. */
    private boolean absentSaid;

    /**
     * @param clientConfig bootstrap.servers and kafka.* settings
     * @param prefix topic prefix
     * @param host this host's name
     * @param configured dataset ids set in the configuration, left alone
     * @param monitor the watchers to start and stop
     */
    public DatasetRegistry(final Map<String, Object> clientConfig, final String prefix, final String host,
                           final Set<String> configured, final FileActivityMonitor monitor) {
        final Topic<String, DatasetSpec> t = Topics.DATASETS.withPrefix(prefix);
        final Map<String, Object> c = new HashMap<>(clientConfig);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // values are decoded one by one: a record that does not decode must cost that record, not the registry
        this.consumer = new KafkaConsumer<>(c, t.keySerde().deserializer(), new ByteArrayDeserializer());
        this.registry = t;
        this.topic = t.name();
        this.host = host;
        this.configured = Set.copyOf(configured);
        this.monitor = monitor;
        this.thread = new Thread(this::run, "vigil-collector-datasets");
        this.thread.setDaemon(true);
    }

    /** @return this, following the registry on a thread of its own */
    public DatasetRegistry start() {
        thread.start();
        return this;
    }

    private void run() {
        try {
            while (running && !assign()) {
                Thread.sleep(RETRY.toMillis());
            }
            // The registry's history first, then its last word per dataset: a dataset added and removed long ago
            // is neither watched for a moment nor warned about.
            final Map<String, DatasetSpec> latest = new java.util.LinkedHashMap<>();
            while (running && !caughtUp(latest)) {
                retryLater();
            }
            latest.forEach(this::apply);
            while (running) {
                if (!follow()) {
                    retryLater();
                }
            }
        } catch (WakeupException | InterruptedException e) {
            // Closing.
        } catch (RuntimeException e) {
            LOG.warn("dataset registry {}: stopped following it: {}", topic, e.getMessage(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** @return whether the registry's history up to its end is in {@code latest}; false: try again later */
    private boolean caughtUp(final Map<String, DatasetSpec> latest) {
        try {
            final Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
            while (running && end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                for (final ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofSeconds(1))) {
                    read(r, latest::put);
                }
            }
            readAgain();
            return true;
        } catch (RetriableException e) {
            cannotRead(e);
            return false;
        }
    }

    /** @return whether a poll went through; false: try again later */
    private boolean follow() {
        try {
            for (final ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofSeconds(1))) {
                read(r, this::apply);
            }
            readAgain();
            return true;
        } catch (RetriableException e) {
            cannotRead(e);
            return false;
        }
    }

    /**
     * A call that timed out (the broker restarting or away for longer than {@code default.api.timeout.ms}) is tried
     * again, said once: ending here would leave every dataset registered later unwatched until the agent restarts.
     */
    private void cannotRead(final RetriableException e) {
        if (unreadableSince == 0) {
            unreadableSince = System.nanoTime();
            LOG.warn("dataset registry {}: cannot read it ({}); trying again, backing off up to {}: datasets added or "
                    + "removed meanwhile are handled once it is read. Said again once it is", topic, e.getMessage(),
                    Durations.format(MAX_BACKOFF));
        }
    }

    private void readAgain() {
        if (unreadableSince != 0) {
            LOG.info("dataset registry {}: read again after {}", topic,
                    Durations.format(Duration.ofNanos(System.nanoTime() - unreadableSince)));
            unreadableSince = 0;
            backoff = MIN_BACKOFF;
        }
    }

    private void retryLater() throws InterruptedException {
        Thread.sleep(backoff.toMillis());
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
    }

    /**
     * Hands on a record's spec (null: the dataset was removed). One that does not decode is skipped with a warning,
     * so the dataset's last readable spec stays in force: better to keep watching than to stop on garbage.
     */
    private void read(final ConsumerRecord<String, byte[]> r, final BiConsumer<String, DatasetSpec> to) {
        final DatasetSpec spec;
        try {
            spec = r.value() == null ? null
                    : registry.valueSerde().deserializer().deserialize(r.topic(), r.headers(), r.value());
        } catch (RuntimeException e) {
            LOG.warn("dataset registry {}: skipped record {}@{} (key {}): not a DatasetSpec: {}", topic, r.partition(),
                    r.offset(), r.key(), e.getMessage());
            return;
        }
        to.accept(r.key(), spec);
    }

    private boolean assign() {
        try {
            final List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            if (parts.isEmpty()) {
                // A cluster whose topics were not created, or a topic.prefix other than the engine's: said, since
                // otherwise no dataset registered for this host would ever be watched, without a word
                if (!absentSaid) {
                    absentSaid = true;
                    LOG.warn("dataset registry {}: no such topic on the cluster; datasets registered with `vigil "
                            + "datasets add` are not watched until it exists (`vigil topics create`; the same "
                            + "topic.prefix as the decision engine's). Looked for every {}, said again once found",
                            topic, Durations.format(RETRY));
                }
                return false;
            }
            if (absentSaid) {
                LOG.info("dataset registry {}: found; following it", topic);
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            return true;
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            LOG.debug("dataset registry {} not reachable yet", topic);
            return false;
        }
    }

    private void apply(final String id, final DatasetSpec spec) {
        if (id == null || configured.contains(id)) {
            return;
        }
        if (spec == null || !host.equals(spec.getHost())) {
            monitor.unwatch(id);
        } else {
            // Checked here: an exception would end the thread that follows the registry, and with it every later
            // dataset of this host. The last usable spec stays in force, as for a record that does not decode.
            final Path path;
            try {
                path = Path.of(spec.getPath());
            } catch (InvalidPathException e) {
                LOG.warn("dataset registry {}: dataset {}: not a path ({}); skipped", topic, id, e.getMessage());
                return;
            }
            if (!path.isAbsolute()) {
                LOG.warn("dataset registry {}: dataset {}: path '{}' is not absolute; skipped", topic, id, path);
                return;
            }
            monitor.watch(id, path);
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
