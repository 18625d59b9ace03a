package dev.vigil.decision.app;

import static dev.vigil.decision.Fixtures.activity;
import static dev.vigil.decision.Fixtures.dataset;
import static dev.vigil.decision.Fixtures.event;
import static dev.vigil.decision.Fixtures.forecast;
import static dev.vigil.decision.Fixtures.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.decision.MutableClock;
import dev.vigil.decision.command.CommandSigner;
import dev.vigil.decision.engine.DecisionEngine;
import dev.vigil.decision.engine.EngineSettings;
import dev.vigil.decision.engine.IdSource;
import dev.vigil.decision.rules.RuleBook;
import dev.vigil.decision.state.HostDatasets;
import dev.vigil.decision.tree.Examples;
import dev.vigil.decision.tree.TreeModel;
import dev.vigil.schemas.Action;
import dev.vigil.schemas.BackupCommand;
import dev.vigil.schemas.BackupResult;
import dev.vigil.schemas.CommandStatus;
import dev.vigil.schemas.DatasetSpec;
import dev.vigil.schemas.DecisionRecord;
import dev.vigil.schemas.Forecast;
import dev.vigil.schemas.HostEvent;
import dev.vigil.schemas.Outcome;
import dev.vigil.schemas.security.CommandSignature;
import dev.vigil.schemas.serde.AvroSerde;
import dev.vigil.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecisionTopologyTest {
    private static final TreeModel MODEL = TreeModel.train(Examples.shipped(), TreeModel.Options.defaults());
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-05T10:00:00Z"));
    private final KeyPair keys = CommandSignature.generate();
    private TopologyTestDriver driver;
    private TestInputTopic<String, DatasetSpec> datasets;
    private TestInputTopic<String, BackupResult> results;
    private TestOutputTopic<String, byte[]> commands;
    private TestOutputTopic<String, DecisionRecord> decisions;

    @BeforeEach
    void setUp(@TempDir final java.nio.file.Path dir) {
        final DecisionEngine engine = new DecisionEngine(EngineSettings.defaults(), RuleBook.open(null),
                MODEL, IdSource.RANDOM);
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetters.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetters.class);
        props.put(DeadLetters.TOPIC_CONFIG, Topics.DEAD_LETTER.name());
        driver = new TopologyTestDriver(DecisionTopology.buildTopology("", 6, engine,
                new CommandSigner(keys.getPrivate(), CommandSignature.keyId(keys.getPublic())), clock,
                Duration.ofSeconds(1), props), props, clock.instant());
        datasets = driver.createInputTopic(Topics.DATASETS.name(), new StringSerializer(),
                Topics.DATASETS.valueSerde().serializer());
        results = driver.createInputTopic(Topics.RESULTS.name(), new StringSerializer(),
                Topics.RESULTS.valueSerde().serializer());
        commands = driver.createOutputTopic(Topics.COMMANDS.name(), new StringDeserializer(),
                new ByteArrayDeserializer());
        decisions = driver.createOutputTopic(Topics.DECISIONS.name(), new StringDeserializer(),
                Topics.DECISIONS.valueSerde().deserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    /**
     * The tick passes over every dataset of the task: a state it leaves as it was is not written again, or each would
     * go to the changelog every tick.interval, however large (a restore of a deleted tree held for a day holds
     * megabytes of paths), and a failover would read them all back.
     */
    @Test
    void shouldNotWriteADatasetStateTheTickLeftAsItWas() {
        datasets.pipeInput("d1", dataset("d1", "h1", clock.instant()).build()); // its FULL in flight, unanswered
        final TestOutputTopic<String, byte[]> changelog = driver.createOutputTopic("topology-test-"
                + DecideProcessor.STATE_STORE + "-changelog", new StringDeserializer(), new ByteArrayDeserializer());
        clock.advance(Duration.ofSeconds(1));
        driver.advanceWallClockTime(Duration.ofSeconds(1)); // the first tick says the duplicate FULL is held back
        changelog.readRecordsToList();

        for (int i = 0; i < 20; i++) {
            clock.advance(Duration.ofSeconds(1));
            driver.advanceWallClockTime(Duration.ofSeconds(1));
        }

        assertEquals(0, changelog.getQueueSize(), "20 ticks that changed nothing wrote the state again");
    }

    @Test
    void shouldSignTheExactCommandBytesKeyedByHost() {
        datasets.pipeInput("d1", dataset("d1", "h1", clock.instant()).build());

        final TestRecord<String, byte[]> record = commands.readRecord();
        assertEquals("h1", record.key());
        assertTrue(CommandSignature.verify(record.value(), record.headers(), keys.getPublic()));
        final BackupCommand command = AvroSerde.of(BackupCommand.class).deserialize("t", record.value());
        assertEquals(Action.FULL, command.getAction());
        final byte[] tampered = record.value().clone();
        tampered[tampered.length - 1] ^= 1;
        assertFalse(CommandSignature.verify(tampered, record.headers(), keys.getPublic()));
        final TestRecord<String, DecisionRecord> audit = decisions.readRecord();
        assertEquals("d1", audit.key());
        assertEquals(Outcome.COMMANDED, audit.value().getOutcome());
        assertEquals(command.getId(), audit.value().getCommandId());
    }

    @Test
    void shouldRouteResultsByHostAndRunThePolicyOnTheWallClock() {
        datasets.pipeInput("d1", dataset("d1", "h1", clock.instant()).setRpoSeconds(3600).build());
        final BackupCommand full = AvroSerde.of(BackupCommand.class).deserialize("t", commands.readValue());
        results.pipeInput("d1", result("d1", "h1", full.getId(), Action.FULL, CommandStatus.SUCCEEDED,
                clock.instant()).build());
        final List<DecisionRecord> audit = decisions.readValuesToList();
        assertEquals(Outcome.RESULT, audit.get(audit.size() - 1).getOutcome());

        clock.advance(Duration.ofMinutes(20));
        driver.advanceWallClockTime(Duration.ofMinutes(20));
        assertTrue(commands.isEmpty(), "nothing is due 20 minutes into a 1h RPO");

        clock.advance(Duration.ofMinutes(40));
        driver.advanceWallClockTime(Duration.ofMinutes(40));
        final BackupCommand due = AvroSerde.of(BackupCommand.class).deserialize("t", commands.readValue());
        assertEquals(Action.DIFFERENTIAL, due.getAction());
        assertTrue(due.getReason().contains("RPO"), due.getReason());
    }

    @Test
    void shouldSendInputThatDoesNotDeserializeToTheDeadLetterTopicAndGoOn() {
        final TestInputTopic<String, byte[]> raw = driver.createInputTopic(Topics.ANOMALIES.name(),
                new StringSerializer(), new ByteArraySerializer());
        raw.pipeInput("h1", "not avro".getBytes(StandardCharsets.UTF_8));
        datasets.pipeInput("d1", dataset("d1", "h1", clock.instant()).build());

        final TestRecord<byte[], byte[]> dead = driver.createOutputTopic(Topics.DEAD_LETTER.name(),
                new ByteArrayDeserializer(), new ByteArrayDeserializer()).readRecord();
        assertNotNull(dead.headers().lastHeader(DeadLetters.REASON_HEADER));
        assertEquals("not avro", new String(dead.value(), StandardCharsets.UTF_8));
        // the shape every service writes (the analyzer's, the worker's): topic/partition@offset
        assertEquals(Topics.ANOMALIES.name() + "/0@0", new String(dead.headers().lastHeader(
                DeadLetters.SOURCE_HEADER).value(), StandardCharsets.UTF_8));
        assertFalse(commands.isEmpty(), "good input keeps flowing");
    }

    @Test
    void shouldDeadLetterFileActivityNoWatcherCanReportAndGoOn() {
        datasets.pipeInput("d1", dataset("d1", "h1", clock.instant()).build());
        commands.readValuesToList();
        decisions.readValuesToList();
        final TestInputTopic<String, HostEvent> events = driver.createInputTopic(Topics.EVENTS.name(),
                new StringSerializer(), Topics.EVENTS.valueSerde().serializer());
        final Instant now = clock.instant();
        events.pipeInput("h1", event("h1", "file.activity", activity("d1", now).setDeleted(-5).build(), now));
        events.pipeInput("h1", event("h1", "file.activity", activity("d1", now).setDeleted(2)
                .setDeletedPaths(List.of("ok.txt", "../../etc/passwd")).build(), now));
        events.pipeInput("h1", event("h1", "file.activity", activity("d1", now)
                .setIntervalStart(now.plusSeconds(60)).build(), now));

        final List<String> reasons = driver.createOutputTopic(Topics.DEAD_LETTER.name(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer()).readRecordsToList().stream().map(r -> new String(
                        r.headers().lastHeader(DeadLetters.REASON_HEADER).value(), StandardCharsets.UTF_8)).toList();
        assertEquals(3, reasons.size(), reasons.toString());
        assertTrue(reasons.get(0).contains("deleted is negative (-5)"), reasons.get(0));
        assertTrue(reasons.get(1).contains("'../../etc/passwd' is not relative"), reasons.get(1));
        assertTrue(reasons.get(2).contains("before it starts"), reasons.get(2));
        assertTrue(decisions.isEmpty(), "nothing decided on them");
        datasets.pipeInput("d2", dataset("d2", "h1", now).build());
        assertFalse(commands.isEmpty(), "good input keeps flowing");
    }

    @Test
    void shouldRememberOnlyTheMountpointsThatHoldADatasetHoweverManyContainersCameAndWent() {
        datasets.pipeInput("d1", dataset("d1", "h1", clock.instant()).build()); // at /srv/d1
        final TestInputTopic<String, Forecast> forecasts = driver.createInputTopic(Topics.FORECASTS.name(),
                new StringSerializer(), Topics.FORECASTS.valueSerde().serializer());
        final TestOutputTopic<byte[], byte[]> changelog = driver.createOutputTopic(
                "topology-test-" + DecideProcessor.DATASETS_STORE + "-changelog", new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        changelog.readRecordsToList();

        // h1 (with d1) and h2 (no dataset) run containers, each with its own overlay mount, one after the other
        for (int i = 0; i < 300; i++) {
            for (final String host : List.of("h1", "h2")) {
                forecasts.pipeInput(host, forecast(host, "system.filesystem.utilization{mountpoint=/var/lib/docker/"
                        + "overlay2/c" + i + "/merged}", 864_000, clock.instant()));
            }
        }
        forecasts.pipeInput("h1", forecast("h1", "system.filesystem.utilization{mountpoint=/srv}", 864_000,
                clock.instant()));
        forecasts.pipeInput("h1", forecast("h1", "system.filesystem.utilization{mountpoint=/}", 864_000,
                clock.instant()));

        final KeyValueStore<String, HostDatasets> store = driver.getKeyValueStore(DecideProcessor.DATASETS_STORE);
        assertEquals(Set.of("/", "/srv"), store.get("h1").mountpoints(), "only the mounts d1 is on are kept");
        assertNull(store.get("h2"), "a host without datasets has no state");
        assertEquals(3, changelog.readRecordsToList().size(), "one write per mountpoint of d1, one that h1 was heard "
                + "from (at most one a minute), none for the others");
    }
}
