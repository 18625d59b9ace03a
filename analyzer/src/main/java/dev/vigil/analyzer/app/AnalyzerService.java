package dev.vigil.analyzer.app;

import dev.vigil.analyzer.AnalyzerException;
import dev.vigil.analyzer.RetriableAnalyzerException;
import dev.vigil.analyzer.dlq.DeadLetterHandler;
import dev.vigil.analyzer.query.Endpoint;
import dev.vigil.analyzer.query.QueryServer;
import dev.vigil.analyzer.query.StatsQuery;
import dev.vigil.schemas.serde.SchemaTopic;
import dev.vigil.schemas.topic.BrokerWatch;
import dev.vigil.schemas.topic.ClusterWait;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.TopicAdmin;
import dev.vigil.schemas.topic.Topics;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.MissingSourceTopicException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running analyzer: creates or checks its topics, registers the schemas, binds the query
 * endpoint, starts Kafka Streams with exactly-once and returns once it is RUNNING. {@link
 * #close()} stops it cleanly and leaves the group (its partitions move at once). Several may run in one JVM (vigil local) or on several hosts with
 * one application id (they share the partitions).
 */
public final class AnalyzerService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AnalyzerService.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    /** The topics the analyzer reads and writes. */
    static final List<Topic<?, ?>> TOPICS = List.of(Topics.METRICS, Topics.LOGS, Topics.EVENTS, Topics.DEAD_LETTER,
            Topics.STATS, Topics.ANOMALIES, Topics.FORECASTS, Topics.LOG_TEMPLATES, Topics.SCHEMAS);

    private final KafkaStreams streams;
    private final QueryServer query;
    private final Runnable schemaLookup;
    private final BrokerWatch brokerWatch;

    private AnalyzerService(final KafkaStreams streams, final QueryServer query, final Runnable schemaLookup,
                            final BrokerWatch brokerWatch) {
        this.streams = streams;
        this.query = query;
        this.schemaLookup = schemaLookup;
        this.brokerWatch = brokerWatch;
    }

    /**
     * The Kafka Streams settings: {@code kafka.*} pass-through first, then what the analyzer
     * relies on and does not let a file change: exactly-once v2, the dead-letter handlers and
     * topic, explicit naming of internal resources.
     *
     * @param config the analyzer's settings
     * @param applicationServer host:port advertised for interactive queries, or null
     * @return the properties
     */
    public static Properties streamsProperties(final AnalyzerConfig config, final String applicationServer) {
        final Properties props = new Properties();
        // The three inputs are independent: each series comes from one of them and is put in event-time
        // order by its own pipeline. Waiting for data on an idle input (a host that logs nothing) would
        // only delay the others, and Kafka Streams formats a log message for every check while it waits.
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        props.putAll(config.kafkaClientConfig());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.getString(AnalyzerConfig.STATE_DIR_CONFIG));
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.getInt(AnalyzerConfig.STREAM_THREADS_CONFIG));
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.getLong(AnalyzerConfig.COMMIT_INTERVAL_MS_CONFIG));
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG,
                Topics.DEAD_LETTER.withPrefix(config.topicPrefix()).name());
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        // also for the global tables, as Kafka 5.0 will by default (without it every start logs a warning)
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        if (applicationServer != null) {
            props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer);
        }
        return props;
    }

    /**
     * Starts the analyzer and waits until Kafka Streams is RUNNING.
     *
     * @param config the settings
     * @return the running service
     * @throws AnalyzerException when it cannot start: the cluster does not answer within {@code startup.timeout.ms}
     *     (a {@link RetriableAnalyzerException}), or Kafka Streams is not RUNNING within it after that
     */
    public static AnalyzerService start(final AnalyzerConfig config) {
        final Map<String, Object> internalTopics = prepareTopics(config);
        final Runnable schemaLookup = SchemaTopic.install(config.kafkaClientConfig(), config.topicPrefix());
        final String endpoint = config.getString(AnalyzerConfig.QUERY_ENDPOINT_CONFIG);
        QueryServer query = null;
        try {
            if (!endpoint.isBlank()) {
                query = QueryServer.bind(Endpoint.parse(endpoint.strip()));
            }
        } catch (IOException e) {
            schemaLookup.run();
            throw new AnalyzerException("query endpoint " + endpoint + ": cannot listen: " + e.getMessage()
                    + " (set " + AnalyzerConfig.QUERY_ENDPOINT_CONFIG + ")", e);
        }
        final Properties props = streamsProperties(config, query == null ? null : query.advertised());
        if (!props.containsKey(StreamsConfig.REPLICATION_FACTOR_CONFIG)) { // kafka.replication.factor wins
            props.putAll(internalTopics);
        }
        final KafkaStreams streams = new KafkaStreams(AnalyzerTopology.build(config), props);
        final CountDownLatch running = new CountDownLatch(1);
        streams.setStateListener((now, before) -> {
            LOG.info("Analyzer {}: {} -> {}", config.applicationId(), before, now);
            if (now == KafkaStreams.State.RUNNING || now == KafkaStreams.State.ERROR) {
                running.countDown();
            }
        });
        streams.setGlobalStateRestoreListener(new RestoreLog(config.clock()));
        streams.setUncaughtExceptionHandler(e -> {
            if (e instanceof MissingSourceTopicException) {
                // a new thread fails the same way at every rebalance, for ever: stop, and let the restart create it
                LOG.error("Analyzer {}: an input topic no longer exists (deleted?): stopping. `vigil status` names "
                        + "it; `vigil topics create`, or a restart of the analyzer, creates it again",
                        config.applicationId());
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            }
            LOG.error("Analyzer stream thread failed; replacing it", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        // Kafka Streams retries a lost cluster silently: one line when it is lost, one when it is back
        final AnalyzerService service = new AnalyzerService(streams, query, schemaLookup, BrokerWatch.start(
                "analyzer " + config.applicationId(), config.kafkaClientConfig(), streams::metrics,
                BrokerWatch.PATIENCE, config.clock()));
        streams.start();
        if (query != null) {
            query.serve(streams);
        }
        final long timeout = config.getLong(AnalyzerConfig.STARTUP_TIMEOUT_MS_CONFIG);
        try {
            if (!running.await(timeout, TimeUnit.MILLISECONDS) || streams.state() != KafkaStreams.State.RUNNING) {
                final KafkaStreams.State state = streams.state();
                service.close();
                throw new AnalyzerException("analyzer " + config.applicationId() + ": not RUNNING after " + timeout
                        + " ms (state " + state + "); is the cluster at " + config.kafkaClientConfig()
                        .get("bootstrap.servers") + " reachable?");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            service.close();
            throw new AnalyzerException("interrupted while starting the analyzer", e);
        }
        return service;
    }

    /** @return settings for the internal topics: the replication of the input topics ({@link TopicAdmin}) */
    private static Map<String, Object> prepareTopics(final AnalyzerConfig config) {
        final long started = System.nanoTime();
        try (Admin admin = Admin.create(config.kafkaClientConfig())) {
            try {
                // an unreachable cluster would otherwise keep the start silent for minutes (one admin timeout per try)
                ClusterWait.await(admin, config.kafkaClientConfig(),
                        Duration.ofMillis(config.getLong(AnalyzerConfig.STARTUP_TIMEOUT_MS_CONFIG)),
                        AnalyzerConfig.STARTUP_TIMEOUT_MS_CONFIG, "to create or check the analyzer's topics");
            } catch (InterruptException e) {
                throw new AnalyzerException("interrupted while starting the analyzer", e);
            } catch (KafkaException e) {
                final String message = "analyzer " + config.applicationId() + ": " + e.getMessage();
                // no answer may come later (a supervisor restarts the service); a refusal (authentication) will not
                throw e.getCause() == null ? new RetriableAnalyzerException(message, null)
                        : new AnalyzerException(message, e.getCause());
            }
            // the rest of the start-up time: the clients' own timeouts (a minute per call) would go far beyond it
            final long timeout = config.getLong(AnalyzerConfig.STARTUP_TIMEOUT_MS_CONFIG);
            final long left = timeout - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            final List<TopicAdmin.Report> reports;
            try {
                reports = createOrCheck(admin, TOPICS.stream().<Topic<?, ?>>map(t -> t.withPrefix(config.topicPrefix()))
                        .toList(), 0, Duration.ofMillis(Math.max(1, left)), timeout + " ms ("
                        + AnalyzerConfig.STARTUP_TIMEOUT_MS_CONFIG + ")");
            } catch (TimeoutException e) {
                // as when the cluster does not answer: it may do later (a supervisor restarts the service)
                throw new RetriableAnalyzerException("analyzer " + config.applicationId() + ": " + e.getMessage(), e);
            }
            for (final TopicAdmin.Report report : reports) {
                if (report.status() == TopicAdmin.Status.MISMATCH) {
                    LOG.warn("Topic {}: {}", report.topic(), report.detail());
                }
            }
            final Map<String, Object> internal = new TopicAdmin(admin).streamsInternalTopics(
                    Topics.METRICS.withPrefix(config.topicPrefix()).name(), Duration.ofMillis(timeout));
            // as start() decides: kafka.replication.factor in the file wins
            warnUnderReplicated(admin, config, config.kafkaClientConfig().containsKey(
                    StreamsConfig.REPLICATION_FACTOR_CONFIG) ? config.kafkaClientConfig() : internal);
            return internal;
        }
    }

    /**
     * Kafka Streams never changes an existing topic: internal topics created with fewer replicas (by default the
     * brokers' default.replication.factor, 1, before the analyzer gave them its input's) stay so, and one broker
     * down stops the analyzer; changelogs made before the analyzer set their segments roll weekly, and keep every
     * update as long. Nothing at start would say so.
     */
    private static void warnUnderReplicated(final Admin admin, final AnalyzerConfig config,
                                            final Map<String, Object> internal) {
        try {
            final List<String> below = new TopicAdmin(admin).underReplicatedInternalTopics(config.applicationId(),
                    internal, Duration.ofMillis(config.getLong(AnalyzerConfig.STARTUP_TIMEOUT_MS_CONFIG)));
            if (!below.isEmpty()) {
                LOG.warn("Analyzer {}: internal topics below the replication of new ones (Kafka Streams never changes"
                        + " an existing topic; README: Internal topics): {}", config.applicationId(),
                        String.join(" | ", below));
            }
            new TopicAdmin(admin).changelogsRollingLate(config.applicationId() + "-", Duration.ofMillis(
                    config.getLong(AnalyzerConfig.STARTUP_TIMEOUT_MS_CONFIG))).forEach(late ->
                    LOG.warn("Analyzer {}: changelog {}: {}", config.applicationId(), late.topic(), late.detail()));
        } catch (KafkaException e) {
            LOG.warn("Analyzer {}: replication and segments of the internal topics not checked: {}",
                    config.applicationId(),
                    e.getMessage());
        }
    }

    /**
     * Creates or checks topics, trying again a few times: right after a broker starts or topics are
     * created, their metadata may not have reached every part of the cluster yet.
     *
     * @param admin a connected admin client
     * @param topics the topics, prefixed
     * @param replicationFactor for new topics; 0 for min(3, brokers)
     * @return the reports
     */
    public static List<TopicAdmin.Report> createOrCheck(final Admin admin, final List<Topic<?, ?>> topics,
                                                        final int replicationFactor) {
        return createOrCheck(admin, topics, replicationFactor, Duration.ofMinutes(1), "a minute");
    }

    /**
     * {@link #createOrCheck(Admin, List, int)} within a time limit, tries and pauses included.
     *
     * @param timeout how long it may take in all
     * @param limit what gave the time, for the message (e.g. "60000 ms (startup.timeout.ms)")
     * @throws KafkaException the last try's error; when the time is up a {@link TimeoutException} that says so,
     *     naming the setting
     */
    static List<TopicAdmin.Report> createOrCheck(final Admin admin, final List<Topic<?, ?>> topics,
                                                 final int replicationFactor, final Duration timeout,
                                                 final String limit) {
        final long deadline = System.nanoTime() + timeout.toNanos();
        KafkaException telling = null; // the last error that is not the time running out, to name the cause
        for (int attempt = 1; ; attempt++) {
            try {
                return new TopicAdmin(admin).createOrCheck(topics, replicationFactor,
                        Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            } catch (KafkaException e) {
                if (telling == null || !(e.getCause() instanceof TimeoutException)) {
                    telling = e;
                }
                final long left = deadline - System.nanoTime();
                if (attempt == 5 || left <= 0) {
                    throw left > 0 ? e : new TimeoutException("topics not created or checked within " + limit + ": "
                            + telling.getMessage(), telling.getCause());
                }
                LOG.info("Topics not ready yet ({}); trying again", e.getMessage());
                try {
                    TimeUnit.NANOSECONDS.sleep(Math.min(TimeUnit.SECONDS.toNanos(attempt), left));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** @return the Kafka Streams instance, for metrics and interactive queries */
    public KafkaStreams streams() {
        return streams;
    }

    /** @return interactive queries of this instance's statistics */
    public StatsQuery stats() {
        return new StatsQuery(streams);
    }

    /** @return host:port of the query endpoint, or null when it is off */
    public String queryEndpoint() {
        return query == null ? null : query.advertised();
    }

    /**
     * Stops the analyzer: commits, closes Kafka Streams and leaves the consumer group, so that the other instances
     * take over its partitions at once instead of after the session timeout (45 s by default), then closes the query
     * endpoint.
     */
    @Override
    public void close() {
        brokerWatch.close();
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(CLOSE_TIMEOUT));
        if (query != null) {
            query.close();
        }
        schemaLookup.run();
    }
}
