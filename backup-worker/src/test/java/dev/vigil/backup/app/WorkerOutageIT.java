package dev.vigil.backup.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import dev.vigil.backup.BackupException;
import dev.vigil.embedded.EmbeddedKafkaBroker;
import dev.vigil.embedded.junit.LogCapture;
import dev.vigil.embedded.junit.TestKafka;
import dev.vigil.schemas.Action;
import dev.vigil.schemas.BackupCommand;
import dev.vigil.schemas.BackupResult;
import dev.vigil.schemas.CommandStatus;
import dev.vigil.schemas.topic.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster away while the worker runs a command (a one-broker setup restarted, two brokers of three down, the
 * group coordinator moving): the offset of the command it ran cannot be committed for a while. The worker waits for
 * the cluster and commits it then; it neither stops nor runs a command twice.
 */
class WorkerOutageIT {
    private static final Duration WAIT = Duration.ofMinutes(2);
    @TempDir
    Path dir;
    private EmbeddedKafkaBroker broker;
    private TestKafka kafka;
    private LogCapture log;

    @BeforeEach
    void startBroker() {
        broker = EmbeddedKafkaBroker.start(dir.resolve("broker"));
        kafka = new TestKafka(broker.bootstrapServers(), "outage.");
        log = new LogCapture(WorkerService.class, Level.WARN);
    }

    @AfterEach
    void stopBroker() {
        log.close();
        broker.close();
    }

    @Test
    void shouldRideOutAnOutageThatHoldsTheCommitOfACommandItRanAndRunEachCommandOnce() throws Exception {
        try (WorkerHarness h = new WorkerHarness(kafka, dir)) {
            final Map<String, String> config = config(h);
            final GateClock clock = new GateClock();
            final BackupCommand during = WorkerHarness.command(Action.FULL).build();
            final BackupCommand after = WorkerHarness.command(Action.FULL).build();
            try (WorkerService worker = WorkerService.start(new WorkerConfig(config), clock)) {
                runDuringOutage(h, worker, clock, during);
                assertNull(worker.failure(), "the worker stopped on the outage");

                broker = broker.restart();
                h.send(after);
                assertEquals(CommandStatus.SUCCEEDED, end(h, after));
                awaitCommitted(2);
                assertNull(worker.failure());
                final List<String> warnings = log.messages().stream().filter(m -> m.contains("cannot commit")).toList();
                assertEquals(1, warnings.size(), "one warning for the outage: " + warnings);
            }
            // a restarted worker neither runs the command of the outage again, nor the one after it
            final BackupCommand last = WorkerHarness.command(Action.FULL).build();
            try (WorkerService worker = WorkerService.start(new WorkerConfig(config))) {
                h.send(last);
                assertEquals(CommandStatus.SUCCEEDED, end(h, last));
                assertNull(worker.failure());
            }
            assertEquals(List.of(CommandStatus.ACCEPTED, CommandStatus.SUCCEEDED), h.results(after.getId()).stream()
                    .map(BackupResult::getStatus).filter(s -> s != CommandStatus.PROGRESS).toList());
            assertRunOnce(h, during, 3);
        }
    }

    @Test
    void shouldNotRunAgainACommandWhoseOffsetTheOutageKeptFromBeingCommittedWhenTheWorkerIsRestarted()
            throws Exception {
        try (WorkerHarness h = new WorkerHarness(kafka, dir)) {
            final Map<String, String> config = config(h);
            final GateClock clock = new GateClock();
            final BackupCommand during = WorkerHarness.command(Action.FULL).build();
            try (WorkerService worker = WorkerService.start(new WorkerConfig(config), clock)) {
                runDuringOutage(h, worker, clock, during);
            } // stopped with the offset not committed: the command is read again by the next worker
            broker = broker.restart();
            assertEquals(-1, committed(), "the outage kept the offset of the command from being committed");
            final BackupCommand after = WorkerHarness.command(Action.FULL).build();
            try (WorkerService worker = WorkerService.start(new WorkerConfig(config))) {
                h.send(after);
                assertEquals(CommandStatus.SUCCEEDED, end(h, after));
                awaitCommitted(2);
                assertNull(worker.failure());
            }
            assertRunOnce(h, during, 2);
        }
    }

