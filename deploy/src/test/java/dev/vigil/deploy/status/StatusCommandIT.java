package dev.vigil.deploy.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.analyzer.app.AnalyzerConfig;
import dev.vigil.analyzer.app.AnalyzerService;
import dev.vigil.backup.worker.HostPartition;
import dev.vigil.decision.app.DecisionConfig;
import dev.vigil.decision.app.DecisionService;
import dev.vigil.deploy.Vigil;
import dev.vigil.embedded.junit.KafkaBrokerExtension;
import dev.vigil.embedded.junit.TestKafka;
import dev.vigil.schemas.Action;
import dev.vigil.schemas.BackupCommand;
import dev.vigil.schemas.BackupResult;
import dev.vigil.schemas.CommandStatus;
import dev.vigil.schemas.HostEvent;
import dev.vigil.schemas.Severity;
import dev.vigil.schemas.SnapshotTags;
import dev.vigil.schemas.json.RecordJson;
import dev.vigil.schemas.security.CommandSignature;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.TopicAdmin;
import dev.vigil.schemas.topic.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil status} against a real broker with the real analyzer and decision engine running: healthy first, then
 * a dataset past its RPO, a pending proposal, dead letters and groups with lag, each named, and the exit codes.
 */
@ExtendWith(KafkaBrokerExtension.class)
class StatusCommandIT {
    private record Run(int code, String out, String err) {
    }

