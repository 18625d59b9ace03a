package dev.vigil.deploy.status;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.ListStreamsGroupOffsetsSpec;
import org.apache.kafka.clients.admin.StreamsGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** The consumer groups of the services, from the Admin API: state, members, and lag against the end offsets. */
final class Groups {
    /**
     * A worker with a command waiting longer than this and no result (progress included) for as long is STALLED: it
     * reports progress every few seconds while it works, so it is not running, or cannot reach Kafka.
     */
    static final Duration STALL = Duration.ofMinutes(5);
    /** Streams names each thread's consumer {@code <client id>-StreamThread-N-consumer}: one instance, N threads. */
    private static final String THREAD_SUFFIX = "-StreamThread-\\d+-consumer$";

    private final Admin admin;
    private final Map<String, Object> client;
    private final Duration timeout;

    /**
     * @param admin the cluster's admin client
     * @param client settings for the consumer that counts a worker's commands
     * @param timeout the longest wait for each answer
     */
    Groups(final Admin admin, final Map<String, Object> client, final Duration timeout) {
        this.admin = admin;
        this.client = client;
        this.timeout = timeout;
    }

    /**
     * A Kafka Streams application, on either rebalance protocol (classic or streams): its members and its lag on
     * every topic it commits offsets for, except its own internal topics (named after the application id).
     *
     * @param service the service's name, for people
     * @param group the application id
     * @param lagMax the largest partition lag that is OK
     */
    Report.Group streams(final String service, final String group, final long lagMax) throws Exception {
        Members members;
        try {
            members = consumerGroup(group);
        } catch (GroupIdNotFoundException e) {
            // kafka.group.protocol=streams makes a streams group, which the consumer group calls do not see
            try {
                members = streamsGroup(group);
            } catch (GroupIdNotFoundException | UnsupportedVersionException notThere) {
                // never started under this id (or gone): the same verdict as a group whose instances all left
                return new Report.Group(service, group, "not found", 0, List.of(), Map.of(), null,
                        Report.NO_MEMBERS);
            }
        }
        final Map<TopicPartition, Long> position = new HashMap<>();
        members.committed().forEach((p, o) -> position.put(p, o.offset()));
        // its input topics: what it committed on, and what it is assigned (before any commit, e.g. just started)
        final Set<String> topics = new TreeSet<>(members.topics());
        position.keySet().forEach(p -> topics.add(p.topic()));
        topics.removeIf(t -> t.startsWith(group + "-"));
        position.keySet().removeIf(p -> !topics.contains(p.topic()));
        // a partition of an input topic without a commit yet is read from its earliest record (Streams' reset)
        final List<TopicPartition> uncommitted = new ArrayList<>();
        if (!topics.isEmpty()) {
            get(admin.describeTopics(topics).allTopicNames()).forEach((t, d) -> d.partitions().forEach(p -> {
                if (!position.containsKey(new TopicPartition(t, p.partition()))) {
                    uncommitted.add(new TopicPartition(t, p.partition()));
                }
            }));
        }
        position.putAll(offsets(uncommitted, OffsetSpec.earliest()));
        final Map<String, Report.Lag> lag = lag(position);
        final String verdict = members.instances().isEmpty() ? Report.NO_MEMBERS : verdict(lag, lagMax);
        return new Report.Group(service, group, members.state(), members.instances().size(),
                List.copyOf(members.hosts()), lag, null, verdict);
    }

    /**
     * A worker: it reads its host's partition of the commands by assignment (never a group member) and commits its
     * place in its group; its lag is the commands for its host between that place and the end. They are counted, not
     * subtracted: the engine writes in transactions, whose commit markers take offsets too, and hosts share
     * partitions.
     *
     * @param host the worker's host
     * @param group its group
     * @param partition its partition of the commands topic
     * @param lagMax the most commands waiting that is OK
     * @param lastHeard when the worker last published a result (progress included), or null when not within the
     *     results read
     * @param now the time of the report
     */
    Report.Group worker(final String host, final String group, final TopicPartition partition, final long lagMax,
                        final Instant lastHeard, final Instant now) throws Exception {
        final Map<TopicPartition, OffsetAndMetadata> committed = committed(group);
        // never committed (no command done yet): it starts from the earliest record
        final long from = committed.containsKey(partition) ? committed.get(partition).offset()
                : offsets(List.of(partition), OffsetSpec.earliest()).get(partition);
        final long end = offsets(List.of(partition), OffsetSpec.latest()).get(partition);
        final Waiting waiting = from >= end ? new Waiting(0, null) : commandsFor(host, partition, from, end);
        final Map<String, Report.Lag> lag = Map.of(partition.topic(), new Report.Lag(waiting.count(),
                waiting.count()));
        // a working worker reports progress every few seconds, so a command waiting long beside silence means
        // nobody is taking them
        final Instant stalledBefore = now.minus(STALL);
        final boolean stalled = waiting.oldest() != null && waiting.oldest().isBefore(stalledBefore)
                && (lastHeard == null || lastHeard.isBefore(stalledBefore));
        return new Report.Group("worker " + host, group, committed.isEmpty() ? "no offsets" : "by assignment", 0,
                List.of(), lag, waiting.oldest(), stalled ? Report.STALLED : verdict(lag, lagMax));
    }

