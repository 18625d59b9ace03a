package dev.vigil.deploy.status;

import dev.vigil.backup.worker.HostPartition;
import dev.vigil.decision.cli.DatasetsCommand;
import dev.vigil.decision.cli.Proposals;
import dev.vigil.decision.cli.TopicReader;
import dev.vigil.decision.state.Intent;
import dev.vigil.schemas.BackupResult;
import dev.vigil.schemas.CommandStatus;
import dev.vigil.schemas.DatasetSpec;
import dev.vigil.schemas.DecisionRecord;
import dev.vigil.schemas.Feedback;
import dev.vigil.schemas.SnapshotTags;
import dev.vigil.schemas.Verdict;
import dev.vigil.schemas.topic.DeadLetter;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads everything {@code vigil status} reports, within bounds, and writes nothing. */
final class Status {
    /** Every Admin call and every metadata or offset lookup waits at most this long. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Counting dead letters stops here even if more came than could be read (a flood): it says so. */
    private static final Duration READ_LIMIT = Duration.ofMinutes(2);
    /** A record's own id in a reason, with the space before it. */
    private static final Pattern RECORD_ID = Pattern.compile(" \\(id [^)]*\\)");
    /**
     * Runs of digits, unless in a signing key's id (16 hex digits, at least one a letter): the worker's refusals name
     * the key id, which an operator matches against 'vigil keys id'; a key's refusals are one row anyway.
     */
    private static final Pattern DIGITS = Pattern.compile("(\\b(?=\\d*[a-f])[0-9a-f]{16}\\b)|\\d+");

    /** The topics it reads. */
    private static final List<Topic<?, ?>> READ = List.of(Topics.DATASETS, Topics.RESULTS, Topics.COMMANDS,
            Topics.DECISIONS, Topics.DEAD_LETTER);

    private Status() {
    }

    /** Topics status reads are not on the cluster: a wrong topic.prefix, or topics deleted. */
    static final class MissingTopics extends IllegalStateException {
        MissingTopics(final List<String> topics) {
            super((topics.size() == 1 ? "topic " : "topics ") + String.join(", ", topics)
                    + (topics.size() == 1 ? " does not exist" : " do not exist"));
        }
    }

    /**
     * @param config the cluster and the services' names
     * @param since how far back to count dead letters
     * @param clock now
     * @return the report
     */
    static Report read(final StatusConfig config, final Duration since, final Clock clock) throws Exception {
        final Instant now = clock.instant();
        final Map<String, Object> client = client(config);
        final String prefix = config.topicPrefix();
        final List<Report.Group> groups = new ArrayList<>();
        final Map<String, DatasetSpec> registry;
        final List<Report.Dataset> datasets;
        final Report.Brokers brokers;
        final Admin admin = Admin.create(client);
        try {
            // first, whether the cluster answers at all: one clear error within TIMEOUT, not one per reader; and
            // which brokers are down (fenced): they stay in the cluster's list until one removes them
            final Collection<Node> nodes = admin.describeCluster(new DescribeClusterOptions()
                    .includeFencedBrokers(true)).nodes().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            brokers = new Report.Brokers(nodes.size(), nodes.stream().filter(Node::isFenced).map(Node::id).sorted()
                    .toList());
            // a topic missing would fail its reader with Kafka's "does not host this topic-partition"
            final Set<String> existing = admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            final List<String> missing = READ.stream().map(t -> t.withPrefix(prefix).name())
                    .filter(t -> !existing.contains(t)).toList();
            if (!missing.isEmpty()) {
                throw new MissingTopics(missing);
            }
            registry = DatasetsCommand.registry(client, prefix, new HashSet<>());
            final Groups g = new Groups(admin, client, TIMEOUT);
            groups.add(g.streams("analyzer", config.analyzerGroup(), config.lagMax()));
            groups.add(g.streams("decision-engine", config.decisionGroup(), config.lagMax()));
            final String commands = Topics.COMMANDS.withPrefix(prefix).name();
            final int partitions = admin.describeTopics(List.of(commands)).allTopicNames().get().get(commands)
                    .partitions().size();
            final Map<String, Instant> heard = new HashMap<>();
            datasets = datasets(client, prefix, registry, since, now, heard);
            for (final String host : new TreeSet<>(registry.values().stream().map(DatasetSpec::getHost).toList())) {
                groups.add(g.worker(host, config.workerGroup(host),
                        new TopicPartition(commands, HostPartition.of(host, partitions)), config.lagMax(),
                        heard.get(host), now));
            }
        } finally {
            // nothing is left to wait for: close() would otherwise wait on the metadata calls of a cluster not there
            admin.close(Duration.ZERO);
        }
        return new Report(now, String.join(",", config.getList(StatusConfig.BOOTSTRAP_SERVERS_CONFIG)), brokers, groups,
                datasets, proposals(client, prefix, config.proposalTtl()), deadLetters(client, prefix, since, now));
    }

