package dev.vigil.decision.app;

import static dev.vigil.decision.Fixtures.activity;
import static dev.vigil.decision.Fixtures.dataset;
import static dev.vigil.decision.Fixtures.event;
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
import dev.vigil.schemas.Feedback;
import dev.vigil.schemas.HostEvent;
import dev.vigil.schemas.Outcome;
import dev.vigil.schemas.Verdict;
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
 * result the worker kept while the cluster was away), one reported twice, and commands the worker runs for longer
 * than command.ttl while it reports on them: through the topology, its stores and their serdes.
 */
class LateResultTest {
    private static final TreeModel MODEL = TreeModel.train(Examples.shipped(), TreeModel.Options.defaults());
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-05T10:00:00Z"));
    private final List<DecisionRecord> trail = new ArrayList<>();
    private TopologyTestDriver driver;
    private TestInputTopic<String, DatasetSpec> datasets;
    private TestInputTopic<String, BackupResult> results;
    private TestInputTopic<String, HostEvent> events;
    private TestInputTopic<String, Feedback> feedback;
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
        events = driver.createInputTopic(Topics.EVENTS.name(), new StringSerializer(),
                Topics.EVENTS.valueSerde().serializer());
        feedback = driver.createInputTopic(Topics.FEEDBACK.name(), new StringSerializer(),
                Topics.FEEDBACK.valueSerde().serializer());
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

    /** The worker's report that it runs a command (ACCEPTED, then PROGRESS), received now. */
    private void report(final BackupCommand command, final CommandStatus status) {
        results.pipeInput(command.getDataset(), result(command.getDataset(), "h1", command.getId(),
                command.getAction(), status, clock.instant()).build());
    }

    /** Advances in steps of 5 min for {@code total}, the worker reporting PROGRESS of {@code command} after each. */
    private void runWithProgress(final BackupCommand command, final Duration total) {
        for (Duration run = Duration.ZERO; run.compareTo(total) < 0; run = run.plusMinutes(5)) {
            advance(Duration.ofMinutes(5));
            report(command, CommandStatus.PROGRESS);
        }
    }

    private static boolean writeOff(final DecisionRecord d) {
        return d.getOutcome() == Outcome.RESULT && d.getReason().contains(": no result from the worker")
                || d.getReason().contains("accepted by the worker, then silent");
    }

    @Test
    void shouldKeepAFullTheWorkerReportsOnInFlightPastCommandTtlAndIssueNoRetry() {
        datasets.pipeInput("d1", dataset("d1", "h1", clock.instant()).build());
        final BackupCommand full = nextCommand();
        report(full, CommandStatus.ACCEPTED);

        runWithProgress(full, Duration.ofHours(8)); // a large dataset's FULL, PROGRESS every 5 min

        assertTrue(newRecords().stream().noneMatch(LateResultTest::writeOff), trail.toString());
        assertTrue(commands.isEmpty(), "no retry while the FULL runs");
        assertTrue(state().inFlight.containsKey(full.getId()));
        report(full, CommandStatus.SUCCEEDED);
        final List<DecisionRecord> said = newRecords();
        assertTrue(said.size() == 1 && said.get(0).getReason().startsWith("FULL succeeded"), said.toString());
        assertTrue(state().failures.isEmpty(), state().failures.toString());
        assertEquals(clock.instant().toEpochMilli(), state().lastBackupAt);
    }

    @Test
    void shouldWriteOffAnAcceptedFullOnceTheWorkerIsSilentAboutItForCommandSilenceMaxAndSayWhy() {
        datasets.pipeInput("d1", dataset("d1", "h1", clock.instant()).build());
        final BackupCommand full = nextCommand();
        report(full, CommandStatus.ACCEPTED);
        runWithProgress(full, Duration.ofHours(7));
        final Instant lastReport = clock.instant();

        advance(Duration.ofMinutes(30));
        advance(Duration.ofMinutes(30)); // silent for exactly command.silence.max (1h): not yet
        assertTrue(newRecords().stream().noneMatch(LateResultTest::writeOff), trail.toString());
        advance(Duration.ofMinutes(5));

        final List<DecisionRecord> said = newRecords().stream().filter(d -> d.getOutcome() == Outcome.RESULT).toList();
        assertEquals(1, said.size(), trail.toString());
        final String reason = said.get(0).getReason();
        assertTrue(reason.startsWith("FULL " + full.getId() + ": accepted by the worker, then silent: no report on "
                + "it for 1h5m since its last at " + lastReport + " (command.silence.max 1h), and no result; the "
                + "command expired at " + full.getExpiresAt() + " (command.ttl 6h); failure 1 in a row"), reason);
        assertEquals(lastReport.toEpochMilli(), state().writtenOff.get(0).heardAt());
        advance(Duration.ofMinutes(2)); // the retry is due a minute after
        assertEquals(Action.FULL, nextCommand().getAction());
        newRecords();

        // its result still comes: the write-off says why it was made
        report(full, CommandStatus.SUCCEEDED);
        final String late = newRecords().get(0).getReason();
        assertTrue(late.startsWith("late result: FULL succeeded") && late.contains("(accepted, then no report on it "
                + "since " + lastReport + ", and it had expired at " + full.getExpiresAt() + ")"), late);
    }