    @Test
    void shouldDeliverTheResultOfABackupThatFinishedWhileTheBrokerWasDownOnceItIsBackExactlyOnce() throws Exception {
        try (WorkerHarness h = new WorkerHarness(kafka, dir);
             LogCapture outbox = new LogCapture(ResultOutbox.class, Level.INFO)) {
            final GateClock clock = new GateClock();
            final BackupCommand during = WorkerHarness.command(Action.FULL).build();
            final BackupCommand after = WorkerHarness.command(Action.FULL).build();
            try (WorkerService worker = WorkerService.start(new WorkerConfig(config(h)), clock)) {
                runDuringOutage(h, worker, clock, during);
                // the producer gave up on the result (its delivery and blocking timeouts are 3 s here)
                final long deadline = System.nanoTime() + WAIT.toNanos();
                while (outbox.messages().stream().noneMatch(m -> m.contains("cannot deliver"))) {
                    assertTrue(System.nanoTime() < deadline, "no word of the undelivered result: " + outbox.messages());
                    Thread.sleep(100);
                }
                broker = broker.restart();
                final BackupResult done = h.await(r -> r.getCommandId().equals(during.getId())
                        && r.getStatus() == CommandStatus.SUCCEEDED, WAIT);
                h.send(after);
                assertEquals(CommandStatus.SUCCEEDED, end(h, after));
                assertNull(worker.failure());
                try (Stream<Path> snapshots = Files.list(dir.resolve("repo/snapshots"))) {
                    assertTrue(snapshots.anyMatch(f -> f.getFileName().toString().equals(done.getSnapshotId())),
                            "the result names the snapshot the backup made: " + done);
                }
            }
            assertEquals(List.of(CommandStatus.SUCCEEDED), h.results(during.getId()).stream()
                    .map(BackupResult::getStatus).toList(), "its ACCEPTED is lost with the broker, its result is not");
            assertEquals(1, outbox.messages().stream().filter(m -> m.contains("cannot deliver")).count(),
                    "one warning for the outage: " + outbox.messages());
            assertEquals(1, outbox.messages().stream().filter(m -> m.contains("is delivered")).count(),
                    "one line once delivered: " + outbox.messages());
        }
    }

