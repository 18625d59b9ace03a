package dev.vigil.schemas.topic;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Creates the catalogue's topics on a cluster, or checks that existing ones fit. */
public final class TopicAdmin {
    private static final Duration VISIBLE_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Topic settings of the analyzer's and the decision engine's state store changelogs (compacted topics). A broker
     * compacts only the segments that have rolled, and Kafka's defaults roll one at 1 GiB or after 7 days: until
     * then a changelog keeps every update of every key, and a restore reads them all. Rolling every hour (or at
     * 64 MiB) lets compaction keep a changelog near its stores' live size. Streams' {@code topic.*} prefix would
     * reach its repartition topics too, whose own segment.bytes (50 MiB) it would override: these are given per store.
     */
    public static final Map<String, String> STORE_CHANGELOG_CONFIGS = Map.of(
            TopicConfig.SEGMENT_MS_CONFIG, String.valueOf(Duration.ofHours(1).toMillis()),
            TopicConfig.SEGMENT_BYTES_CONFIG, String.valueOf(64 * 1024 * 1024));
    private final Admin admin;

    /** @param admin a connected admin client; the caller closes it */
    public TopicAdmin(final Admin admin) {
        this.admin = admin;
    }

    /** What happened to one topic. */
    public enum Status {
        /** It did not exist and was created. */
        CREATED,
        /** It existed with settings that fit. */
        OK,
        /** It exists but differs in a way that matters; see the detail. */
        MISMATCH
    }

    /**
     * @param topic the full topic name
     * @param status what happened
     * @param partitions its partition count now
     * @param replicationFactor its replication factor now
     * @param detail what differs, for MISMATCH; empty otherwise
     */
    public record Report(String topic, Status status, int partitions, int replicationFactor, String detail) {
    }

    /**
     * Creates missing topics and checks existing ones. Existing topics are never altered: a
     * mismatch is reported for an operator to resolve. Each call to the cluster takes the admin client's own timeout.
     *
     * @param topics the topics, already prefixed
     * @param replicationFactor for new topics; 0 means min(3, brokers). With 3 or more, new topics also get
     *     {@code min.insync.replicas=2}
     * @return one report per topic, in the given order
     */
    public List<Report> createOrCheck(final Collection<Topic<?, ?>> topics, final int replicationFactor) {
        return createOrCheck(topics, replicationFactor, null);
    }