    /** Issues d1's first FULL, which the worker accepts and reports on for 7h, then is silent on until written off. */
    private BackupCommand writeOffASilentFull() {
        datasets.pipeInput("d1", dataset("d1", "h1", clock.instant()).build());
        final BackupCommand full = nextCommand();
        report(full, CommandStatus.ACCEPTED);
        runWithProgress(full, Duration.ofHours(7));
        advance(Duration.ofMinutes(65)); // the worker's host away from the cluster, the engine not
        assertTrue(newRecords().stream().anyMatch(LateResultTest::writeOff), trail.toString());
        assertEquals(1, state().failures.get(dev.vigil.decision.state.Intent.BACKUP_LANE).count());
        return full;
    }

    private List<DecisionRecord> revivals() {
        return trail.stream().filter(d -> d.getReason().startsWith("worker reports on command ")).toList();
    }

    @Test
    void shouldPutAWrittenOffCommandBackInFlightAndCallOffTheRetryWhenTheWorkerReportsOnItAgain() {
        final BackupCommand full = writeOffASilentFull();

        report(full, CommandStatus.PROGRESS); // the host is back: the FULL ran on
        advance(Duration.ofMinutes(2)); // past when the retry was due
        runWithProgress(full, Duration.ofMinutes(30));

        newRecords();
        assertTrue(commands.isEmpty(), "no retry while the FULL runs");
        assertEquals(1, revivals().size(), trail.toString());
        final String said = revivals().get(0).getReason();
        assertTrue(said.startsWith("worker reports on command " + full.getId() + " again after it was written off at ")
                && said.endsWith(": back in flight, the failure the write-off counted is undone, the retry is called "
                + "off"), said);
        DatasetState s = state();
        assertTrue(s.inFlight.get(full.getId()).accepted(), s.inFlight.toString());
        assertTrue(s.failures.isEmpty(), s.failures.toString());
        assertTrue(s.writtenOff.isEmpty(), s.writtenOff.toString());

        report(full, CommandStatus.SUCCEEDED);
        final List<DecisionRecord> done = newRecords();
        assertTrue(done.size() == 1 && done.get(0).getReason().startsWith("FULL succeeded"), done.toString());
        s = state();
        assertTrue(s.inFlight.isEmpty() && s.failures.isEmpty(), s.inFlight + " " + s.failures);
        assertEquals(clock.instant().toEpochMilli(), s.lastBackupAt);
    }

    @Test
    void shouldLetARetryIssuedAlreadyGoOnWhenTheWrittenOffCommandIsReportedOnAgain() {
        final BackupCommand full = writeOffASilentFull();
        advance(Duration.ofMinutes(2));
        final BackupCommand retry = nextCommand();
        newRecords();

        report(full, CommandStatus.PROGRESS);

        newRecords();
        assertEquals(1, revivals().size(), trail.toString());
        assertTrue(revivals().get(0).getReason().endsWith("the FULL " + retry.getId() + " issued meanwhile goes on"),
                revivals().get(0).getReason());
        final DatasetState s = state();
        assertEquals(java.util.Set.of(full.getId(), retry.getId()), s.inFlight.keySet());
        assertTrue(s.failures.isEmpty(), s.failures.toString());
    }

    /**
     * Registers d1, backs it up, deletes a quarter of its files: the RESTORE of them, approved by an operator (a retry
     * of it would be proposed again, so that nothing of the dataset's restores is in flight while it waits).
     */
    private BackupCommand restoreOfDeletedFiles() {
        datasets.pipeInput("d1", dataset("d1", "h1", clock.instant()).build());
        report(nextCommand(), CommandStatus.SUCCEEDED); // 100 files
        advance(Duration.ofMinutes(10));
        final List<String> gone = java.util.stream.IntStream.rangeClosed(1, 25).mapToObj(i -> "img/" + i + ".jpg")
                .toList();
        events.pipeInput("h1", event("h1", "file.activity", activity("d1", clock.instant()).setDeleted(25)
                .setDeletedPaths(gone).build(), clock.instant()));
        final DecisionRecord proposal = newRecords().stream().filter(d -> d.getOutcome() == Outcome.PROPOSED)
                .findFirst().orElseThrow();
        feedback.pipeInput("d1", Feedback.newBuilder().setId("f1").setHost("h1").setTime(clock.instant())
                .setDecisionId(proposal.getId()).setDataset("d1").setVerdict(Verdict.APPROVE).setOperator("op")
                .build());
        final BackupCommand restore = nextCommand();
        assertEquals(Action.RESTORE, restore.getAction(), trail.toString());
        newRecords();
        return restore;
    }