    @Test
    void shouldWaitForAClusterThatIsNotUpYetAndServeCommandsOnceItIs() throws Exception {
        try (WorkerHarness h = new WorkerHarness(kafka, dir)) {
            final WorkerConfig config = new WorkerConfig(config(h));
            broker.close(); // a host that boots before its brokers, or a worker started during an outage
            final CompletableFuture<WorkerService> starting = CompletableFuture.supplyAsync(
                    () -> WorkerService.start(config));
            final long deadline = System.nanoTime() + WAIT.toNanos();
            while (log.messages().stream().noneMatch(m -> m.contains("waiting since"))) {
                if (starting.isDone()) {
                    starting.join(); // says why it ended
                }
                assertTrue(System.nanoTime() < deadline, "no word of the wait: " + log.messages());
                Thread.sleep(100);
            }
            broker = broker.restart();
            try (WorkerService worker = starting.get(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                final BackupCommand cmd = WorkerHarness.command(Action.FULL).build();
                h.send(cmd);
                assertEquals(CommandStatus.SUCCEEDED, end(h, cmd));
                assertNull(worker.failure());
            }
            assertEquals(1, log.messages().stream().filter(m -> m.contains("waiting since")).count(),
                    "one warning (the next would come a minute later): " + log.messages());
        }
    }

    @Test
    void shouldPutAForgeryOnTheDeadLetterTopicOnceTheClusterTakesItAndServeTheCommandsAfterIt() throws Exception {
        try (WorkerHarness h = new WorkerHarness(kafka, dir)) {
            final String deadLetters = Topics.DEAD_LETTER.withPrefix(kafka.prefix()).name();
            try (WorkerService worker = WorkerService.start(new WorkerConfig(config(h)))) {
                // the cluster cannot take a dead letter for now: its topic is gone (auto-creation is off)
                try (Admin admin = kafka.admin()) {
                    admin.deleteTopics(List.of(deadLetters)).all().get();
                }
                final BackupCommand forged = WorkerHarness.command(Action.FULL).build();
                h.send(forged, null);
                final BackupCommand next = WorkerHarness.command(Action.FULL).build();
                h.send(next);
                final long deadline = System.nanoTime() + WAIT.toNanos();
                while (log.messages().stream().noneMatch(m -> m.contains("retrying until the cluster takes it"))) {
                    assertTrue(System.nanoTime() < deadline, "no word of the dead letter held: " + log.messages());
                    Thread.sleep(100);
                }
                try (Admin admin = kafka.admin()) {
                    new dev.vigil.schemas.topic.TopicAdmin(admin).createOrCheck(List.of(Topics.DEAD_LETTER
                            .withPrefix(kafka.prefix())), 1);
                }
                assertTrue(h.awaitDeadLetter("not signed", WAIT).contains("not from a decision engine"));
                assertEquals(CommandStatus.SUCCEEDED, end(h, next));
                assertNull(worker.failure());
            }
        }
    }

    @Test
    void shouldRefuseToStartAtOnceWhenTheClusterAnswersThatItsCommandsTopicDoesNotExist() throws Exception {
        try (WorkerHarness h = new WorkerHarness(kafka, dir)) {
            final Map<String, String> values = config(h);
            values.put("topic.prefix", "missing.");
            // were the answer taken for a cluster away, the start would end after this, saying something else
            values.put("worker.startup.timeout.ms", "30000");
            final BackupException e = assertThrows(BackupException.class,
                    () -> WorkerService.start(new WorkerConfig(values)));
            assertTrue(e.getMessage().contains("topic missing.vigil-commands does not exist"), e.getMessage());
        }
    }

    private static Map<String, String> config(final WorkerHarness h) throws Exception {
        Files.writeString(h.dataset.resolve("f.txt"), "x");
        final Map<String, String> config = new HashMap<>(h.config());
        // the clients give up on the cluster within seconds, not the minutes of their defaults
        config.put("kafka.default.api.timeout.ms", "3000");
        config.put("kafka.request.timeout.ms", "2000");
        config.put("kafka.delivery.timeout.ms", "3000");
        config.put("kafka.max.block.ms", "3000");
        return config;
    }

    /**
     * Sends the command and stops the broker once the worker holds it (the first time it reads the clock is its
     * expiry check), so that it runs the command, and then commits its offset, with the cluster away. Returns once
     * the worker stopped or said it could not commit.
     */
    private void runDuringOutage(final WorkerHarness h, final WorkerService worker, final GateClock clock,
            final BackupCommand cmd) throws Exception {
        h.send(cmd);
        assertTrue(clock.reached.await(WAIT.toSeconds(), TimeUnit.SECONDS), "the worker took the command");
        broker.close();
        clock.open.countDown();
        final long deadline = System.nanoTime() + WAIT.toNanos();
        while (worker.failure() == null && log.messages().stream().noneMatch(m -> m.contains("cannot commit"))) {
            assertTrue(System.nanoTime() < deadline, "neither stopped nor waiting: " + log.messages());
            Thread.sleep(100);
        }
    }

    private static CommandStatus end(final WorkerHarness h, final BackupCommand cmd) {
        return h.await(r -> r.getCommandId().equals(cmd.getId()) && r.getStatus() != CommandStatus.ACCEPTED
                && r.getStatus() != CommandStatus.PROGRESS, WAIT).getStatus();
    }

    /** The command of the outage (its reports lost with the broker) ran once: no report of it, one backup each. */
    private void assertRunOnce(final WorkerHarness h, final BackupCommand during, final long commands)
            throws Exception {
        assertTrue(h.results(during.getId()).stream().noneMatch(r -> r.getStatus() == CommandStatus.ACCEPTED),
                "the command of the outage is not run again");
        try (Stream<Path> snapshots = Files.list(dir.resolve("repo/snapshots"))) {
            assertEquals(commands, snapshots.count(), "one backup per command");
        }
    }

    /** Waits (bounded) until the worker's group has committed the offset on its partition. */
    private void awaitCommitted(final long offset) throws Exception {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        for (long at = committed(); at != offset; at = committed()) {
            assertTrue(System.nanoTime() < deadline, "committed " + at + ", not " + offset);
            Thread.sleep(100);
        }
    }

    /** @return the offset the worker's group has committed on its partition, -1 for none */
    private long committed() throws Exception {
        final String topic = Topics.COMMANDS.withPrefix(kafka.prefix()).name();
        try (Admin admin = kafka.admin()) {
            final Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(
                    WorkerService.groupId(kafka.prefix(), WorkerHarness.HOST)).partitionsToOffsetAndMetadata().get();
            return committed.entrySet().stream().filter(e -> e.getKey().topic().equals(topic)
                    && e.getValue() != null).mapToLong(e -> e.getValue().offset()).max().orElse(-1);
        }
    }

    /** The system clock, that holds the worker's loop the first time it reads it, until the test opens it. */
    private static final class GateClock extends Clock {
        final CountDownLatch reached = new CountDownLatch(1);
        final CountDownLatch open = new CountDownLatch(1);

        @Override
        public Instant instant() {
            if (Thread.currentThread().getName().equals("vigil-worker") && reached.getCount() > 0) {
                reached.countDown();
                try {
                    open.await(WAIT.toSeconds(), TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return Instant.now();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(final ZoneId zone) {
            return this;
        }
    }
}