    /** Commands waiting for a worker: how many, and when the oldest was sent (null when none). */
    private record Waiting(long count, Instant oldest) {
    }

    /** @return the committed records keyed by the host in [from, end) of the partition */
    private Waiting commandsFor(final String host, final TopicPartition partition, final long from, final long end) {
        final Map<String, Object> props = new HashMap<>(client);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        long count = 0;
        Instant oldest = null;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seek(partition, from);
            final long deadline = System.nanoTime() + timeout.toNanos();
            while (consumer.position(partition, timeout) < end) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("counting the commands waiting for " + host + " on " + partition
                            + " took more than " + timeout.toSeconds() + " s");
                }
                for (final ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() < end && host.equals(r.key())) {
                        count++;
                        final Instant sent = Instant.ofEpochMilli(r.timestamp());
                        oldest = oldest == null || sent.isBefore(oldest) ? sent : oldest;
                    }
                }
            }
        }
        return new Waiting(count, oldest);
    }

    /** What a group's description and its committed offsets say, whichever protocol it uses. */
    private record Members(String state, Set<String> instances, Set<String> hosts, Set<String> topics,
                           Map<TopicPartition, OffsetAndMetadata> committed) {
    }

    private Members consumerGroup(final String group) throws Exception {
        final ConsumerGroupDescription d = get(admin.describeConsumerGroups(List.of(group)).describedGroups()
                .get(group));
        final Members m = new Members(d.groupState().toString(), new TreeSet<>(), new TreeSet<>(), new TreeSet<>(),
                committed(group));
        d.members().forEach(member -> {
            m.hosts().add(host(member.host()));
            m.instances().add(member.clientId().replaceAll(THREAD_SUFFIX, ""));
            member.assignment().topicPartitions().forEach(p -> m.topics().add(p.topic()));
        });
        return m;
    }

    private Members streamsGroup(final String group) throws Exception {
        final StreamsGroupDescription d = get(admin.describeStreamsGroups(List.of(group)).describedGroups()
                .get(group));
        final Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>(get(admin.listStreamsGroupOffsets(
                Map.of(group, new ListStreamsGroupOffsetsSpec())).partitionsToOffsetAndMetadata(group)));
        committed.values().removeIf(java.util.Objects::isNull);
        final Members m = new Members(d.groupState().toString(), new TreeSet<>(), new TreeSet<>(), new TreeSet<>(),
                committed);
        d.subtopologies().forEach(t -> m.topics().addAll(t.sourceTopics()));
        d.members().forEach(member -> {
            m.hosts().add(host(member.clientHost()));
            m.instances().add(member.processId()); // one per Streams client, whatever its threads
        });
        return m;
    }

    /** Kafka gives a member's address as "/10.0.0.5". */
    private static String host(final String address) {
        return address.startsWith("/") ? address.substring(1) : address;
    }

    private static String verdict(final Map<String, Report.Lag> lag, final long lagMax) {
        return lag.values().stream().anyMatch(l -> l.max() > lagMax) ? Report.LAGGING : Report.OK;
    }

    private Map<TopicPartition, OffsetAndMetadata> committed(final String group) throws Exception {
        final Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
        try {
            committed.putAll(get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()));
        } catch (GroupIdNotFoundException e) {
            return committed;
        }
        committed.values().removeIf(java.util.Objects::isNull);
        return committed;
    }

    /** @return per topic, the sum and the largest of its partitions' lag behind their end */
    private Map<String, Report.Lag> lag(final Map<TopicPartition, Long> position) throws Exception {
        final Map<TopicPartition, Long> end = offsets(position.keySet(), OffsetSpec.latest());
        final Map<String, List<Long>> byTopic = new TreeMap<>();
        position.forEach((p, o) -> byTopic.computeIfAbsent(p.topic(), t -> new ArrayList<>())
                .add(Math.max(0, end.get(p) - o)));
        return byTopic.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                e -> new Report.Lag(e.getValue().stream().mapToLong(Long::longValue).sum(),
                        e.getValue().stream().mapToLong(Long::longValue).max().orElse(0)),
                (a, b) -> a, TreeMap::new));
    }

    private Map<TopicPartition, Long> offsets(final Collection<TopicPartition> partitions, final OffsetSpec spec)
            throws Exception {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        final Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> info =
                get(admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> spec))).all());
        return info.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    private <T> T get(final org.apache.kafka.common.KafkaFuture<T> future) throws Exception {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception c ? c : e;
        } catch (TimeoutException e) {
            throw new org.apache.kafka.common.errors.TimeoutException("no answer within " + timeout.toSeconds() + " s");
        }
    }
}
