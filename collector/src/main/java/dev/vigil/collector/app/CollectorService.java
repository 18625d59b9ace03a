package dev.vigil.collector.app;

import dev.vigil.collector.CollectorException;
import dev.vigil.collector.delivery.Outbox;
import dev.vigil.collector.delivery.RecordKind;
import dev.vigil.collector.delivery.Sender;
import dev.vigil.collector.delivery.Spool;
import dev.vigil.collector.delivery.SpoolOutbox;
import dev.vigil.collector.events.ClockWatch;
import dev.vigil.collector.events.EventEndpoint;
import dev.vigil.collector.files.DatasetRegistry;
import dev.vigil.collector.files.DatasetWatcher;
import dev.vigil.collector.files.FileActivityMonitor;
import dev.vigil.collector.logs.LogTailer;
import dev.vigil.collector.metrics.HostMetrics;
import dev.vigil.schemas.HostEvent;
import dev.vigil.schemas.Ids;
import dev.vigil.schemas.MetricSample;
import dev.vigil.schemas.Severity;
import dev.vigil.schemas.config.StateDirectory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collector agent: host metrics, log tailing, file activity, posted and own events, all through
 * the spool to Kafka. {@link #start} returns once every part runs (Kafka need not be reachable:
 * records wait in the spool); each dataset's file activity starts when its own first walk is done, which nothing else
 * waits for; {@link #close()} stops it and leaves undelivered records in the spool.
 */
public final class CollectorService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CollectorService.class);
    private static final Duration DRAIN_ON_CLOSE = Duration.ofSeconds(5);

    private final CollectorConfig config;
    private final Clock clock;
    private final String host;
    private final FileChannel lockChannel;
    private final Spool spool;
    private final Outbox outbox;
    private final Sender sender;
    private final ScheduledExecutorService scheduler;
    private LogTailer tailer;
    private FileActivityMonitor files;
    private DatasetRegistry registry;
    private EventEndpoint endpoint;

    private CollectorService(final CollectorConfig config, final Clock clock) throws IOException {
        this.config = config;
        this.clock = clock;
        this.host = config.hostName();
        final Path state = config.stateDir();
        this.lockChannel = StateDirectory.lock(state);
        if (lockChannel == null) {
            throw new CollectorException("state directory " + state + " is in use by another collector agent");
        }
        this.spool = Spool.open(state.resolve("spool"), config.getLong(CollectorConfig.SPOOL_MAX_BYTES_CONFIG),
                config.getInt(CollectorConfig.SPOOL_SEGMENT_BYTES_CONFIG));
        this.outbox = new SpoolOutbox(spool);
        this.sender = new Sender(spool, config.kafkaClientConfig(), config.topicPrefix(), new Sender.Options(
                config.getInt(CollectorConfig.DELIVERY_BATCH_RECORDS_CONFIG),
                config.getLong(CollectorConfig.DELIVERY_LINGER_MS_CONFIG),
                config.getInt(CollectorConfig.DELIVERY_TIMEOUT_MS_CONFIG),
                config.getString(CollectorConfig.DELIVERY_COMPRESSION_CONFIG)));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread t = new Thread(r, "vigil-collector-scheduler");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts the agent with the system clock.
     *
     * @param config settings
     * @return the running agent
     */
    public static CollectorService start(final CollectorConfig config) {
        return start(config, Clock.systemUTC());
    }

    /**
     * Starts the agent.
     *
     * @param config settings
     * @param clock time of every record
     * @return the running agent
     */
    public static CollectorService start(final CollectorConfig config, final Clock clock) {
        final CollectorService s;
        try {
            s = new CollectorService(config, clock);
        } catch (IOException e) {
            throw new CollectorException("state directory " + config.stateDir() + ": " + e.getMessage(), e);
        }
        try {
            s.startParts();
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e instanceof CollectorException ce ? ce
                    : new CollectorException("collector could not start: " + e.getMessage(), e);
        }
        return s;
    }

    private void startParts() throws IOException {
        sender.start();
        event("agent.start", Severity.INFO, "collector agent started", Map.of(
                "pid", Long.toString(ProcessHandle.current().pid()),
                "spool.bytes", Long.toString(spool.waitingBytes())));
        if (config.getBoolean(CollectorConfig.METRICS_ENABLED_CONFIG)) {
            final HostMetrics metrics = new HostMetrics(host, clock,
                    new HashSet<>(config.getList(CollectorConfig.METRICS_FS_EXCLUDE_TYPES_CONFIG)));
            final long every = config.getLong(CollectorConfig.METRICS_INTERVAL_MS_CONFIG);
            scheduler.scheduleAtFixedRate(() -> sampleMetrics(metrics), every, every, TimeUnit.MILLISECONDS);
        }
        if (!config.getList(CollectorConfig.LOGS_PATHS_CONFIG).isEmpty()) {
            tailer = new LogTailer(logOptions(), config.stateDir().resolve("logs"), outbox, host, clock).start();
        }
        final int port = config.getInt(CollectorConfig.EVENTS_HTTP_PORT_CONFIG);
        if (port >= 0) {
            endpoint = EventEndpoint.start(new InetSocketAddress(
                    config.getString(CollectorConfig.EVENTS_HTTP_ADDRESS_CONFIG), port), outbox, host, clock);
        }
        final long jumpThreshold = config.getLong(CollectorConfig.CLOCK_JUMP_THRESHOLD_MS_CONFIG);
        final ClockWatch clockWatch = new ClockWatch(clock, jumpThreshold, step -> event("clock.jump", Severity.WARN,
                "wall clock stepped " + (step > 0 ? "forward" : "back") + " by " + Math.abs(step) + " ms",
                Map.of("jump.ms", Long.toString(step))));
        scheduler.scheduleAtFixedRate(() -> {
            clockWatch.check();
            reportDrops();
        }, 1, 1, TimeUnit.SECONDS);
        files = new FileActivityMonitor(DatasetWatcher.Options.of(
                config.getString(CollectorConfig.FILES_MODE_CONFIG),
                config.getLong(CollectorConfig.FILES_VERIFY_INTERVAL_MS_CONFIG),
                config.getInt(CollectorConfig.FILES_MAX_PATHS_CONFIG),
                config.getInt(CollectorConfig.FILES_ENTROPY_SAMPLE_BYTES_CONFIG),
                config.getInt(CollectorConfig.FILES_ENTROPY_FILE_SAMPLE_BYTES_CONFIG))
                .withMaxIndexedPaths(config.getInt(CollectorConfig.FILES_MAX_INDEXED_PATHS_CONFIG))
                .withWatchRetryMillis(config.getLong(CollectorConfig.FILES_WATCH_RETRY_MS_CONFIG)),
                config.getLong(CollectorConfig.FILES_INTERVAL_MS_CONFIG), outbox, host, clock,
                config.getInt(CollectorConfig.FILES_MAX_CONCURRENT_WALKS_CONFIG));
        config.datasets().forEach(files::watch);
        if (config.getBoolean(CollectorConfig.FILES_REGISTRY_ENABLED_CONFIG)) {
            registry = new DatasetRegistry(config.kafkaClientConfig(), config.topicPrefix(), host,
                    config.datasets().keySet(), files).start();
        }
        LOG.info("collector agent running on host {}: metrics {}, {} log pattern(s), {} configured dataset(s) "
                + "(each reports once its first walk is done), events {}", host,
                config.getBoolean(CollectorConfig.METRICS_ENABLED_CONFIG) ? "on" : "off",
                config.getList(CollectorConfig.LOGS_PATHS_CONFIG).size(), config.datasets().size(),
                endpoint == null ? "off" : "on port " + endpoint.port());
    }

    private LogTailer.Options logOptions() {
        return new LogTailer.Options(config.getList(CollectorConfig.LOGS_PATHS_CONFIG),
                config.getList(CollectorConfig.LOGS_EXCLUDE_PATHS_CONFIG),
                "end".equals(config.getString(CollectorConfig.LOGS_START_AT_CONFIG)),
                config.getLong(CollectorConfig.LOGS_POLL_INTERVAL_MS_CONFIG),
                config.getLong(CollectorConfig.LOGS_ROTATED_CLOSE_AFTER_MS_CONFIG),
                config.getList(CollectorConfig.LOGS_ROTATED_DIRS_CONFIG), config.lineFormat());
    }

    private void sampleMetrics(final HostMetrics metrics) {
        try {
            for (final MetricSample m : metrics.sample()) {
                outbox.publish(m);
            }
            final Instant now = clock.instant();
            outbox.publish(MetricSample.newBuilder().setId(Ids.timeOrdered(now)).setHost(host).setTime(now)
                    .setName("vigil.collector.spool.usage").setValue(spool.waitingBytes()).setUnit("By").build());
        } catch (RuntimeException e) {
            LOG.warn("sampling host metrics failed: {}", e.getMessage(), e);
        }
    }

    /** Reports records the full spool dropped as one spool.dropped event. */
    private void reportDrops() {
        final Map<RecordKind, Long> dropped = spool.takeDropped();
        if (dropped.isEmpty()) {
            return;
        }
        final Map<String, String> attrs = new LinkedHashMap<>();
        dropped.forEach((k, n) -> attrs.put("dropped." + k.label(), Long.toString(n)));
        event("spool.dropped", Severity.WARN, (spool.diskFull() ? "disk under the spool full" : "spool full")
                + ": dropped " + dropped.values().stream()
                .mapToLong(Long::longValue).sum() + " records (" + attrs + ")", attrs);
    }

    private void event(final String kind, final Severity severity, final String message,
                       final Map<String, String> attributes) {
        final Instant now = clock.instant();
        outbox.publish(HostEvent.newBuilder().setId(Ids.timeOrdered(now)).setHost(host).setTime(now).setKind(kind)
                .setSeverity(severity).setMessage(message).setAttributes(attributes).build());
    }

    /** @return where accepted records go; for tools running in the same process */
    public Outbox outbox() {
        return outbox;
    }

    /** @return the file-activity monitor, to watch datasets added at run time */
    public FileActivityMonitor fileActivity() {
        return files;
    }

    /** @return the port of POST /events, or -1 when the endpoint is off */
    public int eventsPort() {
        return endpoint == null ? -1 : endpoint.port();
    }

    /** @return the spool */
    public Spool spool() {
        return spool;
    }

    /** @return records acknowledged by Kafka since start */
    public long delivered() {
        return sender.delivered();
    }

    /** Stops every part, reports agent.stop, sends what it can for a few seconds; the rest stays spooled. */
    @Override
    public void close() {
        scheduler.shutdown();
        closeQuietly(endpoint);
        closeQuietly(registry);
        closeQuietly(files);
        closeQuietly(tailer);
        try {
            scheduler.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        event("agent.stop", Severity.INFO, "collector agent stopped", Map.of());
        spool.sync();
        sender.close(DRAIN_ON_CLOSE);
        spool.close();
        try {
            lockChannel.close();
        } catch (IOException e) {
            LOG.debug("releasing the state lock", e);
        }
        LOG.info("collector agent stopped; {} metrics, {} logs, {} events wait in the spool for the next start",
                spool.pending(RecordKind.METRIC), spool.pending(RecordKind.LOG), spool.pending(RecordKind.EVENT));
    }

    private static void closeQuietly(final AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("closing {} failed: {}", c.getClass().getSimpleName(), e.getMessage());
        }
    }
}
