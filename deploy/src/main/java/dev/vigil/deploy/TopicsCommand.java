package dev.vigil.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vigil.schemas.config.ClusterOptions;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.TopicAdmin;
import dev.vigil.schemas.topic.Topics;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vigil topics}: the topic catalogue, and creating or checking it on a cluster. */
@Command(name = "topics", mixinStandardHelpOptions = true,
        description = "List Vigil's topics, or create and check them on a cluster.",
        subcommands = {TopicsCommand.Create.class, TopicsCommand.ListTopics.class})
final class TopicsCommand implements Runnable {
    private static final Duration CHANGELOG_TIMEOUT = Duration.ofSeconds(30);
    @picocli.CommandLine.Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /**
     * Creates or checks every topic and prints one line per topic.
     *
     * @return 0 when every topic exists and fits, 1 when one does not
     */
    static int createAll(final Map<String, Object> client, final String prefix, final int replicationFactor,
                         final boolean json, final PrintStream out) throws Exception {
        try (Admin admin = Admin.create(client)) {
            final TopicAdmin topics = new TopicAdmin(admin);
            final List<TopicAdmin.Report> reports = new ArrayList<>(topics.createOrCheck(Topics.all(prefix),
                    replicationFactor));
            // the state store changelogs of the analyzer and the engine (default application ids), which Kafka
            // Streams made: those made before Vigil set their segments keep every update for a week
            reports.addAll(topics.changelogsRollingLate(prefix + "vigil-", CHANGELOG_TIMEOUT));
            if (json) {
                out.println(Json.MAPPER.writeValueAsString(reports));
            } else {
                for (final TopicAdmin.Report r : reports) {
                    out.printf("%-10s %-28s partitions=%d replication=%d%s%n", r.status().name().toLowerCase(),
                            r.topic(), r.partitions(), r.replicationFactor(),
                            r.detail().isEmpty() ? "" : "  " + r.detail());
                }
            }
            return reports.stream().anyMatch(r -> r.status() == TopicAdmin.Status.MISMATCH) ? 1 : 0;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Create every Vigil topic that is missing and check the ones that exist.",
                "Existing topics are never changed; a mismatch (too few partitions, wrong cleanup policy, fewer",
                "replicas than new topics get, min.insync.replicas below 2 where new topics get 3 replicas) is",
                "reported with the command that fixes it, and the exit code is 1. So is a state store changelog of",
                "the analyzer or the engine (PREFIXvigil-*-changelog) that rolls its segments later than Vigil",
                "sets (segment.ms 1 hour, segment.bytes 64 MiB): one Kafka Streams made before it."})
    static final class Create implements Callable<Integer> {
        @Mixin
        ClusterOptions kafka;

        @Option(names = "--replication-factor", defaultValue = "0",
                description = "Replication factor of new topics; 0 means min(3, brokers), brokers that are down "
                        + "counted, and no topic is created while one of those is down (default: ${DEFAULT-VALUE}). "
                        + "With 3 or more, new topics also get min.insync.replicas=2.")
        int replicationFactor;

        @Option(names = "--json", description = "One JSON array of reports, for scripts.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            return createAll(kafka.client(), kafka.prefix(), replicationFactor, json, System.out);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Print the topic catalogue: name, key, partitions, retention, cleanup policy.")
    static final class ListTopics implements Callable<Integer> {
        @Option(names = "--topic-prefix", paramLabel = "PREFIX", defaultValue = "${env:VIGIL_TOPIC_PREFIX:-}",
                description = "Prefix of every Vigil topic name (default: $VIGIL_TOPIC_PREFIX or none).")
        String prefix;

        @Option(names = "--json", description = "One JSON array of topics, for scripts.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            final List<Map<String, Object>> rows = Topics.all(prefix).stream().map(TopicsCommand::describe).toList();
            if (json) {
                System.out.println(Json.MAPPER.writeValueAsString(rows));
                return 0;
            }
            // columns as wide as their widest cell: a prefix lengthens every name, and a key may be long
            final String format = "%-" + width(rows, "name", "TOPIC") + "s %-" + width(rows, "key", "KEY")
                    + "s %10s %10s  %-8s %s%n";
            System.out.printf(format, "TOPIC", "KEY", "PARTITIONS", "RETENTION", "CLEANUP", "CONTENT");
            for (final Map<String, Object> row : rows) {
                System.out.printf(format, row.get("name"), row.get("key"), row.get("partitions"), row.get("retention"),
                        row.get("cleanup"), row.get("description"));
            }
            return 0;
        }
    }

    private static int width(final List<Map<String, Object>> rows, final String column, final String header) {
        return rows.stream().mapToInt(r -> String.valueOf(r.get(column)).length()).reduce(header.length(), Math::max);
    }

    private static Map<String, Object> describe(final Topic<?, ?> t) {
        final Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", t.name());
        row.put("key", t.key());
        row.put("partitions", t.partitions());
        row.put("retention", t.retention() == null ? "forever" : t.retention().toDays() + "d");
        row.put("cleanup", t.compacted() ? "compact" : "delete");
        row.put("description", t.description());
        return row;
    }

    /** Shared JSON settings for command output. */
    static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

        private Json() {
        }
    }
}
