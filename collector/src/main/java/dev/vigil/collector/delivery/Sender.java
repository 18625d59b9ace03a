package dev.vigil.collector.delivery;

import dev.vigil.schemas.serde.AvroSerde;
import dev.vigil.schemas.serde.SchemaTopic;
import dev.vigil.schemas.topic.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves records from the {@link Spool} to Kafka, oldest first per kind, events before logs before
 * metrics. A batch leaves the spool only once Kafka has acknowledged every record of it
 * ({@code acks=all}, idempotent producer); a failed batch is sent again, whole, after a backoff,
 * so a record may arrive twice but always with the same id.
 *
 * <p>One thread. When Kafka is away the spool simply grows (bounded); nothing else waits for it.
 */
public final class Sender implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Sender.class);
    private static final long MAX_BACKOFF_MS = 30_000;
    private static final List<RecordKind> ORDER = List.of(RecordKind.EVENT, RecordKind.LOG, RecordKind.METRIC);

    private final Spool spool;
    private final Map<String, Object> clientConfig;
    private final String prefix;
    private final int batchRecords;
    private final long lingerMs;
    private final Map<RecordKind, String> topics = new EnumMap<>(RecordKind.class);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean draining;
    private KafkaProducer<String, byte[]> producer;
    private boolean schemasRegistered;
    private boolean outage;
    private volatile long delivered;

    /**
     * @param spool the spool to drain
     * @param clientConfig bootstrap.servers and kafka.* settings
     * @param prefix topic prefix
     * @param options tuning
     */
    public Sender(final Spool spool, final Map<String, Object> clientConfig, final String prefix,
                  final Options options) {
        this.spool = spool;
        this.prefix = prefix;
        this.batchRecords = options.batchRecords();
        this.lingerMs = options.lingerMs();
        final Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, options.compression());
        c.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        c.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, options.deliveryTimeoutMs());
        c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(10_000, options.deliveryTimeoutMs() - 10));
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.min(10_000, options.deliveryTimeoutMs()));
        c.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 5_000);
        // A file-activity event with a long path list may be as large as vigil-events accepts.
        c.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.LARGE_RECORD_BYTES);
        c.putAll(clientConfig);
        this.clientConfig = Map.copyOf(c);
        for (final RecordKind kind : RecordKind.values()) {
            topics.put(kind, kind.topic().withPrefix(prefix).name());
        }
        this.thread = new Thread(this::run, "vigil-collector-sender");
        this.thread.setDaemon(true);
    }

    /** Tuning of the sender. @param batchRecords most records per round @param lingerMs wait for more
     * records before sending @param deliveryTimeoutMs how long one batch may take @param compression codec */
    public record Options(int batchRecords, long lingerMs, int deliveryTimeoutMs, String compression) {
    }

    /** Starts the sending thread. @return this */
    public Sender start() {
        thread.start();
        return this;
    }

    /** @return records acknowledged by Kafka since start */
    public long delivered() {
        return delivered;
    }

    private void run() {
        long backoff = 500;
        while (running) {
            try {
                if (!schemasRegistered) {
                    // Readers on other schema versions resolve ours through the schema topic.
                    SchemaTopic.register(clientConfig, Topics.SCHEMAS.withPrefix(prefix).name(),
                            ORDER.stream().map(k -> ((AvroSerde<?>) k.topic().valueSerde()).schema()).toList());
                    schemasRegistered = true;
                }
                boolean sent = false;
                for (final RecordKind kind : ORDER) {
                    sent |= sendOne(kind);
                }
                if (outage) {
                    LOG.info("Kafka reachable again; replaying the spool ({} bytes waiting)", spool.waitingBytes());
                    outage = false;
                }
                backoff = 500;
                if (!sent) {
                    if (draining) {
                        return;
                    }
                    spool.awaitAppend(1_000);
                    Thread.sleep(lingerMs);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                if (!outage) {
                    LOG.warn("Kafka at {} unreachable or refusing records ({}); spooling to disk and retrying",
                            clientConfig.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG), e.getMessage());
                    outage = true;
                } else {
                    LOG.debug("delivery still failing", e);
                }
                closeProducer();
                if (!sleep(backoff)) {
                    return;
                }
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            }
        }
    }

    /** Sends one batch of a kind and waits for its acknowledgement. @return whether one was sent */
    private boolean sendOne(final RecordKind kind) throws InterruptedException {
        final Spool.Batch batch = spool.take(kind, batchRecords);
        if (batch.isEmpty()) {
            spool.release(batch);
            return false;
        }
        boolean committed = false;
        try {
            final KafkaProducer<String, byte[]> p = producer();
            // The topic's metadata first (a new producer after an outage has none): else the first record can time out
            // waiting for it while the next ones, sent once the broker is back, get through, and the batch, sent again,
            // arrives out of order and partly twice.
            p.partitionsFor(topics.get(kind));
            final List<Future<RecordMetadata>> futures = new ArrayList<>(batch.entries().size());
            for (final Spool.Entry e : batch.entries()) {
                futures.add(p.send(new ProducerRecord<>(topics.get(kind), e.key(), e.value())));
            }
            p.flush();
            int tooLarge = 0;
            for (final Future<RecordMetadata> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException ex) {
                    if (!(ex.getCause() instanceof RecordTooLargeException)) {
                        throw new org.apache.kafka.common.KafkaException("sending " + kind.label() + " records to "
                                + topics.get(kind) + ": " + ex.getCause().getMessage(), ex.getCause());
                    }
                    tooLarge++;
                }
            }
            if (tooLarge > 0) {
                LOG.error("{} {} records larger than the broker accepts were dropped", tooLarge, kind.label());
            }
            spool.commit(batch);
            committed = true;
            delivered += batch.entries().size() - tooLarge;
            return true;
        } finally {
            if (!committed) {
                spool.release(batch);
            }
        }
    }

    private KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(clientConfig, new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    private void closeProducer() {
        if (producer != null) {
            // Unsent records are still in the spool; do not wait for them.
            producer.close(Duration.ZERO);
            producer = null;
        }
    }

    private boolean sleep(final long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Sends what waits in the spool for up to {@code drain}, then stops. What is left stays in the
     * spool for the next start.
     *
     * @param drain longest time spent sending
     */
    public void close(final Duration drain) {
        draining = true;
        try {
            thread.join(drain.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeProducer();
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