    private static Run vigil(final String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = Vigil.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void shouldSayHealthyThenNameEachThingThatNeedsAttention(final TestKafka kafka, @TempDir final Path dir)
            throws Exception {
        final String prefix = kafka.prefix();
        try (Admin admin = kafka.admin()) {
            new TopicAdmin(admin).createOrCheck(Topics.all(prefix), 1);
        }
        final String[] cluster = {"--bootstrap-server", kafka.bootstrapServers(), "--topic-prefix", prefix};
        assertEquals(0, vigil(args(cluster, "datasets", "add", "docs", "--host", "web-1", "--path", "/srv/docs",
                "--repository", "/backup/docs", "--offsite-repository", "/offsite/docs", "--rpo", "1h")).code());
        final Instant now = Instant.now();
        // what web-1's worker reports after a backup
        send(kafka, Topics.RESULTS.withPrefix(prefix), "docs", result("docs", "web-1", CommandStatus.SUCCEEDED,
                Action.FULL, now.minus(10, ChronoUnit.MINUTES), "snap0123456789abcdef", ""));

        try (DecisionService engine = DecisionService.start(new DecisionConfig(engineSettings(kafka, dir)));
             AnalyzerService analyzer = AnalyzerService.start(new AnalyzerConfig(analyzerSettings(kafka, dir)))) {
            // healthy: both services are members, the dataset's backup is 10 minutes old, nothing else
            final Run healthy = vigil(args(cluster, "status"));
            assertEquals(0, healthy.code(), healthy.out() + healthy.err());
            assertTrue(healthy.out().startsWith("Vigil OK"), healthy.out());
            assertTrue(healthy.out().matches("(?s).*analyzer +" + prefix.replace(".", "\\.")
                    + "vigil-analyzer +\\S+ +1 +127\\.0\\.0\\.1 .*OK\n.*"), healthy.out());
            assertTrue(healthy.out().matches("(?s).*\ndocs +web-1 +\\S+ +10m\\S* +FULL +snap0123 +1h +- +OK\n.*"),
                    healthy.out());
            assertTrue(healthy.out().contains("no proposals await approval"), healthy.out());
            assertTrue(healthy.out().contains("\n0 dead letters in the last 1h\n"), healthy.out());

            // a dataset whose last backup is older than its RPO, and which failed since
            assertEquals(0, vigil(args(cluster, "datasets", "add", "old", "--host", "web-2", "--path", "/srv/old",
                    "--repository", "/backup/old", "--rpo", "1h")).code());
            send(kafka, Topics.RESULTS.withPrefix(prefix), "old", result("old", "web-2", CommandStatus.SUCCEEDED,
                    Action.FULL, now.minus(100, ChronoUnit.MINUTES), "snapold", ""));
            send(kafka, Topics.RESULTS.withPrefix(prefix), "old", result("old", "web-2", CommandStatus.FAILED,
                    Action.INCREMENTAL, now.minus(80, ChronoUnit.MINUTES), null, "no space left on device"));
            // a disk error on web-1: the engine proposes to MIGRATE docs to its offsite repository
            send(kafka, Topics.EVENTS.withPrefix(prefix), "web-1", HostEvent.newBuilder()
                    .setId(UUID.randomUUID().toString()).setHost("web-1").setTime(Instant.now()).setKind("disk.error")
                    .setSeverity(Severity.INFO).setMessage("I/O error").setAttributes(Map.of()).build());
            // bytes that are not a metric: the analyzer dead-letters them
            sendRaw(kafka, Topics.METRICS.withPrefix(prefix).name(), null, "host-0", "not avro");

            final JsonNode attention = awaitStatus(cluster, s -> s.get("proposals").size() == 1
                    && s.get("deadLetters").get("total").asLong() == 1);
            assertEquals("ATTENTION", attention.get("verdict").asText());
            final JsonNode old = dataset(attention, "old");
            assertEquals("PAST RPO", old.get("verdict").asText());
            assertTrue(old.get("pastRpo").asBoolean());
            assertEquals("snapold", old.get("lastBackup").get("snapshot").asText());
            assertEquals("no space left on device", old.get("lastFailure").get("reason").asText());
            final JsonNode proposal = attention.get("proposals").get(0);
            assertEquals("MIGRATE", proposal.get("action").asText());
            assertEquals("docs", proposal.get("dataset").asText());
            assertEquals(Instant.parse(proposal.get("time").asText()).plus(Duration.ofHours(24)),
                    Instant.parse(proposal.get("expires").asText()), "expires after the engine's proposal.ttl");
            final JsonNode dead = attention.get("deadLetters");
            assertEquals(1, dead.get("bySourceTopic").get(Topics.METRICS.withPrefix(prefix).name()).asLong());
            assertTrue(dead.get("byReason").fieldNames().next().startsWith("undecodable"), dead.toString());

            final Run text = vigil(args(cluster, "status"));
            assertEquals(StatusCommand.ATTENTION, text.code(), text.out());
            assertTrue(text.out().startsWith("Vigil NEEDS ATTENTION: dataset old PAST RPO; 1 proposal awaits "
                    + "approval; 1 dead letter in the last 1h\n"), text.out());
            assertTrue(text.out().contains("old last failed 1h20m"), text.out());
            assertTrue(text.out().contains(proposal.get("id").asText() + "  MIGRATE"), text.out());
            // why, so that the operator can answer it without 'vigil watch'
            assertTrue(text.out().contains("\n  " + proposal.get("id").asText() + ": " + proposal.get("reason").asText()
                    + "\n"), text.out());
            assertTrue(text.out().contains("\n  1      " + Topics.METRICS.withPrefix(prefix).name() + "\n"),
                    text.out());

            // the analyzer stops; metrics keep coming: no members, and the lag says how far behind it is
            analyzer.close();
            for (int i = 0; i < 5; i++) {
                sendRaw(kafka, Topics.METRICS.withPrefix(prefix).name(), null, "host-" + i, "m" + i);
            }
            // a command waiting on web-1's partition, with lag.max.records=0 in a --config file
            final String commands = Topics.COMMANDS.withPrefix(prefix).name();
            sendRaw(kafka, commands, HostPartition.of("web-1", Topics.COMMANDS.partitions()), "web-1", "command");
            // one waiting on web-2's for 10 minutes, whose worker has reported nothing for 80: it is not running
            sendRaw(kafka, commands, HostPartition.of("web-2", Topics.COMMANDS.partitions()),
                    now.minus(10, ChronoUnit.MINUTES), "web-2", "command");
            final Path config = Files.writeString(dir.resolve("status.properties"), "bootstrap.servers="
                    + kafka.bootstrapServers() + "\ntopic.prefix=" + prefix + "\nlag.max.records=0\n");
            final Run lagging = vigil("status", "--config", config.toString(), "--json");
            assertEquals(StatusCommand.ATTENTION, lagging.code(), lagging.err());
            final JsonNode lag = RecordJson.MAPPER.readTree(lagging.out());
            final JsonNode stopped = group(lag, "analyzer");
            assertEquals("NO MEMBERS", stopped.get("verdict").asText());
            assertEquals(0, stopped.get("instances").asInt());
            assertEquals(5, stopped.get("lag").get(Topics.METRICS.withPrefix(prefix).name()).get("sum").asLong());
            final JsonNode worker = group(lag, "worker web-1");
            assertEquals("LAGGING", worker.get("verdict").asText());
            assertTrue(worker.get("lag").get(commands).get("maxPartition").asLong() >= 1, worker.toString());
            // a worker is never a member: how long its oldest command has waited is what says it is not running
            assertTrue(Instant.parse(worker.get("oldestWaiting").asText()).isBefore(Instant.now()), worker.toString());
            assertTrue(worker.get("oldestWaitingSeconds").asLong() >= 0, worker.toString());
            final Run waiting = vigil("status", "--config", config.toString());
            assertTrue(waiting.out().matches("(?s).*\n  worker web-1: \\d+ commands? waits?, the oldest for \\S+\n.*"),
                    waiting.out());
            assertEquals("OK", group(lag, "decision-engine").get("verdict").asText());
            assertEquals("STALLED", group(lag, "worker web-2").get("verdict").asText());
            assertTrue(waiting.out().contains("worker web-2 STALLED"), waiting.out());
        }

        // bad usage, a refused configuration, a cluster that is not there
        assertEquals(2, vigil(args(cluster, "status", "--since", "banana")).code());
        final Path bad = Files.writeString(dir.resolve("bad.properties"), "lag.max.records=-1\n");
        final Run refused = vigil("status", "--config", bad.toString());
        assertEquals(3, refused.code(), refused.err());
        assertTrue(refused.err().contains("bad.properties:1"), refused.err());
        final Run away = vigil("status", "--bootstrap-server", "127.0.0.1:1", "--json");
        assertEquals(StatusCommand.UNKNOWN, away.code(), away.err());
        assertTrue(away.err().contains("Kafka at 127.0.0.1:1 could not be read"), away.err());
        assertEquals(StatusCommand.UNKNOWN, RecordJson.MAPPER.readTree(away.out()).get("exitCode").asInt());
    }

    @Test
    void shouldSeeAnEngineOnTheStreamsRebalanceProtocolAsMembers(final TestKafka kafka, @TempDir final Path dir)
            throws Exception {
        final String prefix = kafka.prefix();
        try (Admin admin = kafka.admin()) {
            new TopicAdmin(admin).createOrCheck(Topics.all(prefix), 1);
        }
        final Map<String, Object> settings = engineSettings(kafka, dir);
        settings.put("kafka.group.protocol", "streams");
        try (DecisionService engine = DecisionService.start(new DecisionConfig(settings))) {
            final Run run = vigil("status", "--bootstrap-server", kafka.bootstrapServers(), "--topic-prefix", prefix,
                    "--json");
            final JsonNode status = RecordJson.MAPPER.readTree(run.out());
            final JsonNode group = group(status, "decision-engine");
            assertEquals("OK", group.get("verdict").asText(), group.toString());
            assertEquals(1, group.get("instances").asInt(), group.toString());
            assertEquals("127.0.0.1", group.get("hosts").get(0).asText(), group.toString());
            assertTrue(group.get("lag").has(Topics.DATASETS.withPrefix(prefix).name()), group.toString());
        }
    }

    @Test
    void shouldSayAProposalApprovedWhileTheEngineIsDownWaitsForTheEngineNotForAnOperator(final TestKafka kafka,
            @TempDir final Path dir) throws Exception {
        final String prefix = kafka.prefix();
        try (Admin admin = kafka.admin()) {
            new TopicAdmin(admin).createOrCheck(Topics.all(prefix), 1);
        }
        final String[] cluster = {"--bootstrap-server", kafka.bootstrapServers(), "--topic-prefix", prefix};
        assertEquals(0, vigil(args(cluster, "datasets", "add", "docs", "--host", "web-1", "--path", "/srv/docs",
                "--repository", "/backup/docs", "--offsite-repository", "/offsite/docs")).code());
        send(kafka, Topics.RESULTS.withPrefix(prefix), "docs", result("docs", "web-1", CommandStatus.SUCCEEDED,
                Action.FULL, Instant.now().minus(10, ChronoUnit.MINUTES), "snap0123456789abcdef", ""));
        final String id;
        try (DecisionService engine = DecisionService.start(new DecisionConfig(engineSettings(kafka, dir)))) {
            // a disk error on web-1: the engine proposes to MIGRATE docs, once it has read the registry and the
            // backup (again while it has not: one proposal pending holds back the others)
            JsonNode proposals = null;
            final long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while ((proposals == null || proposals.isEmpty()) && System.nanoTime() < deadline) {
                send(kafka, Topics.EVENTS.withPrefix(prefix), "web-1", HostEvent.newBuilder()
                        .setId(UUID.randomUUID().toString()).setHost("web-1").setTime(Instant.now())
                        .setKind("disk.error").setSeverity(Severity.INFO).setMessage("I/O error")
                        .setAttributes(Map.of()).build());
                Thread.sleep(3000);
                proposals = RecordJson.MAPPER.readTree(vigil(args(cluster, "status", "--json")).out()).get("proposals");
            }
            assertEquals(1, proposals.size(), String.valueOf(proposals));
            id = proposals.get(0).get("id").asText();
        }
        // the engine is down (a crash, a failover); the operator approves meanwhile, and the approval is recorded
        assertEquals(4, vigil(args(cluster, "approve", id, "--wait", "0s")).code());

        final Run text = vigil(args(cluster, "status"));
        assertEquals(StatusCommand.ATTENTION, text.code(), text.out());
        final String verdict = text.out().lines().findFirst().orElse("");
        assertTrue(verdict.endsWith("decision-engine NO MEMBERS; 1 answer not applied yet: is the decision engine "
                + "running?"), text.out());
        assertTrue(text.out().matches("(?s).*" + id + "  MIGRATE .* APPROVE by \\S+ \\S+ ago, not applied yet.*"),
                text.out());
        assertTrue(!text.out().contains("answer with 'vigil approve ID'"), text.out());
        final JsonNode json = RecordJson.MAPPER.readTree(vigil(args(cluster, "status", "--json")).out());
        assertEquals("APPROVE", json.get("proposals").get(0).get("answer").get("verdict").asText(), json.toString());
    }

    @Test
    void shouldNotShowAnEvidenceSnapshotAsTheLastBackup(final TestKafka kafka) throws Exception {
        final String prefix = kafka.prefix();
        try (Admin admin = kafka.admin()) {
            new TopicAdmin(admin).createOrCheck(Topics.all(prefix), 1);
        }
        final String[] cluster = {"--bootstrap-server", kafka.bootstrapServers(), "--topic-prefix", prefix};
        assertEquals(0, vigil(args(cluster, "datasets", "add", "docs", "--host", "web-1", "--path", "/srv/docs",
                "--repository", "/backup/docs", "--rpo", "1h")).code());
        final Instant now = Instant.now();
        // given a routine backup 30 minutes ago, then, as an attack began, a backup of the encrypted files as
        // evidence: the engine's command carries the tag, the worker's result does not
        send(kafka, Topics.RESULTS.withPrefix(prefix), "docs", result("docs", "web-1", CommandStatus.SUCCEEDED,
                Action.FULL, now.minus(30, ChronoUnit.MINUTES), "cleanabcdef0123456789", ""));
        final BackupCommand evidence = BackupCommand.newBuilder().setId(UUID.randomUUID().toString())
                .setHost("web-1").setTime(now.minus(3, ChronoUnit.MINUTES)).setDataset("docs")
                .setAction(Action.INCREMENTAL).setProtect(true).setTags(List.of(SnapshotTags.EVIDENCE)).build();
        send(kafka, Topics.COMMANDS.withPrefix(prefix), "web-1", evidence);
        send(kafka, Topics.RESULTS.withPrefix(prefix), "docs", BackupResult.newBuilder(result("docs", "web-1",
                CommandStatus.SUCCEEDED, Action.INCREMENTAL, now.minus(2, ChronoUnit.MINUTES),
                "evidabcdef0123456789", "")).setCommandId(evidence.getId()).build());

        // then status gives the routine backup as the last one, and says what the other is
        final Run json = vigil(args(cluster, "status", "--json"));
        final JsonNode docs = dataset(RecordJson.MAPPER.readTree(json.out()), "docs");
        assertEquals("cleanabcdef0123456789", docs.get("lastBackup").get("snapshot").asText(), docs.toString());
        assertEquals("evidabcdef0123456789", docs.get("lastEvidence").get("snapshot").asText(), docs.toString());
        assertEquals("OK", docs.get("verdict").asText(), "within its RPO by the routine backup");
        final Run text = vigil(args(cluster, "status"));
        assertTrue(text.out().matches("(?s).*\ndocs +web-1 +\\S+ +30m\\S* +FULL +cleanabc +1h +- +OK\n.*"),
                text.out());
        assertTrue(text.out().matches("(?s).*\n  docs: evidence of an incident 2m\\S* ago \\(INCREMENTAL evidabcd\\): "
                + "data suspected damaged.*"), text.out());
    }

    private static JsonNode awaitStatus(final String[] cluster, final Predicate<JsonNode> until) throws Exception {
        final long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            final Run run = vigil(args(cluster, "status", "--json"));
            last = RecordJson.MAPPER.readTree(run.out());
            if (until.test(last)) {
                assertEquals(StatusCommand.ATTENTION, run.code());
                return last;
            }
        }
        throw new AssertionError("status did not show it within 90 s; last: " + last);
    }