    /** The restore's own writes as the collector sees them: many files, near-random bytes, in one interval. */
    private void restoredFilesWritten(final Instant start) {
        events.pipeInput("h1", event("h1", "file.activity", activity("d1", clock.instant()).setIntervalStart(start)
                .setCreated(50).setRenamed(50).setWriteEntropy(7.96).setEntropySampledBytes(1_048_576)
                .setBytesWritten(60_000_000).build(), clock.instant()));
    }

    private List<DecisionRecord> ransomwareAlarms() {
        return trail.stream().filter(d -> "ransomware-like-mass-modification".equals(d.getRule())).toList();
    }

    @Test
    void shouldTakeTheWritesOfARestoreThatRunsPastCommandTtlWithProgressForTheRestoreNotRansomware() {
        final BackupCommand restore = restoreOfDeletedFiles();
        report(restore, CommandStatus.ACCEPTED);
        runWithProgress(restore, Duration.ofHours(6).plusMinutes(30));

        restoredFilesWritten(clock.instant().minusSeconds(60));
        newRecords();

        assertEquals(List.of(), ransomwareAlarms(), "the restore's own writes");
        assertTrue(trail.stream().noneMatch(LateResultTest::writeOff), trail.toString());
        advance(Duration.ofMinutes(5));
        report(restore, CommandStatus.SUCCEEDED);
        newRecords();
        assertEquals(clock.instant().toEpochMilli(), state().restoredIntoAt);
    }

    @Test
    void shouldMarkTheDatasetRestoredIntoWhenARestoreWrittenOffSucceedsLate() {
        final BackupCommand restore = restoreOfDeletedFiles();
        report(restore, CommandStatus.ACCEPTED); // then nothing: the worker's host lost the cluster
        advance(Duration.ofHours(6).plusMinutes(5));
        assertTrue(newRecords().stream().anyMatch(LateResultTest::writeOff), trail.toString());

        // its result comes before the retry is due: nothing else of the dataset's is in flight
        final Instant done = clock.instant().minusSeconds(30);
        results.pipeInput("d1", result("d1", "h1", restore.getId(), Action.RESTORE, CommandStatus.SUCCEEDED, done)
                .build());
        final String late = newRecords().get(0).getReason();
        assertTrue(late.startsWith("late result: RESTORE succeeded") && late.contains("called off"), late);
        assertEquals(done.toEpochMilli(), state().restoredIntoAt);
        // the collector's interval that saw the restore's last writes, reported after its result
        restoredFilesWritten(done.minusSeconds(90));
        newRecords();

        assertEquals(List.of(), ransomwareAlarms(), "the restore's own writes");
        assertTrue(commands.isEmpty(), "no retry, no evidence snapshot");
    }

    @Test
    void shouldLoadCommandsInFlightAndWrittenOffStoredBeforeTheirReportsWereKept() throws Exception {
        final String stored = "{\"dataset\":\"d1\",\"host\":\"h1\",\"inFlight\":{\"c1\":{\"commandId\":\"c1\","
                + "\"decisionId\":\"x\",\"intent\":{\"action\":\"FULL\",\"priority\":80,\"source\":\"POLICY\"},"
                + "\"issuedAt\":1,\"expiresAt\":2,\"accepted\":true}},\"writtenOff\":[{\"commandId\":\"c0\","
                + "\"action\":\"RESTORE\",\"issuedAt\":1,\"expiresAt\":2,\"at\":3}]}";

        final DatasetState s = dev.vigil.decision.state.JsonSerde.MAPPER.readValue(stored, DatasetState.class);

        assertEquals(0, s.inFlight.get("c1").heardAt());
        assertTrue(s.inFlight.get("c1").accepted());
        assertEquals(new DatasetState.WrittenOff("c0", Action.RESTORE, 1, 2, 3, 0, false, null, null),
                s.writtenOff.get(0));
        assertTrue(s.revivable("c0").isEmpty(), "kept no intent: it cannot be put back in flight");
        assertEquals(1, s.writtenOff.size(), "and stays written off, for its late result");
    }
}
