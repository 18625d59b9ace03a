package dev.vigil.decision.app;

import dev.vigil.decision.DecisionException;
import dev.vigil.decision.command.CommandSigner;
import dev.vigil.decision.engine.DecisionEngine;
import dev.vigil.decision.engine.IdSource;
import dev.vigil.decision.rules.RuleBook;
import dev.vigil.decision.state.DatasetState;
import dev.vigil.decision.tree.Decider;
import dev.vigil.decision.tree.Examples;
import dev.vigil.decision.tree.ModelChoice;
import dev.vigil.schemas.serde.SchemaTopic;
import dev.vigil.schemas.topic.BrokerWatch;
import dev.vigil.schemas.topic.ClusterWait;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.TopicAdmin;
import dev.vigil.schemas.topic.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.MissingSourceTopicException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decision engine service: Kafka Streams (exactly-once) running {@link DecisionTopology}, the
 * model trained at start-up, the rules reloaded when their file changes.
 */
public final class DecisionService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DecisionService.class);
    private final KafkaStreams streams;
    private final ScheduledExecutorService reloader;
    private final RuleBook rules;
    private final Decider model;
    private final Runnable schemaLookup;
    private final BrokerWatch brokerWatch;

    private DecisionService(final KafkaStreams streams, final ScheduledExecutorService reloader, final RuleBook rules,
                            final Decider model, final Runnable schemaLookup, final BrokerWatch brokerWatch) {
        this.schemaLookup = schemaLookup;
        this.brokerWatch = brokerWatch;
        this.streams = streams;
        this.reloader = reloader;
        this.rules = rules;
        this.model = model;
    }

    /**
     * Starts the service on the system clock.
     *
     * @param config the settings
     * @return the service, once Kafka Streams is RUNNING
     */
    public static DecisionService start(final DecisionConfig config) {
        return start(config, Clock.systemUTC());
    }

    /**
     * @param config the settings
     * @param clock the engine's clock (tests inject their own)
     * @return the service, once Kafka Streams is RUNNING
     * @throws DecisionException when the rules, the model, the key or the topics are not usable, the cluster does not
     *     answer within {@code startup.timeout} (a {@link DecisionException.Retriable}), or Streams does not reach
     *     RUNNING within it after that
     */
    public static DecisionService start(final DecisionConfig config, final Clock clock) {
        final RuleBook rules = RuleBook.open(config.path(DecisionConfig.RULES_FILE_CONFIG));
        final CommandSigner signer = config.signer();
        final Decider model = model(config);
        final DecisionEngine engine = new DecisionEngine(config.engineSettings(), rules, model, IdSource.RANDOM);
        final Map<String, Object> client = config.kafkaClientConfig();
        final String prefix = config.topicPrefix();
        final int partitions = partitions(client, prefix, config.duration(DecisionConfig.STARTUP_TIMEOUT_CONFIG));
        final Runnable schemaLookup = SchemaTopic.install(client, prefix);
        final Properties props = properties(config);
        try (Admin admin = Admin.create(client)) {
            if (!props.containsKey(StreamsConfig.REPLICATION_FACTOR_CONFIG)) { // kafka.replication.factor wins
                props.putAll(new TopicAdmin(admin).streamsInternalTopics(Topics.ANOMALIES.withPrefix(prefix).name(),
                        config.duration(DecisionConfig.STARTUP_TIMEOUT_CONFIG)));
            }
            warnUnderReplicated(admin, props, config.duration(DecisionConfig.STARTUP_TIMEOUT_CONFIG));
        } catch (KafkaException e) {
            schemaLookup.run();
            throw new DecisionException.Retriable("decision engine: " + e.getMessage(), e);
        }
        final KafkaStreams streams = new KafkaStreams(DecisionTopology.buildTopology(prefix, partitions, engine,
                signer, clock, config.duration(DecisionConfig.TICK_INTERVAL_CONFIG), props), props);
        final CountDownLatch running = new CountDownLatch(1);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
        });
        streams.setUncaughtExceptionHandler(e -> {
            if (e instanceof MissingSourceTopicException) {
                // a new thread fails the same way at every rebalance, for ever: stop, so that the operator sees it
                LOG.error("Decision engine {}: an input topic no longer exists (deleted?): stopping. `vigil status` "
                        + "names it; `vigil topics create` creates it again, then start the engine",
                        props.getProperty(StreamsConfig.APPLICATION_ID_CONFIG));
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            }
            // e.g. a broker away longer than the transaction timeout: a new thread resumes from the last committed
            // transaction (exactly-once), as the analyzer's do
            LOG.error("Decision engine stream thread failed; replacing it", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.start();
        final Duration timeout = config.duration(DecisionConfig.STARTUP_TIMEOUT_CONFIG);
        try {
            if (!running.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                streams.close(Duration.ofSeconds(10));
                schemaLookup.run();
                throw new DecisionException.Retriable("decision engine did not reach RUNNING within "
                        + timeout.toSeconds() + "s (state " + streams.state() + "); is the cluster reachable?", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            streams.close(Duration.ofSeconds(10));
            schemaLookup.run();
            throw new DecisionException("interrupted while starting the decision engine", e);
        }
        final ScheduledExecutorService reloader = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread t = new Thread(r, "vigil-rules-reload");
            t.setDaemon(true);
            return t;
        });
        final long every = config.duration(DecisionConfig.RULES_RELOAD_INTERVAL_CONFIG).toMillis();
        reloader.scheduleWithFixedDelay(rules::reloadIfChanged, every, every, TimeUnit.MILLISECONDS);
        LOG.info("Decision engine running: rules {} ({} rules), model {}, {} partitions", rules.rules().version(),
                rules.rules().rules().size(), model.version(), partitions);
        // Kafka Streams retries a lost cluster silently: one line when it is lost, one when it is back
        final BrokerWatch brokerWatch = BrokerWatch.start("decision engine "
                + props.getProperty(StreamsConfig.APPLICATION_ID_CONFIG), client, streams::metrics,
                BrokerWatch.PATIENCE, Clock.systemUTC());
        return new DecisionService(streams, reloader, rules, model, schemaLookup, brokerWatch);
    }

    /** @return the rules in force */
    public RuleBook rules() {
        return rules;
    }

    /** @return the model deciding what no rule settles */
    public Decider model() {
        return model;
    }

    /**
     * Reads a dataset's state from the local store (interactive query), for operators' tools and tests.
     *
     * @param dataset a dataset id
     * @return its state, or null when this instance holds none
     */
    public DatasetState datasetState(final String dataset) {
        final ReadOnlyKeyValueStore<String, DatasetState> store = streams.store(StoreQueryParameters.fromNameAndType(
                DecideProcessor.STATE_STORE, QueryableStoreTypes.<String, DatasetState>keyValueStore()));
        return store.get(dataset);
    }

    /**
     * Kafka Streams never changes an existing topic: internal topics created with fewer replicas (by default the
     * brokers' default.replication.factor, 1, before the engine gave them its input's) stay so, and one broker down
     * stops the engine. Nothing at start would say so.
     */
    private static void warnUnderReplicated(final Admin admin, final Properties props, final Duration timeout) {
        final String applicationId = props.getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
        try {
            final List<String> below = new TopicAdmin(admin).underReplicatedInternalTopics(applicationId, props,
                    timeout);
            if (!below.isEmpty()) {
                LOG.warn("Decision engine {}: internal topics below the replication of new ones (Kafka Streams never"
                        + " changes an existing topic; README: Internal topics): {}", applicationId,
                        String.join(" | ", below));
            }
        } catch (KafkaException e) {
            LOG.warn("Decision engine {}: replication of the internal topics not checked: {}", applicationId,
                    e.getMessage());
        }
    }

    /** @return the Kafka Streams state */
    public KafkaStreams.State state() {
        return streams.state();
    }

    @Override
    public void close() {
        reloader.shutdownNow();
        brokerWatch.close();
        // leave the group: the other instances take the partitions at once, not after the session timeout
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
        schemaLookup.run();
    }

    static Decider model(final DecisionConfig config) {
        final Examples examples;
        try {
            examples = Examples.read(config.path(DecisionConfig.TREE_EXAMPLES_FILE_CONFIG));
        } catch (DecisionException e) {
            throw new ConfigException(DecisionConfig.TREE_EXAMPLES_FILE_CONFIG + ": " + e.getMessage());
        }
        return ModelChoice.choose(examples, config.getString(DecisionConfig.MODEL_KIND_CONFIG),
                report -> LOG.info("Model comparison:\n{}", report));
    }

    static Properties properties(final DecisionConfig config) {
        final Properties props = new Properties();
        props.putAll(config.kafkaClientConfig());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.topicPrefix()
                + config.getString(DecisionConfig.APPLICATION_ID_CONFIG));
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.getString(DecisionConfig.STATE_DIR_CONFIG));
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetters.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetters.class);
        // the processing exception handler also for the global table, as Kafka 5.0 will by default (without it every
        // start logs a warning)
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        props.put(DeadLetters.TOPIC_CONFIG, Topics.DEAD_LETTER.withPrefix(config.topicPrefix()).name());
        // A RESTORE proposal of a deletion burst carries its paths: in the commands it issues and in
        // the dataset state (changelog) that keeps it until it is approved.
        props.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), Topics.LARGE_RECORD_BYTES);
        props.put(StreamsConfig.topicPrefix(TopicConfig.MAX_MESSAGE_BYTES_CONFIG),
                Integer.toString(Topics.LARGE_RECORD_BYTES));
        return props;
    }

    /**
     * Partitions of the host-keyed inputs, which must agree so that a host maps to one task. Waits first for the
     * cluster to answer, at most {@code timeout} (startup.timeout), with a WARN naming the servers when it does not.
     */
    static int partitions(final Map<String, Object> client, final String prefix, final Duration timeout) {
        final List<Topic<?, ?>> hostKeyed = List.of(Topics.ANOMALIES, Topics.EVENTS, Topics.FORECASTS, Topics.STATS);
        final List<String> names = hostKeyed.stream().map(t -> t.withPrefix(prefix).name()).toList();
        try (Admin admin = Admin.create(client)) {
            try {
                ClusterWait.await(admin, client, timeout, DecisionConfig.STARTUP_TIMEOUT_CONFIG,
                        "to describe the decision engine's input topics");
            } catch (InterruptException e) {
                throw new DecisionException("interrupted while starting the decision engine", e);
            } catch (KafkaException e) {
                // no answer may come later (a supervisor restarts the service); a refusal (authentication) will not
                throw e.getCause() == null ? new DecisionException.Retriable("decision engine: " + e.getMessage(), null)
                        : new DecisionException("decision engine: " + e.getMessage(), e.getCause());
            }
            final Map<String, TopicDescription> found = admin.describeTopics(names).allTopicNames()
                    .get(30, TimeUnit.SECONDS);
            final Map<String, Integer> counts = new TreeMap<>();
            found.forEach((name, d) -> counts.put(name, d.partitions().size()));
            if (counts.values().stream().distinct().count() != 1) {
                throw new DecisionException("host-keyed input topics have different partition counts " + counts
                        + "; the engine joins them by host, which needs equal counts");
            }
            return counts.values().iterator().next();
        } catch (ExecutionException e) {
            throw new DecisionException.Retriable("cannot describe the input topics " + names + ": "
                    + e.getCause().getMessage() + "; create them with 'vigil topics create'", e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new DecisionException.Retriable("cannot reach the cluster to describe " + names, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DecisionException("interrupted while describing the input topics", e);
        }
    }
}
