package dev.vigil.schemas.topic;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
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
import org.apache.kafka.common.Node;
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
     * mismatch is reported for an operator to resolve, with the command that resolves it when Kafka has one (fewer
     * replicas than new topics get, or min.insync.replicas below 2 where new topics get 3 replicas). Each call to the
     * cluster takes the admin client's own timeout.
     *
     * @param topics the topics, already prefixed
     * @param replicationFactor for new topics; 0 means min(3, brokers), counting those that are down (fenced), and
     *     refuses to create any while fewer are up than that. With 3 or more, new topics also get
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
            // every broker the cluster has, stopped ones too (fenced): one down for a restart must not decide
            final Collection<Node> brokers = replicationFactor > 0 ? List.of() : admin.describeCluster(
                    new DescribeClusterOptions().includeFencedBrokers(true).timeoutMs(deadline.ms())).nodes().get();
            final short rf = (short) (replicationFactor > 0 ? replicationFactor : Math.min(3, brokers.size()));
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
            final List<Node> down = brokers.stream().filter(Node::isFenced).toList();
            if (replicationFactor == 0 && !create.isEmpty() && brokers.size() - down.size() < rf) {
                // Kafka never adds replicas by itself: topics made now would keep fewer for good
                throw new KafkaException("cannot create " + create.size() + " topics with " + rf + " replicas: "
                        + "broker " + String.join(", ", down.stream().map(Node::idString).toList()) + " of the "
                        + brokers.size() + " is down (fenced); start it again, or give the replication factor "
                        + "explicitly (vigil topics create --replication-factor N)");
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
            return describeWhenVisible(topics, created, rf, deadline);
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
                    : (int) Math.max(1, Math.min(Integer.MAX_VALUE,
                            TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
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
     * The application's existing Kafka Streams internal topics (changelogs, repartition topics) that have fewer
     * replicas, or a lower {@code min.insync.replicas}, than the application's settings give new ones. Kafka Streams
     * never changes a topic that exists: one created with a single replica keeps it.
     *
     * @param applicationId the Streams application id, which starts the names of its internal topics
     * @param streamsProperties the application's properties: {@code replication.factor} (-1, the brokers' default,
     *     checks nothing) and {@code topic.min.insync.replicas}
     * @param timeout how long each of the three calls may take
     * @return one line per such topic: what is below, and the command that fixes it; empty when none
     * @throws KafkaException when the topics cannot be listed or described
     */
    public List<String> underReplicatedInternalTopics(final String applicationId, final Map<?, ?> streamsProperties,
                                                      final Duration timeout) {
        final int replicas = Integer.parseInt(Objects.toString(streamsProperties.get("replication.factor"), "-1"));
        final int minInsync = Integer.parseInt(Objects.toString(streamsProperties.get(
                "topic." + TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG), "1"));
        if (replicas < 1) {
            return List.of();
        }
        final Listed internal = listed(name -> name.startsWith(applicationId + "-")
                && (name.endsWith("-changelog") || name.endsWith("-repartition")),
                "the internal topics of " + applicationId, timeout);
        final List<String> below = new ArrayList<>();
        for (final String name : internal.names()) {
            final List<String> problems = replicationProblems(name, internal.replicas(name),
                    minInsync(internal.config(name)), replicas, minInsync);
            if (!problems.isEmpty()) {
                below.add(name + ": " + String.join("; ", problems));
            }
        }
        return below;
    }

    /**
     * Existing state store changelogs that roll their segments later than {@link #STORE_CHANGELOG_CONFIGS}: those
     * Kafka Streams made before Vigil gave them these settings have the brokers' 7 days and 1 GiB, and Streams never
     * changes a topic that exists. A broker compacts only rolled segments, so such a changelog keeps every update for
     * a week, and a restore reads them all.
     *
     * @param namePrefix the start of the changelogs' names: an application id and a dash, or
     *     {@code topic.prefix + "vigil-"} for those of Vigil's default application ids
     * @param timeout how long each of the three calls may take
     * @return a {@link Status#MISMATCH} report per such topic, with the command that fixes it; empty when none
     * @throws KafkaException when the topics cannot be listed or described
     */
    public List<Report> changelogsRollingLate(final String namePrefix, final Duration timeout) {
        final Listed changelogs = listed(n -> n.startsWith(namePrefix) && n.endsWith("-changelog"),
                "the changelogs " + namePrefix + "*", timeout);
        final List<Report> late = new ArrayList<>();
        for (final String name : changelogs.names()) {
            final Config config = changelogs.config(name);
            final List<String> above = new ArrayList<>();
            STORE_CHANGELOG_CONFIGS.forEach((key, wanted) -> {
                final ConfigEntry entry = config.get(key);
                if (entry != null && Long.parseLong(entry.value()) > Long.parseLong(wanted)) {
                    above.add(key + " " + entry.value() + " above " + wanted);
                }
            });
            if (!above.isEmpty()) {
                late.add(new Report(name, Status.MISMATCH, changelogs.descriptions().get(name).partitions().size(),
                        changelogs.replicas(name), String.join(", ", above.stream().sorted().toList())
                        + " (a changelog made before Vigil set them: the broker compacts only rolled segments): "
                        + "kafka-configs.sh --bootstrap-server B --alter --entity-type topics --entity-name " + name
                        + " --add-config " + STORE_CHANGELOG_CONFIGS.entrySet().stream()
                        .sorted(Map.Entry.comparingByKey()).map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining(","))));
            }
        }
        return late;
    }

    /** Topics of the cluster whose names pass a filter, sorted, with their descriptions and configs. */
    private record Listed(List<String> names, Map<String, TopicDescription> descriptions,
                          Map<ConfigResource, Config> configs) {
        int replicas(final String name) {
            return descriptions.get(name).partitions().get(0).replicas().size();
        }

        Config config(final String name) {
            return configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name));
        }
    }

    /**
     * @param filter which topics
     * @param what the topics in words, for the errors
     * @param timeout how long each of the three calls (list, describe, configs) may take
     * @throws KafkaException when they cannot be listed or described
     */
    private Listed listed(final Predicate<String> filter, final String what, final Duration timeout) {
        try {
            final List<String> names = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .stream().filter(filter).sorted().toList();
            if (names.isEmpty()) {
                return new Listed(names, Map.of(), Map.of());
            }
            return new Listed(names, admin.describeTopics(names).allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS), admin.describeConfigs(names.stream()
                    .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList()).all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while checking " + what, e);
        } catch (ExecutionException e) {
            throw new KafkaException("cannot check " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new KafkaException("cannot check " + what + " within " + timeout.toMillis() + " ms", e);
        }
    }

    /** @return the topic's min.insync.replicas, 1 (Kafka's default) when the broker did not say */
    private static int minInsync(final Config config) {
        final ConfigEntry entry = config == null ? null : config.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
        return entry == null ? 1 : Integer.parseInt(entry.value());
    }

    /**
     * An existing topic below the replication a new one gets, with the commands that fix it: Kafka adds replicas only
     * by a reassignment (a plan that names the brokers of each partition), and Vigil never alters a topic itself.
     */
    private static List<String> replicationProblems(final String topic, final int replicas, final int minInsync,
                                                    final int wantedReplicas, final int wantedMinInsync) {
        final List<String> problems = new ArrayList<>();
        if (replicas < wantedReplicas) {
            problems.add("replication factor " + replicas + ", below " + wantedReplicas + ": give each partition "
                    + wantedReplicas + " replicas with kafka-reassign-partitions.sh --bootstrap-server B --execute"
                    + " --reassignment-json-file PLAN (a plan naming " + wantedReplicas + " brokers per partition)");
        }
        if (minInsync < wantedMinInsync) {
            problems.add("min.insync.replicas " + minInsync + ", below " + wantedMinInsync
                    + (replicas < wantedMinInsync ? " (once it has the replicas)" : "")
                    + ": kafka-configs.sh --bootstrap-server B --alter --entity-type topics --entity-name " + topic
                    + " --add-config min.insync.replicas=" + wantedMinInsync);
        }
        return problems;
    }

    /**
     * New topics take a moment to reach every broker's metadata; until then describing them fails with
     * UnknownTopicOrPartition, which is not an error here for 30 s (or until the deadline).
     */
    private List<Report> describeWhenVisible(final Collection<Topic<?, ?>> topics, final List<String> created,
                                             final int replicationFactor, final Deadline deadline)
            throws ExecutionException, InterruptedException {
        final long visible = System.nanoTime() + VISIBLE_TIMEOUT.toNanos();
        while (true) {
            try {
                return describe(topics, created, replicationFactor, deadline);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || deadline.passed(visible)) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private List<Report> describe(final Collection<Topic<?, ?>> topics, final List<String> created,
                                  final int replicationFactor, final Deadline deadline)
            throws ExecutionException, InterruptedException {
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
            final Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic.name()));
            final String cleanup = Optional.ofNullable(config.get(TopicConfig.CLEANUP_POLICY_CONFIG))
                    .map(ConfigEntry::value).orElse("");
            final String wanted = topic.configs().get(TopicConfig.CLEANUP_POLICY_CONFIG);
            if (!cleanup.equals(wanted)) {
                problems.add("cleanup.policy is " + cleanup + ", expected " + wanted);
            }
            // a topic made before (by hand, by a broker's auto-creation, by an older Vigil) may have one replica
            problems.addAll(replicationProblems(topic.name(), rf, minInsync(config), replicationFactor,
                    replicationFactor >= 3 ? 2 : 1));
            final Status status = created.contains(topic.name()) ? Status.CREATED
                    : problems.isEmpty() ? Status.OK : Status.MISMATCH;
            reports.add(new Report(topic.name(), status, partitions, rf,
                    problems.stream().collect(Collectors.joining("; "))));
        }
        return reports;
    }
}
