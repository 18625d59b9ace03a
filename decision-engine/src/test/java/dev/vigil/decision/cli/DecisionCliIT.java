package dev.vigil.decision.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.decision.Fixtures;
import dev.vigil.decision.app.DecisionConfig;
import dev.vigil.decision.app.DecisionService;
import dev.vigil.decision.app.EngineOnBroker;
import dev.vigil.embedded.junit.KafkaBrokerExtension;
import dev.vigil.embedded.junit.TestKafka;
import dev.vigil.schemas.DecisionRecord;
import dev.vigil.schemas.Outcome;
import dev.vigil.schemas.json.RecordJson;
import dev.vigil.schemas.topic.Topics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The operator's commands against a real broker and a running engine. */
@ExtendWith(KafkaBrokerExtension.class)
class DecisionCliIT {
    private record Run(int code, String out) {
    }

    private static Run run(final Object command, final String... args) {
        final PrintStream original = System.out;
        final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            final int code = new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true)
                    .setExecutionExceptionHandler((e, cmd, parsed) -> {
                        cmd.getErr().println(e.getMessage());
                        return 1;
                    }).execute(args);
            return new Run(code, buffer.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
        }
    }

    @Test
    void shouldEditTheRegistryAndAnswerAProposal(final TestKafka kafka, @TempDir final Path dir) throws Exception {
        final String prefix = kafka.prefix();
        final List<String> cluster = List.of("--bootstrap-server", kafka.bootstrapServers(), "--topic-prefix", prefix);
        final Map<String, Object> config = EngineOnBroker.settings(kafka, dir);
        config.put(DecisionConfig.TICK_INTERVAL_CONFIG, "1s");
        config.put(DecisionConfig.MODEL_KIND_CONFIG, "tree");
        config.put("kafka.commit.interval.ms", "100");

        try (DecisionService service = DecisionService.start(new DecisionConfig(config))) {
            assertEquals(org.apache.kafka.streams.KafkaStreams.State.RUNNING, service.state());
            assertEquals(0, run(new DatasetsCommand(), args(cluster, "add", "mail", "--host", "mx1", "--path",
                    "/var/mail", "--repository", "/backup/repo", "--offsite-repository", "/offsite", "--rpo", "4h",
                    "--keep", "daily=14", "--criticality", "high")).code());
            final Run list = run(new DatasetsCommand(), args(cluster, "list", "--json"));
            assertEquals(0, list.code());
            final var specs = RecordJson.MAPPER.readTree(list.out());
            assertEquals(1, specs.size());
            assertEquals("mx1", specs.get(0).get("host").asText());
            assertEquals(14400, specs.get(0).get("rpoSeconds").asLong());
            assertEquals(14, specs.get(0).get("retention").get("keepDaily").asInt());
            assertEquals(1, run(new DatasetsCommand(), args(cluster, "remove", "nope")).code());
            try (KafkaProducer<String, String> garbage = new KafkaProducer<>(Map.of("bootstrap.servers",
                    kafka.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
                garbage.send(new ProducerRecord<>(Topics.DATASETS.withPrefix(prefix).name(), "junk", "not avro")).get();
            }
            assertEquals(1, specsIn(run(new DatasetsCommand(), args(cluster, "list", "--json")).out()),
                    "a record that does not decode is skipped, the rest listed");
            assertEquals(0, run(new DatasetsCommand(), args(cluster, "remove", "junk")).code(),
                    "and its id can be removed");
            for (final String[] bad : new String[][] {{"add", "", "--path", "/x", "--repository", "/r"},
                {"add", "a/b", "--path", "/x", "--repository", "/r"},
                {"add", "d", "--path", "/x", "--repository", "relative/repo"},
                {"add", "d", "--path", "/x", "--repository", "/r", "--rpo", "0s"},
                {"add", "d", "--path", "/x", "--repository", "/r", "--full-every-days", "0"},
                {"add", "d", "--path", "/x", "--repository", "/r", "--keep", "last=-1"},
                {"add", "d", "--path", "/x", "--repository", "/r", "--criticality", "unknown"}}) {
                assertEquals(2, run(new DatasetsCommand(), args(cluster, bad)).code(), String.join(" ", bad));
            }
            assertEquals(1, specsIn(run(new DatasetsCommand(), args(cluster, "list", "--json")).out()),
                    "nothing refused was registered");
            assertEquals(2, run(new ApproveCommand(), args(cluster, "abcdefgh", "--wait", "banana")).code());
            assertEquals(2, run(new RejectCommand(), args(cluster, "abcdefgh", "--reason", "r", "--instead", "banana"))
                    .code());

            // A disk error makes a MIGRATE proposal; reject it by a prefix of its id.
            publishDiskError(kafka, prefix);
            final DecisionRecord proposal = awaitProposal(kafka, prefix);
            final Run reject = run(new RejectCommand(), args(cluster, proposal.getId().substring(proposal.getId().length() - 12), "--reason",
                    "false alarm, disk replaced", "--operator", "bob"));
            assertEquals(0, reject.code(), reject.out());
            assertTrue(reject.out().startsWith("REJECTED: rejected by bob: false alarm"), reject.out());
            final Run late = run(new ApproveCommand(), args(cluster, proposal.getId(), "--wait", "30s", "--json"));
            assertEquals(1, late.code(), "an answered proposal cannot be approved: " + late.out());
            final DecisionRecord fate = RecordJson.read(late.out().lines()
                    .filter(l -> l.startsWith("{")).findFirst().orElse(late.out()), DecisionRecord.class);
            assertEquals(Outcome.REJECTED, fate.getOutcome(), "what became of it is printed: " + late.out());
            assertTrue(fate.getReason().startsWith("rejected by bob"), late.out());

            assertEquals(0, run(new DatasetsCommand(), args(cluster, "remove", "mail")).code());
            assertEquals("[]", run(new DatasetsCommand(), args(cluster, "list", "--json")).out().strip());
        }
    }

    private static int specsIn(final String out) throws Exception {
        // the engine runs in this JVM and logs to stdout too (e.g. when it dead-letters a record): take the JSON line
        return RecordJson.MAPPER.readTree(out.lines().filter(l -> l.startsWith("[")).findFirst().orElse(out)).size();
    }

    private static String[] args(final List<String> cluster, final String... rest) {
        final List<String> all = new ArrayList<>(List.of(rest));
        final int at = rest[0].equals("add") || rest[0].equals("list") || rest[0].equals("remove") ? 1 : all.size();
        all.addAll(at, cluster);
        return all.toArray(new String[0]);
    }

    private static void publishDiskError(final TestKafka kafka, final String prefix) {
        final var event = dev.vigil.schemas.HostEvent.newBuilder(Fixtures.event("mx1", "disk.error", null,
                Instant.now())).setMessage("I/O error").build();
        Publisher.send(kafka.clientConfig(), Topics.EVENTS.withPrefix(prefix), "mx1", event);
    }

    private static DecisionRecord awaitProposal(final TestKafka kafka, final String prefix) throws InterruptedException {
        final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            final List<DecisionRecord> found = new ArrayList<>();
            TopicReader.read(kafka.clientConfig(), Topics.DECISIONS.withPrefix(prefix), null, r -> {
                if (r.value() != null && r.value().getOutcome() == Outcome.PROPOSED) {
                    found.add(r.value());
                }
            });
            if (!found.isEmpty()) {
                return found.get(0);
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no proposal within 60s");
    }
}