    private static JsonNode dataset(final JsonNode status, final String id) {
        for (final JsonNode d : status.get("datasets")) {
            if (d.get("id").asText().equals(id)) {
                return d;
            }
        }
        throw new AssertionError("no dataset " + id + " in " + status);
    }

    private static JsonNode group(final JsonNode status, final String service) {
        for (final JsonNode g : status.get("services")) {
            if (g.get("service").asText().equals(service)) {
                return g;
            }
        }
        throw new AssertionError("no service " + service + " in " + status);
    }

    /** @return the command with the cluster options after its words ({@code datasets add} takes them, not datasets) */
    private static String[] args(final String[] cluster, final String... rest) {
        final List<String> all = new java.util.ArrayList<>(List.of(rest));
        all.addAll(rest[0].equals("datasets") ? 2 : 1, List.of(cluster));
        return all.toArray(String[]::new);
    }

    private static BackupResult result(final String dataset, final String host, final CommandStatus status,
                                       final Action action, final Instant time, final String snapshot,
                                       final String message) {
        return BackupResult.newBuilder().setId(UUID.randomUUID().toString()).setHost(host).setTime(time)
                .setCommandId(UUID.randomUUID().toString()).setDataset(dataset).setAction(action).setStatus(status)
                .setSnapshotId(snapshot).setLevel(snapshot == null ? null : action).setMessage(message).build();
    }