    /** @return the client settings, bounded: an operator is waiting */
    static Map<String, Object> client(final StatusConfig config) {
        final Map<String, Object> client = config.kafkaClientConfig();
        client.putIfAbsent(org.apache.kafka.clients.CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG,
                (int) TIMEOUT.toMillis());
        client.putIfAbsent(org.apache.kafka.clients.CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG,
                (int) TIMEOUT.toMillis());
        return client;
    }

    /**
     * Results are read back to twice the largest RPO (at least {@code since}): a dataset without a success in that
     * window is past its RPO whatever came before, and a 90-day topic is not read whole. Fills {@code heard}: per
     * host, the time of its worker's latest result.
     */
    private static List<Report.Dataset> datasets(final Map<String, Object> client, final String prefix,
                                                 final Map<String, DatasetSpec> registry, final Duration since,
                                                 final Instant now, final Map<String, Instant> heard) {
        final Duration largestRpo = Duration.ofSeconds(registry.values().stream()
                .mapToLong(DatasetSpec::getRpoSeconds).max().orElse(0));
        final Duration window = largestRpo.multipliedBy(2).compareTo(since) > 0 ? largestRpo.multipliedBy(2) : since;
        final Map<String, Report.Backup> backups = new HashMap<>();
        final Map<String, Report.Backup> evidence = new HashMap<>();
        final Map<String, Report.Failure> failures = new HashMap<>();
        // per dataset, per command: its latest result, in order, to find the one still running
        final Map<String, Map<String, BackupResult>> latest = new HashMap<>();
        // a result does not say what its snapshot holds; its command's tags do: an evidence snapshot holds the data
        // of an incident (encrypted by an attack), which 'last backup OK' told an operator was a good backup
        final Set<String> evidenceCommands = new HashSet<>();
        if (!registry.isEmpty()) {
            TopicReader.read(client, Topics.COMMANDS.withPrefix(prefix), now.minus(window), r -> {
                if (r.value() != null && r.value().getTags().contains(SnapshotTags.EVIDENCE)) {
                    evidenceCommands.add(r.value().getId());
                }
            });
            TopicReader.read(client, Topics.RESULTS.withPrefix(prefix), now.minus(window), r -> {
                final BackupResult v = r.value();
                if (v == null) {
                    return;
                }
                heard.merge(v.getHost(), v.getTime(), (x, y) -> y.isAfter(x) ? y : x);
                latest.computeIfAbsent(v.getDataset(), d -> new LinkedHashMap<>()).remove(v.getCommandId());
                latest.get(v.getDataset()).put(v.getCommandId(), v);
                if (v.getStatus() == CommandStatus.SUCCEEDED && Intent.isBackup(v.getAction())) {
                    // the level the snapshot was taken at: a requested INCREMENTAL without a parent is a FULL
                    final String level = String.valueOf(v.getLevel() != null ? v.getLevel() : v.getAction());
                    (evidenceCommands.contains(v.getCommandId()) ? evidence : backups).merge(v.getDataset(),
                            new Report.Backup(v.getTime(), level, v.getSnapshotId()),
                            (a, b) -> b.time().isBefore(a.time()) ? a : b);
                } else if (v.getStatus() == CommandStatus.FAILED || v.getStatus() == CommandStatus.REJECTED) {
                    failures.merge(v.getDataset(), new Report.Failure(v.getTime(), String.valueOf(v.getAction()),
                            v.getStatus().toString(), v.getMessage()), (a, b) -> b.time().isBefore(a.time()) ? a : b);
                }
            });
        }
        final List<Report.Dataset> out = new ArrayList<>();
        registry.values().forEach(spec -> {
            final Duration rpo = Duration.ofSeconds(spec.getRpoSeconds());
            final Report.Backup backup = backups.get(spec.getId());
            final Report.Failure failure = failures.get(spec.getId());
            final BackupResult running = latest.getOrDefault(spec.getId(), Map.of()).values().stream()
                    .filter(v -> v.getStatus() == CommandStatus.ACCEPTED || v.getStatus() == CommandStatus.PROGRESS)
                    .reduce((a, b) -> b).orElse(null);
            final String verdict = backup == null || backup.time().plus(rpo).isBefore(now) ? Report.PAST_RPO
                    : failure != null && failure.time().isAfter(backup.time()) ? Report.FAILING : Report.OK;
            out.add(new Report.Dataset(spec.getId(), spec.getHost(), rpo, backup, evidence.get(spec.getId()), failure,
                    running == null ? null : new Report.Running(running.getCommandId(),
                            String.valueOf(running.getAction()), running.getTime(), running.getStatus().toString()),
                    window, verdict));
        });
        return out;
    }