    /**
     * {@link #createOrCheck(Collection, int)} within a time limit.
     *
     * @param topics the topics, already prefixed
     * @param replicationFactor for new topics; 0 means min(3, brokers)
     * @param timeout how long it may take in all, or null for the admin client's timeout per call
     * @return one report per topic, in the given order
     * @throws KafkaException when the cluster refused, or did not answer in time (a
     *     {@link org.apache.kafka.common.errors.TimeoutException} cause)
     */
    public List<Report> createOrCheck(final Collection<Topic<?, ?>> topics, final int replicationFactor,
                                      final Duration timeout) {
        final Deadline deadline = new Deadline(timeout);
        try {
            final short rf = (short) (replicationFactor > 0 ? replicationFactor
                    : Math.min(3, admin.describeCluster(new DescribeClusterOptions().timeoutMs(deadline.ms()))
                            .nodes().get().size()));
            final List<NewTopic> create = new ArrayList<>();
            final var existing = admin.listTopics(new ListTopicsOptions().timeoutMs(deadline.ms())).names().get();
            for (final Topic<?, ?> topic : topics) {
                if (!existing.contains(topic.name())) {
                    final Map<String, String> configs = new HashMap<>(topic.configs());
                    if (rf >= 3) {
                        // acks=all then means two copies: with the brokers' default (1), a record acknowledged by
                        // a leader alone is lost with that leader's disk
                        configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2");
                    }
                    create.add(new NewTopic(topic.name(), topic.partitions(), rf).configs(configs));
                }
            }
            final List<String> created = new ArrayList<>();
            for (final var entry : admin.createTopics(create, new CreateTopicsOptions().timeoutMs(deadline.ms()))
                    .values().entrySet()) {
                try {
                    entry.getValue().get();
                    created.add(entry.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            return describeWhenVisible(topics, created, deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while creating topics", e);
        } catch (ExecutionException e) {
            throw new KafkaException("cannot create or check topics: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** The end of a time limit, or none. */
    private static final class Deadline {
        private final Long end;

        Deadline(final Duration timeout) {
            this.end = timeout == null ? null : System.nanoTime() + timeout.toNanos();
        }

        /** @return the time left for one call, at least 1 ms, or null for the client's own timeout */
        Integer ms() {
            return end == null ? null
                    : (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
        }

        boolean passed(final long visibleDeadline) {
            final long now = System.nanoTime();
            return now > visibleDeadline || end != null && now > end;
        }
    }

    /**
     * Kafka Streams settings that give the internal topics (changelogs, repartition topics) of an application the
     * replication of a topic it reads. Streams' own default takes the brokers' {@code default.replication.factor},
     * 1 unless the cluster sets it: then one broker down stops the application (its exactly-once transactions wait
     * for that broker's changelog partitions) and that broker's disk takes the state with it.
     *
     * @param topic full name of a topic the application reads
     * @param timeout how long the two calls may take, each
     * @return {@code replication.factor} and {@code topic.min.insync.replicas}, for the application's properties
     * @throws KafkaException when the topic cannot be described
     */
    public Map<String, Object> streamsInternalTopics(final String topic, final Duration timeout) {
        try {
            final TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            final ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            final ConfigEntry minInsync = admin.describeConfigs(List.of(resource)).all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(resource)
                    .get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
            final Map<String, Object> settings = new HashMap<>();
            settings.put("replication.factor", description.partitions().get(0).replicas().size());
            if (minInsync != null) {
                settings.put("topic." + TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minInsync.value());
            }
            return settings;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while describing " + topic, e);
        } catch (ExecutionException e) {
            throw new KafkaException("cannot describe " + topic + ": " + e.getCause().getMessage(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new KafkaException("cannot describe " + topic + " within " + timeout.toMillis() + " ms", e);
        }
    }

    /**
     * New topics take a moment to reach every broker's metadata; until then describing them fails with
     * UnknownTopicOrPartition, which is not an error here for 30 s (or until the deadline).
     */
    private List<Report> describeWhenVisible(final Collection<Topic<?, ?>> topics, final List<String> created,
                                             final Deadline deadline)
            throws ExecutionException, InterruptedException {
        final long visible = System.nanoTime() + VISIBLE_TIMEOUT.toNanos();
        while (true) {
            try {
                return describe(topics, created, deadline);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || deadline.passed(visible)) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private List<Report> describe(final Collection<Topic<?, ?>> topics, final List<String> created,
                                  final Deadline deadline) throws ExecutionException, InterruptedException {
        final List<String> names = topics.stream().map(Topic::name).toList();
        final Map<String, TopicDescription> descriptions = admin.describeTopics(names,
                new DescribeTopicsOptions().timeoutMs(deadline.ms())).allTopicNames().get();
        final Map<ConfigResource, Config> configs = admin.describeConfigs(names.stream()
                .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList(),
                new DescribeConfigsOptions().timeoutMs(deadline.ms())).all().get();
        final List<Report> reports = new ArrayList<>();
        for (final Topic<?, ?> topic : topics) {
            final TopicDescription description = descriptions.get(topic.name());
            final int partitions = description.partitions().size();
            final int rf = description.partitions().get(0).replicas().size();
            final List<String> problems = new ArrayList<>();
            if (partitions < topic.partitions()) {
                problems.add("has " + partitions + " partitions, fewer than the " + topic.partitions() + " planned");
            }
            final String cleanup = Optional.ofNullable(configs.get(new ConfigResource(ConfigResource.Type.TOPIC,
                    topic.name())).get(TopicConfig.CLEANUP_POLICY_CONFIG)).map(ConfigEntry::value).orElse("");
            final String wanted = topic.configs().get(TopicConfig.CLEANUP_POLICY_CONFIG);
            if (!cleanup.equals(wanted)) {
                problems.add("cleanup.policy is " + cleanup + ", expected " + wanted);
            }
            final Status status = created.contains(topic.name()) ? Status.CREATED
                    : problems.isEmpty() ? Status.OK : Status.MISMATCH;
            reports.add(new Report(topic.name(), status, partitions, rf,
                    problems.stream().collect(Collectors.joining("; "))));
        }
        return reports;
    }
}
