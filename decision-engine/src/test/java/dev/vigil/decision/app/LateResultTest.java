package dev.vigil.decision.app;

import static dev.vigil.decision.Fixtures.dataset;
import static dev.vigil.decision.Fixtures.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.decision.MutableClock;
import dev.vigil.decision.command.CommandSigner;
import dev.vigil.decision.engine.DecisionEngine;
import dev.vigil.decision.engine.EngineSettings;
import dev.vigil.decision.engine.IdSource;
import dev.vigil.decision.rules.RuleBook;
import dev.vigil.decision.state.DatasetState;
import dev.vigil.decision.tree.Examples;
import dev.vigil.decision.tree.TreeModel;
import dev.vigil.schemas.Action;
import dev.vigil.schemas.BackupCommand;
import dev.vigil.schemas.BackupResult;
import dev.vigil.schemas.CommandStatus;
import dev.vigil.schemas.DatasetSpec;
import dev.vigil.schemas.DecisionRecord;
import dev.vigil.schemas.Outcome;
import dev.vigil.schemas.security.CommandSignature;
import dev.vigil.schemas.serde.AvroSerde;
import dev.vigil.schemas.topic.Topics;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A result that comes after the engine wrote its command off as failed (command.ttl: a command that ran longer, or a
 * result the worker kept while the cluster was away), and one reported twice: through the topology, its stores and
 * their serdes.
 */
class LateResultTest {
    private static final TreeModel MODEL = TreeModel.train(Examples.shipped(), TreeModel.Options.defaults());
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-05T10:00:00Z"));
    private final List<DecisionRecord> trail = new ArrayList<>();
    private TopologyTestDriver driver;
    private TestInputTopic<String, DatasetSpec> datasets;
    private TestInputTopic<String, BackupResult> results;
    private TestOutputTopic<String, byte[]> commands;
    private TestOutputTopic<String, DecisionRecord> decisions;