    /** Sends with the record's own time as its timestamp, as its producer would have then. */
    private static <V> void send(final TestKafka kafka, final Topic<String, V> topic, final String key, final V value)
            throws Exception {
        final Instant time = value instanceof BackupResult r ? r.getTime() : Instant.now();
        try (KafkaProducer<String, V> producer = new KafkaProducer<>(kafka.clientConfig(), new StringSerializer(),
                topic.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(topic.name(), null, time.toEpochMilli(), key, value)).get();
        }
    }

    private static void sendRaw(final TestKafka kafka, final String topic, final Integer partition, final String key,
                                final String value) throws Exception {
        sendRaw(kafka, topic, partition, null, key, value);
    }

    private static void sendRaw(final TestKafka kafka, final String topic, final Integer partition, final Instant time,
                                final String key, final String value) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.clientConfig(),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, partition, time == null ? null : time.toEpochMilli(),
                    key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8))).get();
        }
    }

    private static Map<String, Object> engineSettings(final TestKafka kafka, final Path dir) throws Exception {
        final Path key = dir.resolve("engine.key");
        CommandSignature.write(CommandSignature.generate(), key);
        final Map<String, Object> c = new HashMap<>();
        c.put(DecisionConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        c.put(DecisionConfig.TOPIC_PREFIX_CONFIG, kafka.prefix());
        c.put(DecisionConfig.STATE_DIR_CONFIG, dir.resolve("engine").toString());
        c.put(DecisionConfig.SIGNING_KEY_FILE_CONFIG, key.toString());
        c.put(DecisionConfig.TICK_INTERVAL_CONFIG, "1s");
        c.put(DecisionConfig.MODEL_KIND_CONFIG, "tree");
        c.put("kafka.commit.interval.ms", "100");
        return c;
    }

    private static Map<String, Object> analyzerSettings(final TestKafka kafka, final Path dir) {
        final Map<String, Object> c = new HashMap<>();
        c.put(AnalyzerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        c.put(AnalyzerConfig.TOPIC_PREFIX_CONFIG, kafka.prefix());
        c.put(AnalyzerConfig.STATE_DIR_CONFIG, dir.resolve("analyzer").toString());
        c.put(AnalyzerConfig.QUERY_ENDPOINT_CONFIG, "127.0.0.1:0");
        return c;
    }
}