    private static List<Report.Proposal> proposals(final Map<String, Object> client, final String prefix,
                                                   final Duration ttl) {
        final List<Report.Proposal> out = new ArrayList<>();
        final List<DecisionRecord> pending = Proposals.pending(client, prefix, ttl);
        // an answer the engine has not applied yet (it is down, or its partitions are moving) leaves the proposal
        // pending in the audit trail: it waits for the engine then, not for an operator
        final Map<String, Feedback> answers = new HashMap<>();
        if (!pending.isEmpty()) {
            TopicReader.read(client, Topics.FEEDBACK.withPrefix(prefix), pending.get(0).getTime(), r -> {
                if (r.value() != null && (r.value().getVerdict() == Verdict.APPROVE
                        || r.value().getVerdict() == Verdict.REJECT)) {
                    answers.putIfAbsent(r.value().getDecisionId(), r.value());
                }
            });
        }
        for (final DecisionRecord d : pending) {
            final Feedback a = answers.get(d.getId());
            out.add(new Report.Proposal(d.getId(), String.valueOf(d.getAction()), d.getDataset(), d.getHost(),
                    d.getTime(), d.getTime().plus(ttl), d.getReason(),
                    a == null ? null : new Report.Answer(a.getVerdict().toString(), a.getOperator(), a.getTime())));
        }
        return out;
    }

    /** Counts the dead letters from {@code since} ago to the end as of now, by their headers only. */
    private static Report.DeadLetters deadLetters(final Map<String, Object> client, final String prefix,
                                                  final Duration since, final Instant now) {
        final String topic = Topics.DEAD_LETTER.withPrefix(prefix).name();
        final Map<String, Object> props = new HashMap<>(client);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        final Map<String, Long> byReason = new TreeMap<>();
        final Map<String, String> examples = new TreeMap<>();
        final Map<String, Long> bySource = new TreeMap<>();
        long total = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            final List<TopicPartition> partitions = consumer.partitionsFor(topic, TIMEOUT).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            final Map<TopicPartition, Long> at = new HashMap<>();
            partitions.forEach(p -> at.put(p, now.minus(since).toEpochMilli()));
            final Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            for (final Map.Entry<TopicPartition, OffsetAndTimestamp> e : consumer.offsetsForTimes(at, TIMEOUT)
                    .entrySet()) {
                consumer.seek(e.getKey(), e.getValue() == null ? end.get(e.getKey()) : e.getValue().offset());
            }
            final long deadline = System.nanoTime() + READ_LIMIT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p, TIMEOUT) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("counting the dead letters of the last "
                            + dev.vigil.schemas.Durations.format(since) + " took more than "
                            + dev.vigil.schemas.Durations.format(READ_LIMIT) + "; give a shorter --since");
                }
                for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
                        continue; // came after we started: not counted, so that the figure is as of now
                    }
                    total++;
                    final String reason = header(r, DeadLetter.REASON_HEADER, "(no reason)");
                    final String group = reasonGroup(reason);
                    byReason.merge(group, 1L, Long::sum);
                    examples.put(group, RECORD_ID.matcher(reason).replaceAll(""));
                    final String source = header(r, DeadLetter.SOURCE_HEADER, "(unknown)");
                    // topic/partition@offset: the topic is what an operator looks for
                    bySource.merge(source.contains("/") ? source.substring(0, source.lastIndexOf('/')) : source, 1L,
                            Long::sum);
                }
            }
        }
        return new Report.DeadLetters(since, total, byReason, examples, bySource);
    }

    /**
     * @return a dead letter's reason without what differs from one record to the next: each record's id (the
     *     analyzer's reasons name it, "(id 3f2a...)") and its figures (values, offsets, times: each run of digits
     *     becomes N). Counted as they were written, a flood of one problem was a screen of rows of one record each.
     */
    static String reasonGroup(final String reason) {
        return DIGITS.matcher(RECORD_ID.matcher(reason).replaceAll("")).replaceAll(m -> m.group(1) != null
                ? m.group(1) : "N");
    }

    private static String header(final ConsumerRecord<?, ?> r, final String name, final String absent) {
        final Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? absent : new String(h.value(), StandardCharsets.UTF_8);
    }
}
