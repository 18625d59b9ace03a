package dev.vigil.decision.app;

import dev.vigil.decision.command.CommandSigner;
import dev.vigil.decision.engine.DecisionEngine;
import dev.vigil.decision.engine.Trigger;
import dev.vigil.decision.state.DatasetChange;
import dev.vigil.decision.state.DatasetState;
import dev.vigil.decision.state.HostDatasets;
import dev.vigil.decision.state.JsonSerde;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.TopicAdmin;
import dev.vigil.schemas.topic.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import java.util.Properties;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The decision engine's topology. Everything is processed keyed by host: the host-keyed inputs
 * (anomalies, events, forecasts, stats) as they are, the dataset-keyed ones (registry, results,
 * feedback) repartitioned by their host. One task thus holds a host's datasets and their state,
 * which makes the per-host cap on commands in flight exact, and fans a host-level input out to
 * the datasets on that host without a lookup across tasks. Every processor, store and internal
 * topic is named explicitly.
 */
public final class DecisionTopology {
    private DecisionTopology() {
    }

    /**
     * @param prefix the topic prefix
     * @param partitions partitions of the host-keyed input topics; repartition topics get as many, so
     *     a host maps to the same task on every input
     * @param engine the engine (shared by all tasks; it keeps no state of its own)
     * @param signer signs commands
     * @param clock the engine's clock
     * @param tick interval of the policy punctuator
     * @param streamsConfig the Streams settings; the topology honours those that shape it (explicit naming)
     * @return the topology
     */
    public static Topology buildTopology(final String prefix, final int partitions, final DecisionEngine engine,
                                         final CommandSigner signer, final Clock clock, final Duration tick,
                                         final Properties streamsConfig) {
        final StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(streamsConfig)));
        // changelog segments that roll, so that the broker compacts them (TopicAdmin.STORE_CHANGELOG_CONFIGS)
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DatasetRouter.STORE),
                Serdes.String(), Serdes.String())
                .withLoggingEnabled(TopicAdmin.STORE_CHANGELOG_CONFIGS));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DecideProcessor.DATASETS_STORE),
                Serdes.String(), new JsonSerde<>(HostDatasets.class))
                .withLoggingEnabled(TopicAdmin.STORE_CHANGELOG_CONFIGS));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DecideProcessor.STATE_STORE),
                Serdes.String(), new JsonSerde<>(DatasetState.class))
                .withLoggingEnabled(TopicAdmin.STORE_CHANGELOG_CONFIGS));
        // one entry per task: the backups it started lately, for its cap (guard.task.max.backups)
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DecideProcessor.BACKUPS_STORE),
                Serdes.String(), new JsonSerde<>(dev.vigil.decision.state.BackupStarts.class))
                .withLoggingEnabled(TopicAdmin.STORE_CHANGELOG_CONFIGS));

        // The registry is keyed by dataset id: route each change to its host (and a removal to the host it left).
        final KStream<String, Trigger> datasets = source(builder, Topics.DATASETS.withPrefix(prefix), "datasets", true)
                .process(DatasetRouter::new, Named.as("route-datasets-by-host"), DatasetRouter.STORE)
                .repartition(Repartitioned.<String, DatasetChange>as("datasets-by-host")
                        .withKeySerde(Serdes.String()).withValueSerde(new JsonSerde<>(DatasetChange.class))
                        .withNumberOfPartitions(partitions))
                .mapValues((host, change) -> (Trigger) new Trigger.OfDatasets(host, change), Named.as("wrap-datasets"));
        final KStream<String, Trigger> anomalies = wrap(source(builder, Topics.ANOMALIES.withPrefix(prefix),
                "anomalies", false), "anomalies", Trigger.OfAnomaly::new);
        final KStream<String, Trigger> events = wrap(source(builder, Topics.EVENTS.withPrefix(prefix), "events",
                false), "events", Trigger.OfEvent::new);
        final KStream<String, Trigger> forecasts = wrap(source(builder, Topics.FORECASTS.withPrefix(prefix),
                "forecasts", false), "forecasts", Trigger.OfForecast::new);
        final KStream<String, Trigger> stats = wrap(source(builder, Topics.STATS.withPrefix(prefix), "stats", false),
                "stats", Trigger.OfStats::new);
        // Results and feedback are keyed by dataset id; the records name the host, so re-key by it.
        final Topic<String, dev.vigil.schemas.BackupResult> resultsTopic = Topics.RESULTS.withPrefix(prefix);
        final KStream<String, Trigger> results = wrap(source(builder, resultsTopic, "results", false)
                .selectKey((k, r) -> r.getHost(), Named.as("key-results-by-host"))
                .repartition(Repartitioned.<String, dev.vigil.schemas.BackupResult>as("results-by-host")
                        .withKeySerde(Serdes.String()).withValueSerde(resultsTopic.valueSerde())
                        .withNumberOfPartitions(partitions)), "results", Trigger.OfResult::new);
        final Topic<String, dev.vigil.schemas.Feedback> feedbackTopic = Topics.FEEDBACK.withPrefix(prefix);
        final KStream<String, Trigger> feedback = wrap(source(builder, feedbackTopic, "feedback", false)
                .selectKey((k, f) -> f.getHost(), Named.as("key-feedback-by-host"))
                .repartition(Repartitioned.<String, dev.vigil.schemas.Feedback>as("feedback-by-host")
                        .withKeySerde(Serdes.String()).withValueSerde(feedbackTopic.valueSerde())
                        .withNumberOfPartitions(partitions)), "feedback", Trigger.OfFeedback::new);

        final KStream<String, DecideProcessor.Out> out = datasets
                .merge(anomalies, Named.as("merge-anomalies"))
                .merge(events, Named.as("merge-events"))
                .merge(forecasts, Named.as("merge-forecasts"))
                .merge(stats, Named.as("merge-stats"))
                .merge(results, Named.as("merge-results"))
                .merge(feedback, Named.as("merge-feedback"))
                .process(() -> new DecideProcessor(engine, signer, clock, tick, Topics.COMMANDS.withPrefix(prefix)
                        .name()), Named.as("decide"), DecideProcessor.DATASETS_STORE, DecideProcessor.STATE_STORE,
                        DecideProcessor.BACKUPS_STORE);

        // Commands leave as the exact bytes that were signed; the signature rides in the headers.
        out.filter((k, v) -> v instanceof DecideProcessor.SignedCommand, Named.as("commands-only"))
                .mapValues(v -> ((DecideProcessor.SignedCommand) v).value(), Named.as("command-bytes"))
                .to(Topics.COMMANDS.withPrefix(prefix).name(), Produced.with(Serdes.String(), Serdes.ByteArray())
                        .withName("commands-sink"));
        final Topic<String, dev.vigil.schemas.DecisionRecord> decisions = Topics.DECISIONS.withPrefix(prefix);
        out.filter((k, v) -> v instanceof DecideProcessor.Audit, Named.as("audit-only"))
                .mapValues(v -> ((DecideProcessor.Audit) v).record(), Named.as("audit-records"))
                .to(decisions.name(), Produced.with(decisions.keySerde(), decisions.valueSerde())
                        .withName("decisions-sink"));
        return builder.build();
    }

    private static <V> KStream<String, V> source(final StreamsBuilder builder, final Topic<String, V> topic,
                                                 final String name, final boolean keepTombstones) {
        final KStream<String, V> stream = builder.stream(topic.name(), Consumed.with(topic.keySerde(),
                topic.valueSerde()).withName(name + "-source"));
        // Only the compacted registry gives a null value a meaning (removal); elsewhere it is noise.
        return keepTombstones ? stream : stream.filter((k, v) -> v != null, Named.as(name + "-present"));
    }

    private static <V> KStream<String, Trigger> wrap(final KStream<String, V> stream, final String name,
                                                     final Function<V, Trigger> wrapper) {
        return stream.mapValues(wrapper::apply, Named.as("wrap-" + name));
    }
}
