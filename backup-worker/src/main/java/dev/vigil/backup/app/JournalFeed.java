package dev.vigil.backup.app;

import dev.vigil.backup.BackupException;
import dev.vigil.backup.archiver.ChangeJournal;
import dev.vigil.backup.worker.HostPartition;
import dev.vigil.backup.worker.JournalSource;
import dev.vigil.backup.worker.JournalStore;
import dev.vigil.schemas.FileActivity;
import dev.vigil.schemas.HostEvent;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the worker's {@link JournalStore} from {@code vigil-events}: it reads only the partition its
 * host name hashes to (as for commands), keeps the {@code file.activity} events of its own host and
 * datasets, and commits an offset only after the intervals before it are on disk. So a restart
 * resumes where the journal ends; events lost anyway (retention, a wiped state directory) leave a
 * gap that makes the next INCREMENTAL scan. A backup waits for the intervals it needs by asking again
 * ({@code CommandExecutor}).
 */
final class JournalFeed implements JournalSource, AutoCloseable {
    /** Event kind the collector gives an interval's file activity. */
    static final String KIND = "file.activity";
    private static final Logger LOG = LoggerFactory.getLogger(JournalFeed.class);
    private final String host;
    private final Topic<String, HostEvent> events;
    private final JournalStore store;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private final CountDownLatch started = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean running = true;

    JournalFeed(final WorkerConfig config, final JournalStore store) {
        this.host = config.hostName();
        this.events = Topics.EVENTS.withPrefix(config.topicPrefix());
        this.store = store;
        final Map<String, Object> c = config.kafkaClientConfig();
        c.put(ConsumerConfig.GROUP_ID_CONFIG, config.topicPrefix() + "vigil-worker-journal-" + host);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::loop, "vigil-worker-journal");
        this.thread.setDaemon(true);
    }

    /**
     * Starts reading and returns once the partition is assigned.
     *
     * @throws BackupException when it is not within 60 s
     */
    void start() {
        thread.start();
        try {
            if (!started.await(60, TimeUnit.SECONDS) || failure.get() != null) {
                throw new BackupException("change journal feed did not start: " + (failure.get() == null
                        ? "no partition of " + events.name() + " assigned within 60 s" : failure.get()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackupException("interrupted while starting the change journal feed", e);
        }
    }

    private void loop() {
        try {
            final List<PartitionInfo> parts = consumer.partitionsFor(events.name(), Duration.ofSeconds(30));
            if (parts == null || parts.isEmpty()) {
                throw new BackupException("topic " + events.name() + " does not exist");
            }
            final TopicPartition tp = new TopicPartition(events.name(), HostPartition.of(host, parts.size()));
            consumer.assign(List.of(tp));
            consumer.position(tp, Duration.ofSeconds(30));
            started.countDown();
            while (running) {
                final ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
                long next = -1;
                for (final ConsumerRecord<String, byte[]> r : records) {
                    keep(r);
                    next = r.offset() + 1;
                }
                if (next >= 0) {
                    // After the store forced the intervals to disk: a crash re-reads, never skips.
                    consumer.commitSync(Map.of(tp, new OffsetAndMetadata(next)));
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop.
        } catch (Throwable t) {
            failure.set(t);
            LOG.error("change journal feed stopped; INCREMENTAL backups will scan", t);
        } finally {
            started.countDown();
        }
    }

    private void keep(final ConsumerRecord<String, byte[]> r) {
        if (!host.equals(r.key())) {
            return;
        }
        final HostEvent e;
        try {
            e = events.valueSerde().deserializer().deserialize(r.topic(), r.headers(), r.value());
        } catch (RuntimeException ex) {
            // The analyzer owns the dead-letter topic for events; a lost interval only makes a backup scan.
            LOG.warn("{} offset {}: not a HostEvent, skipped: {}", r.topic(), r.offset(), ex.getMessage());
            return;
        }
        final FileActivity a = e == null ? null : e.getFileActivity();
        if (a != null && KIND.equals(e.getKind()) && host.equals(e.getHost()) && store.append(a)) {
            LOG.debug("journal of {}: interval {} of epoch {}", a.getDataset(), a.getJournalSequence(),
                    a.getWatcherEpoch());
        }
    }

    @Override
    public ChangeJournal journal(final String dataset) {
        return store.journal(dataset);
    }

    @Override
    public void covered(final String dataset, final Instant coveredFrom) {
        store.covered(dataset, coveredFrom);
    }

    /** @return why the feed stopped, or null while it runs */
    Throwable failure() {
        return failure.get();
    }

    @Override
    public void close() {
        // No wakeup first: the loop ends after its current poll (at most 500 ms) and commit, so what is on disk
        // is committed and a restart does not read it twice.
        running = false;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
            if (thread.isAlive()) {
                consumer.wakeup();
                thread.join(TimeUnit.SECONDS.toMillis(30));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!thread.isAlive()) {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