    @BeforeEach
    void setUp(@TempDir final java.nio.file.Path dir) {
        final KeyPair keys = CommandSignature.generate();
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "late-result-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        driver = new TopologyTestDriver(DecisionTopology.buildTopology("", 6, new DecisionEngine(
                EngineSettings.defaults(), RuleBook.open(null), MODEL, IdSource.RANDOM), new CommandSigner(
                keys.getPrivate(), CommandSignature.keyId(keys.getPublic())), clock, Duration.ofSeconds(1), props),
                props, clock.instant());
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

    private void advance(final Duration d) {
        clock.advance(d);
        driver.advanceWallClockTime(d);
    }

    private BackupCommand nextCommand() {
        return AvroSerde.of(BackupCommand.class).deserialize("t", commands.readValue());
    }

    /** @return the audit records written since the last call */
    private List<DecisionRecord> newRecords() {
        final List<DecisionRecord> records = decisions.readValuesToList();
        trail.addAll(records);
        return records;
    }

    private DatasetState state() {
        final KeyValueStore<String, DatasetState> store = driver.getKeyValueStore(DecideProcessor.STATE_STORE);
        return store.get("d1");
    }

    /** Registers d1, lets its first FULL expire without a result and the retry go out. */
    private BackupCommand[] writeOffTheFirstFull() {
        datasets.pipeInput("d1", dataset("d1", "h1", clock.instant()).build());
        final BackupCommand first = nextCommand();
        advance(Duration.ofHours(6).plusMinutes(2)); // command.ttl, and the minute's grace
        assertTrue(newRecords().stream().anyMatch(d -> d.getOutcome() == Outcome.RESULT && d.getReason().contains(
                "no result from the worker before the command expired")), trail.toString());
        advance(Duration.ofMinutes(2)); // the first retry is due a minute after
        final BackupCommand retry = nextCommand();
        assertEquals(Action.FULL, retry.getAction());
        newRecords();
        return new BackupCommand[] {first, retry};
    }

    @Test
    void shouldCountALateSuccessInTheHistoryAndCorrectTheWriteOffOnce() {
        final BackupCommand[] issued = writeOffTheFirstFull();
        final Instant done = issued[0].getTime().plus(Duration.ofMinutes(10)); // when the worker took it
        final BackupResult late = result("d1", "h1", issued[0].getId(), Action.FULL, CommandStatus.SUCCEEDED, done)
                .build();

        results.pipeInput("d1", late);

        final List<DecisionRecord> said = newRecords();
        assertEquals(1, said.size(), said.toString());
        final String reason = said.get(0).getReason();
        assertTrue(said.get(0).getOutcome() == Outcome.RESULT && reason.startsWith("late result: FULL succeeded")
                && reason.contains("at " + done + ", after command " + issued[0].getId() + " was written off at ")
                && reason.contains("the write-off is corrected") && reason.contains("FULL " + issued[1].getId()
                + ", issued meanwhile, goes on"), reason);
        DatasetState s = state();
        assertEquals(done.toEpochMilli(), s.lastBackupAt);
        assertEquals(done.toEpochMilli(), s.success.get("FULL").time());
        assertEquals(100, s.lastFileCount);
        assertTrue(s.failures.isEmpty(), "the write-off no longer counts: " + s.failures);

        results.pipeInput("d1", late); // reported once more

        final List<DecisionRecord> again = newRecords();
        assertEquals(1, again.size(), again.toString());
        assertTrue(again.get(0).getOutcome() == Outcome.NO_ACTION && again.get(0).getReason().contains("received "
                + "again") && again.get(0).getReason().contains("counted once"), again.get(0).getReason());
        s = state();
        assertEquals(1, s.snapshots.size(), s.snapshots.toString());

        // the retry runs too: one more snapshot, a later FULL
        results.pipeInput("d1", result("d1", "h1", issued[1].getId(), Action.FULL, CommandStatus.SUCCEEDED,
                clock.instant()).build());
        newRecords();
        s = state();
        assertEquals(clock.instant().toEpochMilli(), s.success.get("FULL").time());
        assertEquals(2, s.snapshots.size());
        assertTrue(trail.stream().noneMatch(d -> d.getOutcome() == Outcome.ESCALATED), trail.toString());
    }

    @Test
    void shouldCountACommandsOutcomeOnceWhenTheWorkerReportsItAgainUnderANewResultId() {
        datasets.pipeInput("d1", dataset("d1", "h1", clock.instant()).build());
        final BackupCommand full = nextCommand();
        newRecords();
        advance(Duration.ofMinutes(10));
        // The worker gives every result it publishes a new id (WorkerService.publish): a command run again after a
        // crash between its result and its ledger's DONE reports the snapshot the first run saved, and the loss it
        // found, once more, under another id.
        final BackupResult.Builder done = result("d1", "h1", full.getId(), Action.FULL, CommandStatus.SUCCEEDED,
                clock.instant()).setProtectedSnapshotId("snap-before-the-loss");
        results.pipeInput("d1", done.build());
        newRecords();
        results.pipeInput("d1", done.setId("another-result-id").build());

        final List<DecisionRecord> again = newRecords();
        assertEquals(1, again.size(), again.toString());
        assertTrue(again.get(0).getOutcome() == Outcome.NO_ACTION && again.get(0).getReason().contains("counted once"),
                again.get(0).getReason());
        assertEquals(1, state().snapshots.size(), state().snapshots.toString());
        assertEquals(1, trail.stream().filter(d -> d.getOutcome() == Outcome.ESCALATED).count(), trail.toString());
    }

    @Test
    void shouldKeepTheNewerBackupWhenTheLateResultComesAfterTheRetrysOwn() {
        final BackupCommand[] issued = writeOffTheFirstFull();
        advance(Duration.ofMinutes(5));
        results.pipeInput("d1", result("d1", "h1", issued[1].getId(), Action.FULL, CommandStatus.SUCCEEDED,
                clock.instant()).setFigures(dev.vigil.schemas.Figures.newBuilder().setFilesNew(120)
                .setBytesTotal(12_000_000).build()).build());
        final long retryDone = clock.instant().toEpochMilli();
        newRecords();
        final Instant done = issued[0].getTime().plus(Duration.ofMinutes(10));

        results.pipeInput("d1", result("d1", "h1", issued[0].getId(), Action.FULL, CommandStatus.SUCCEEDED, done)
                .build());

        assertTrue(newRecords().get(0).getReason().startsWith("late result: FULL succeeded"), trail.toString());
        final DatasetState s = state();
        assertEquals(retryDone, s.lastBackupAt);
        assertEquals(retryDone, s.success.get("FULL").time(), "the latest FULL is still the retry's");
        assertEquals(120, s.lastFileCount, "the file count is the latest backup's");
        assertEquals(12_000_000, s.lastFullBytes);
        assertEquals(List.of(done.toEpochMilli(), retryDone), s.snapshots.stream().map(DatasetState.Snapshot::time)
                .toList(), "oldest first");
    }

    @Test
    void shouldNotCountNorEscalateALateFailureOfACommandWrittenOffAlready() {
        final BackupCommand[] issued = writeOffTheFirstFull();

        results.pipeInput("d1", result("d1", "h1", issued[0].getId(), Action.FULL, CommandStatus.FAILED,
                issued[0].getTime().plusSeconds(60)).setRetriable(false).setMessage("repository /backup/repo: "
                + "read-only file system").build());

        final List<DecisionRecord> said = newRecords();
        assertEquals(1, said.size(), said.toString());
        assertTrue(said.get(0).getOutcome() == Outcome.RESULT && said.get(0).getReason().startsWith("late result: "
                + "FULL failed") && said.get(0).getReason().contains("counted once already, as the write-off"),
                said.get(0).getReason());
        assertEquals(1, state().failures.get(dev.vigil.decision.state.Intent.BACKUP_LANE).count(),
                "the failure counts once");
        assertTrue(trail.stream().noneMatch(d -> d.getOutcome() == Outcome.ESCALATED), trail.toString());
    }
}
