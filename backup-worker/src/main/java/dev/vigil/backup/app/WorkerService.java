package dev.vigil.backup.app;

import dev.vigil.backup.BackupException;
import dev.vigil.backup.backend.LocalBackend;
import dev.vigil.backup.worker.CommandExecutor;
import dev.vigil.backup.worker.HostPartition;
import dev.vigil.backup.worker.JournalStore;
import dev.vigil.backup.worker.Ledger;
import dev.vigil.backup.worker.Outcome;
import dev.vigil.schemas.BackupCommand;
import dev.vigil.schemas.BackupResult;
import dev.vigil.schemas.CommandStatus;
import dev.vigil.schemas.Ids;
import dev.vigil.schemas.Progress;
import dev.vigil.schemas.IoErrors;
import dev.vigil.schemas.config.StateDirectory;
import dev.vigil.schemas.security.CommandSignature;
import dev.vigil.schemas.topic.DeadLetter;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backup worker: reads its host's commands and runs them, one at a time, exactly once.
 *
 * <p>It assigns itself the one partition of {@code vigil-commands} its host name hashes to (as
 * Kafka's default partitioner would), commits offsets under the group {@code vigil-worker-<host>},
 * and skips records of other hosts on that partition. Each command is checked (signature, expiry,
 * replay, dataset, restore target), recorded in the ledger, executed, and answered on {@code
 * vigil-results}: ACCEPTED, PROGRESS every few seconds, then SUCCEEDED or FAILED; REJECTED when
 * refused. The final result is kept in the ledger until the cluster acknowledged it ({@link ResultOutbox});
 * ACCEPTED and PROGRESS are best-effort reports. Records not signed by a key the worker trusts, checked
 * before they are decoded, and malformed records go to the dead-letter topic.
 */
public final class WorkerService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerService.class);
    /** How long one try to reach the cluster at start-up lasts (the client retries within it). */
    private static final Duration STARTUP_ATTEMPT = Duration.ofSeconds(5);
    /** How often a start-up that waits for the cluster says so. */
    private static final Duration STARTUP_WORD_EVERY = Duration.ofSeconds(60);
    private final WorkerConfig config;
    private final Clock clock;
    private final Topic<String, BackupCommand> commands;
    private final Topic<String, BackupResult> results;
    private final Topic<byte[], byte[]> deadLetter;
    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    /** The keys commands may be signed with, read again when their files change. */
    private final TrustedKeys trustedKeys;
    private final Ledger ledger;
    private final CommandExecutor executor;
    private final JournalFeed journal;
    private final ResultOutbox outbox;
    private final ScheduledExecutorService ticker;
    private final Thread thread;
    private final CountDownLatch started = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean running = true;
    private volatile List<String> registryDisagreements;
    private final FileChannel stateLock;
    /** When the cluster first refused the commit of an offset not committed since (loop thread only), or null. */
    private Instant commitRefusedSince;

    private WorkerService(final WorkerConfig config, final Clock clock) throws IOException {
        this.config = config;
        this.clock = clock;
        final String prefix = config.topicPrefix();
        this.commands = Topics.COMMANDS.withPrefix(prefix);
        this.results = Topics.RESULTS.withPrefix(prefix);
        this.deadLetter = Topics.DEAD_LETTER.withPrefix(prefix);
        this.trustedKeys = new TrustedKeys(config);
        LOG.info("worker for host {} obeys commands signed by key id(s) {}", config.hostName(),
                trustedKeys.current().keySet());
        final Path state = Path.of(config.getString(WorkerConfig.STATE_DIR_CONFIG));
        this.stateLock = lockState(state);
        // a command issued longer ago than max.age is refused as expired: its entry is not needed to refuse a replay
        this.ledger = new Ledger(state.resolve("ledger.jsonl"), Duration.ofMillis(config.getLong(
                WorkerConfig.MAX_AGE_CONFIG)), clock);
        this.journal = config.getBoolean(WorkerConfig.JOURNAL_EVENTS_CONFIG) && !config.datasetIds().isEmpty()
                ? new JournalFeed(config, new JournalStore(state.resolve("journal"), config.datasetIds(),
                        config.getInt(WorkerConfig.JOURNAL_MAX_INTERVALS_CONFIG))) : null;
        this.executor = new CommandExecutor(config, clock, journal);
        final Map<String, Object> c = config.kafkaClientConfig();
        c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId(prefix, config.hostName()));
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        final Map<String, Object> p = config.kafkaClientConfig();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        this.outbox = new ResultOutbox(ledger, producer, results.name(), config.hostName(), clock);
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread t = new Thread(r, "vigil-worker-progress");
            t.setDaemon(true);
            return t;
        });
        this.thread = new Thread(this::loop, "vigil-worker");
        trustedKeys.watch(); // last: nothing above may fail and leave its thread running
    }

    /**
     * @param prefix the deployment's topic prefix
     * @param host the worker's host
     * @return the consumer group a host's worker commits its place in (it reads its partition by assignment)
     */
    public static String groupId(final String prefix, final String host) {
        return prefix + "vigil-worker-" + host;
    }

    /**
     * One worker per state directory: a second one on the host would read the same partition and run every command
     * twice (the worker reads its partition by assignment, not as a group member, so Kafka would not stop it).
     */
    private static FileChannel lockState(final Path state) throws IOException {
        final FileChannel lock = StateDirectory.lock(state);
        if (lock == null) {
            throw new BackupException("state directory " + state + " is in use by another worker: one worker per host "
                    + "(" + WorkerConfig.STATE_DIR_CONFIG + ")");
        }
        return lock;
    }

    /**
     * Starts the worker and returns once it is assigned its partition and consuming: while the cluster does not
     * answer, it waits ({@value WorkerConfig#STARTUP_TIMEOUT_CONFIG}, without end by default).
     *
     * @param config settings
     * @return the running worker; close it to stop
     */
    public static WorkerService start(final WorkerConfig config) {
        return start(config, Clock.systemUTC());
    }

    /**
     * @param config settings
     * @param clock the time source
     * @return the running worker
     */
    public static WorkerService start(final WorkerConfig config, final Clock clock) {
        final WorkerService w;
        try {
            w = new WorkerService(config, clock);
        } catch (IOException e) {
            throw new BackupException("worker: " + IoErrors.describe(e), e);
        }
        final List<Ledger.Entry> unsent = w.ledger.unsent();
        if (!unsent.isEmpty()) {
            LOG.info("worker for host {}: sending {} final result(s) the cluster had not acknowledged before the "
                    + "worker stopped", config.hostName(), unsent.size());
        }
        unsent.forEach(w.outbox::add);
        w.thread.start();
        final Thread registry = new Thread(w::checkRegistry, "vigil-worker-registry-check");
        registry.setDaemon(true);
        registry.start();
        try {
            // the loop bounds the wait (worker.startup.timeout.ms) and counts down however it ends
            w.started.await();
            if (w.failure.get() != null) {
                w.close();
                throw new BackupException("worker did not start: " + w.failure.get().getMessage(), w.failure.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            w.close();
            throw new BackupException("interrupted while starting the worker", e);
        }
        return w;
    }

    /** Says, once, where the dataset registry and this worker's file disagree ({@link RegistryCheck}). */
    private void checkRegistry() {
        try {
            final List<String> found = RegistryCheck.disagreements(config, RegistryCheck.read(config,
                    Duration.ofSeconds(10)));
            // checked at start only: a dataset registered later (the README's order) is not said again
            found.forEach(d -> LOG.warn("worker for host {}: {} (checked at start only)", config.hostName(), d));
            registryDisagreements = found;
        } catch (RuntimeException e) {
            LOG.info("worker for host {}: the dataset registry could not be read to compare it with this worker's "
                    + "datasets: {}", config.hostName(), e.toString());
            registryDisagreements = List.of();
        }
    }

    /** @return what the check at start found, once it is done (null before) */
    List<String> registryDisagreements() {
        return registryDisagreements;
    }

    /**
     * Assigns the worker its partition and finds its place in it, waiting for a cluster that does not answer (a worker
     * started before its brokers, at boot or during an outage, is not a crash to restart in a loop).
     *
     * @return the partition, or null when closed while waiting
     * @throws BackupException when the cluster answers that the topic does not exist, or the wait is over
     */
    private TopicPartition assign() {
        final long bound = config.getLong(WorkerConfig.STARTUP_TIMEOUT_CONFIG);
        final long begin = System.nanoTime();
        Instant waitingSince = null;
        long nextWord = begin;
        while (running) {
            final long left = bound == 0 ? Long.MAX_VALUE : TimeUnit.MILLISECONDS.toNanos(bound)
                    - (System.nanoTime() - begin);
            final Duration attempt = Duration.ofNanos(Math.max(1, Math.min(left, STARTUP_ATTEMPT.toNanos())));
            try {
                final List<PartitionInfo> parts = consumer.partitionsFor(commands.name(), attempt);
                if (parts == null || parts.isEmpty()) {
                    throw new BackupException("topic " + commands.name() + " does not exist (the cluster at "
                            + bootstrap() + " says so): 'vigil topics create' creates it");
                }
                final TopicPartition tp = new TopicPartition(commands.name(), HostPartition.of(config.hostName(),
                        parts.size()));
                consumer.assign(List.of(tp));
                consumer.position(tp, attempt);
                if (waitingSince != null) {
                    LOG.info("worker for host {}: the Kafka cluster answers, after waiting since {}", config.hostName(),
                            waitingSince);
                }
                return tp;
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                if (waitingSince == null) {
                    waitingSince = clock.instant();
                }
                if (bound > 0 && System.nanoTime() - begin >= TimeUnit.MILLISECONDS.toNanos(bound)) {
                    throw new BackupException("no answer from the Kafka cluster at " + bootstrap() + " for "
                            + commands.name() + " since " + waitingSince + " (" + WorkerConfig.STARTUP_TIMEOUT_CONFIG
                            + "=" + bound + "): " + e.getMessage(), e);
                }
                if (System.nanoTime() - nextWord >= 0) {
                    nextWord = System.nanoTime() + STARTUP_WORD_EVERY.toNanos();
                    LOG.warn("worker for host {}: waiting since {} for the Kafka cluster at {} to answer for {} ({}); "
                            + "no command is read until it does; retrying{}", config.hostName(), waitingSince,
                            bootstrap(), commands.name(), e.getMessage(), bound == 0 ? " without end ("
                            + WorkerConfig.STARTUP_TIMEOUT_CONFIG + "=0), said again every "
                            + STARTUP_WORD_EVERY.toSeconds() + " s" : " for at most " + Duration.ofMillis(bound));
                }
            }
        }
        return null;
    }

    private Object bootstrap() {
        return config.kafkaClientConfig().get(WorkerConfig.BOOTSTRAP_SERVERS_CONFIG);
    }

    private void loop() {
        try {
            final TopicPartition tp = assign();
            if (tp == null) {
                return;
            }
            if (journal != null) {
                // once the cluster answers (it waits only so long), and before the first command: INCREMENTALs use it
                journal.start();
            }
            LOG.info("worker for host {} reads {} and serves datasets {}", config.hostName(), tp, config.datasetIds());
            started.countDown();
            final BrokerContact contact = new BrokerContact(Duration.ofSeconds(30));
            OffsetAndMetadata uncommitted = null;
            while (running) {
                for (final ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    handle(r);
                    uncommitted = new OffsetAndMetadata(r.offset() + 1);
                    // while the cluster refuses commits, the commands read meanwhile do not each wait for it
                    if (commitRefusedSince == null) {
                        uncommitted = commit(tp, uncommitted);
                    }
                }
                if (uncommitted != null) {
                    uncommitted = commit(tp, uncommitted);
                }
                final String news = contact.observe(connections(), System.nanoTime());
                if (news != null) {
                    LOG.warn("worker for host {}: {}", config.hostName(), news);
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop.
        } catch (Throwable t) {
            failure.set(t);
            LOG.error("worker stopped", t);
        } finally {
            started.countDown();
        }
    }

    /**
     * Commits the offset after a command that is done. A cluster that cannot take it for now (brokers down, the group
     * coordinator moving) does not stop the worker: the ledger already says the command is done, so it is not run
     * again should the offset be lost with a restart; the offset is committed, or a later one, once the cluster is
     * back. Any other error (authorization, a bug) stops the loop.
     *
     * @return null once committed, else the offset still to commit
     */
    private OffsetAndMetadata commit(final TopicPartition tp, final OffsetAndMetadata offset) {
        try {
            consumer.commitSync(Map.of(tp, offset));
        } catch (RetriableException e) {
            if (commitRefusedSince == null) {
                commitRefusedSince = clock.instant();
                LOG.warn("worker for host {}: cannot commit offset {} of {}, the cluster does not take it ({}); the "
                        + "commands it ran are recorded done in its ledger, so none runs twice; retrying",
                        config.hostName(), offset.offset(), tp, e.toString());
            } else {
                LOG.debug("worker for host {}: offset {} of {} still not committed: {}", config.hostName(),
                        offset.offset(), tp, e.toString());
            }
            return offset;
        }
        if (commitRefusedSince != null) {
            LOG.info("worker for host {}: offset {} of {} committed, after commits were refused since {}",
                    config.hostName(), offset.offset(), tp, commitRefusedSince);
            commitRefusedSince = null;
        }
        return null;
    }

    private double connections() {
        for (final var metric : consumer.metrics().entrySet()) {
            if (metric.getKey().name().equals("connection-count")
                    && metric.getKey().group().equals("consumer-metrics")) {
                return ((Number) metric.getValue().metricValue()).doubleValue();
            }
        }
        return 1; // no such metric: say nothing rather than cry wolf
    }

    private void handle(final ConsumerRecord<String, byte[]> r) {
        // The signature before anything is read of the value: anyone who can write to the topic can write bytes
        // whose declared lengths make the Avro decoder allocate gigabytes (a 40-byte record ended this loop with an
        // OutOfMemoryError, and again after every restart, as its offset was never committed). A record that is not
        // signed is also not a replay of a real command: it is a forgery.
        final String forged = unsigned(r);
        if (forged != null) {
            // the key says whose it is (the engine keys commands by host); a forgery for another host is its worker's
            if (r.key() == null || config.hostName().equals(r.key())) {
                LOG.warn("record {} of {} refused unread: {}", r.offset(), r.topic(), forged);
                deadLetter(r, forged);
            }
            return;
        }
        final BackupCommand cmd;
        try {
            cmd = commands.valueSerde().deserializer().deserialize(r.topic(), r.headers(), r.value());
        } catch (RuntimeException e) {
            deadLetter(r, "not a BackupCommand: " + e.getMessage());
            return;
        }
        if (cmd == null || !config.hostName().equals(cmd.getHost())) {
            return;
        }
        final Ledger.Entry seen = ledger.get(cmd.getId());
        if (seen != null && (seen.partition() != r.partition() || seen.offset() != r.offset())) {
            publish(cmd, CommandStatus.REJECTED, Outcome.rejected("replayed command: id " + cmd.getId()
                    + " was already received at offset " + seen.offset()), null);
            return;
        }
        if (seen != null && seen.done()) {
            return;
        }
        final String refusal = refuse(cmd, r);
        if (refusal != null) {
            LOG.warn("command {} rejected: {}", cmd.getId(), refusal);
            finish(cmd, r, Outcome.rejected(refusal));
            return;
        }
        ledger.put(entry(cmd, r, "STARTED", null));
        // a second ACCEPTED, unexplained, reads as a command sent twice: say it is the same one, run again
        final String again = seen == null ? "" : " again: a run of it that began at " + seen.time() + " was stopped "
                + "(a kill, a crash, a reboot) before it ended; it goes on from what that run finished";
        if (seen != null) {
            LOG.info("command {} ({} of {}) was running when this worker stopped: running it again, once",
                    cmd.getId(), cmd.getAction(), cmd.getDataset());
        }
        publish(cmd, CommandStatus.ACCEPTED, Outcome.succeeded(null, cmd.getAction() + " of " + cmd.getDataset()
                + " accepted" + again), null);
        final AtomicReference<Supplier<Progress>> live = new AtomicReference<>();
        final long every = config.getLong(WorkerConfig.PROGRESS_CONFIG);
        final ScheduledFuture<?> tick = ticker.scheduleAtFixedRate(() -> {
            final Supplier<Progress> p = live.get();
            if (p != null) {
                publish(cmd, CommandStatus.PROGRESS, Outcome.succeeded(null, cmd.getAction() + " running"), p.get());
            }
        }, every, every, TimeUnit.MILLISECONDS);
        final Outcome outcome;
        try {
            // a ledger entry that says STARTED is a run of this command that was killed
            outcome = executor.execute(cmd, live::set, seen != null);
        } finally {
            tick.cancel(false);
        }
        finish(cmd, r, outcome);
    }

    /**
     * Records the command DONE with its final result, then has the result sent: the ledger keeps it until the cluster
     * acknowledged it, so that neither an outage longer than the producer's timeouts nor a kill loses it.
     */
    private void finish(final BackupCommand cmd, final ConsumerRecord<String, byte[]> r, final Outcome o) {
        final BackupResult result = result(cmd, o.status(), o, null);
        final Ledger.Entry done = entry(cmd, r, "DONE", o.status().name()).withResult(cmd.getDataset(),
                results.valueSerde().serializer().serialize(results.name(), result));
        ledger.put(done);
        outbox.add(done);
    }

    /** @return why the record is not signed by a key this worker trusts, or null when it is */
    private String unsigned(final ConsumerRecord<String, byte[]> r) {
        if (r.headers().lastHeader(CommandSignature.SIGNATURE_HEADER) == null) {
            return "not signed (no " + CommandSignature.SIGNATURE_HEADER + " header): not from a decision engine";
        }
        // The key id picks the one key to verify with; it is only a claim, so a forgery naming a trusted id still
        // fails that key's check. Without one (a command signed by hand), each trusted key is tried.
        final String claimed = CommandSignature.claimedKeyId(r.headers());
        final Map<String, PublicKey> trusted = trustedKeys.current();
        if (trusted.isEmpty()) {
            // every key file was refused since the start: fail closed, and say why rather than "trusts key ids []"
            return (claimed == null ? "" : "signed with key id " + claimed + ", refused: ")
                    + trustedKeys.noKeyReason();
        }
        if (claimed == null) {
            return trusted.values().stream().anyMatch(k -> CommandSignature.verify(r.value(), r.headers(), k))
                    ? null : "invalid signature: no " + CommandSignature.KEY_ID_HEADER + " header, and no key this "
                    + "worker trusts (key ids " + trusted.keySet() + ") signed it";
        }
        final PublicKey key = trusted.get(claimed);
        if (key == null) {
            return "signed with key id " + claimed + ", which this worker does not trust ("
                    + WorkerConfig.PUBLIC_KEY_CONFIG + " holds key ids " + trusted.keySet() + "): a key removed "
                    + "from that list (retired or revoked: a command from before the rotation, or an engine still "
                    + "signing with it, to be given the new key), one never given to this worker, or a forgery";
        }
        return CommandSignature.verify(r.value(), r.headers(), key) ? null : "invalid signature by key id " + claimed
                + ", which this worker trusts: the command was altered after it was signed, or a forgery";
    }

    private String refuse(final BackupCommand cmd, final ConsumerRecord<String, byte[]> r) {
        final Instant now = clock.instant();
        if (cmd.getExpiresAt() != null && now.isAfter(cmd.getExpiresAt())) {
            return "expired at " + cmd.getExpiresAt();
        }
        final long maxAge = config.getLong(WorkerConfig.MAX_AGE_CONFIG);
        if (cmd.getTime().plusMillis(maxAge).isBefore(now)) {
            return "issued at " + cmd.getTime() + ", older than " + Duration.ofMillis(maxAge) + " (expired)";
        }
        return executor.refuse(cmd);
    }

    private Ledger.Entry entry(final BackupCommand cmd, final ConsumerRecord<?, ?> r, final String state,
                               final String status) {
        return new Ledger.Entry(cmd.getId(), state, r.partition(), r.offset(), status, clock.instant().toString(),
                cmd.getTime().toString());
    }

    /** Sends a report that may be lost (ACCEPTED, PROGRESS, the refusal of a replay); a final one: {@link #finish}. */
    private void publish(final BackupCommand cmd, final CommandStatus status, final Outcome o, final Progress p) {
        final byte[] value = results.valueSerde().serializer().serialize(results.name(), result(cmd, status, o, p));
        try {
            producer.send(new ProducerRecord<>(results.name(), cmd.getDataset(), value)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Results are reports; the ledger, not the result, guards exactly-once execution.
            LOG.error("cannot publish {} result of command {}: {}", status, cmd.getId(), e.toString());
        }
    }

    private BackupResult result(final BackupCommand cmd, final CommandStatus status, final Outcome o,
                                final Progress p) {
        return BackupResult.newBuilder()
                .setId(Ids.timeOrdered(clock.instant()))
                .setHost(config.hostName())
                .setTime(clock.instant())
                .setCommandId(cmd.getId())
                .setDataset(cmd.getDataset())
                .setAction(cmd.getAction())
                .setStatus(status)
                .setSnapshotId(o.snapshotId())
                .setLevel(o.level())
                .setParentSnapshotId(o.parentSnapshotId())
                .setFigures(o.figures())
                .setProgress(p)
                .setMessage(o.message())
                .setRetriable(o.retriable())
                .setProtectedSnapshotId(o.protectedSnapshotId())
                .build();
    }

    /**
     * Puts a record the worker refuses unread on the dead-letter topic, with the reason, before its offset is
     * committed: a cluster that does not take it for now (brokers away, the topic being recreated) is waited for, so
     * that a forgery or a broken command is never dropped unseen; the commands after it wait meanwhile. An error no
     * retry mends (authorization) leaves the record on the commands topic only, said at ERROR. A
     * worker stopped while it waits commits nothing past the record, which it reads again at its next start.
     */
    private void deadLetter(final ConsumerRecord<String, byte[]> r, final String reason) {
        // the commands topic takes 8 MiB, the dead-letter topic 1: a larger record goes there without its bytes
        final ProducerRecord<byte[], byte[]> letter = DeadLetter.record(deadLetter.name(), null,
                r.key() == null ? null : r.key().getBytes(StandardCharsets.UTF_8), r.value(), r.headers(), reason,
                DeadLetter.source(r.topic(), r.partition(), r.offset()), DeadLetter.MAX_RECORD_BYTES);
        final ProducerRecord<String, byte[]> dl = new ProducerRecord<>(deadLetter.name(), null,
                letter.key() == null ? null : r.key(), letter.value(), letter.headers());
        Instant failingSince = null;
        // paced as the results are (ResultOutbox): both are records the worker must not lose
        for (long pause = ResultOutbox.FIRST_PAUSE.toMillis(); ; pause = Math.min(2 * pause,
                ResultOutbox.MAX_PAUSE.toMillis())) {
            try {
                final java.util.concurrent.Future<?> sent = producer.send(dl);
                while (!sent.isDone()) {
                    sleepUnlessClosing(r, 100);
                }
                sent.get();
                if (failingSince != null) {
                    LOG.info("worker for host {}: record {} of {} is on {}, after the cluster did not take it since {}",
                            config.hostName(), r.offset(), r.topic(), deadLetter.name(), failingSince);
                }
                return;
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException)) {
                    LOG.error("worker for host {}: cannot put record {} of {} on {}: {}; it stays on {} only",
                            config.hostName(), r.offset(), r.topic(), deadLetter.name(), e.getCause().toString(),
                            r.topic());
                    return;
                }
                if (failingSince == null) {
                    failingSince = clock.instant();
                    LOG.warn("worker for host {}: cannot put record {} of {} on {} ({}); retrying until the cluster "
                            + "takes it, the commands after it wait", config.hostName(), r.offset(), r.topic(),
                            deadLetter.name(), e.getCause().toString());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WakeupException();
            }
            sleepUnlessClosing(r, pause);
        }
    }

    /**
     * Waits (looking every 100 ms whether {@link #close()} was called), or ends the loop without committing past the
     * record once it was.
     *
     * @throws WakeupException when the worker is closing
     */
    private void sleepUnlessClosing(final ConsumerRecord<String, byte[]> r, final long millis) {
        for (long waited = 0; waited < millis && running && !Thread.currentThread().isInterrupted(); waited += 100) {
            try {
                Thread.sleep(Math.min(100, millis - waited));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!running || Thread.currentThread().isInterrupted()) {
            LOG.warn("worker for host {}: stopped before record {} of {} was on {}; it is read again at the next start",
                    config.hostName(), r.offset(), r.topic(), deadLetter.name());
            throw new WakeupException();
        }
    }

    /** @return whether the worker's loop stopped on an error */
    public Throwable failure() {
        return failure.get();
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(TimeUnit.MINUTES.toMillis(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ticker.shutdownNow();
        trustedKeys.close();
        if (thread.isAlive()) {
            // the command in progress did not finish in time: the JVM ends it, and leaves no temporary file behind
            LocalBackend.stopSaving();
        } else {
            consumer.close();
        }
        outbox.stopSending();
        producer.close(Duration.ofSeconds(10)); // the acknowledgements of results in flight are still recorded
        outbox.close();
        if (journal != null) {
            journal.close();
        }
        ledger.close();
        try {
            stateLock.close(); // releases the lock
        } catch (IOException e) {
            LOG.debug("closing the state lock", e);
        }
    }
}
