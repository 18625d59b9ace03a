package dev.vigil.backup.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.backup.cli.ChildJvm;
import dev.vigil.embedded.EmbeddedKafkaBroker;
import dev.vigil.embedded.junit.TestKafka;
import dev.vigil.schemas.Action;
import dev.vigil.schemas.BackupCommand;
import dev.vigil.schemas.BackupResult;
import dev.vigil.schemas.CommandStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker killed (kill -9, a child JVM) after it recorded a command DONE but before the cluster acknowledged the
 * command's result: the worker started after it sends that result.
 */
class WorkerResultCrashIT {
    private static final Duration WAIT = Duration.ofMinutes(2);
    @TempDir
    Path dir;
    private EmbeddedKafkaBroker broker;
    private TestKafka kafka;

    @BeforeEach
    void startBroker() {
        broker = EmbeddedKafkaBroker.start(dir.resolve("broker"));
        kafka = new TestKafka(broker.bootstrapServers(), "resultcrash.");
    }

    @AfterEach
    void stopBroker() {
        broker.close();
    }

    @Test
    void shouldSendAfterARestartTheResultOfACommandDoneWhenTheWorkerWasKilledBeforeItWasAcknowledged()
            throws Exception {
        try (WorkerHarness h = new WorkerHarness(kafka, dir)) {
            Files.writeString(h.dataset.resolve("f.txt"), "x");
            final Map<String, String> values = new HashMap<>(h.config());
            // the clients give up on the cluster within seconds, not the minutes of their defaults
            values.put("kafka.default.api.timeout.ms", "3000");
            values.put("kafka.request.timeout.ms", "2000");
            values.put("kafka.delivery.timeout.ms", "3000");
            values.put("kafka.max.block.ms", "3000");
            final StringBuilder text = new StringBuilder();
            values.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
            final Path config = Files.writeString(dir.resolve("worker.properties"), text.toString());
            final Path gate = Files.createDirectories(dir.resolve("gate"));
            final Path log = dir.resolve("worker.log");
            final BackupCommand cmd = WorkerHarness.command(Action.FULL).build();

            final Process first = start(log, GatedWorker.class, config.toString(), gate.toString());
            try {
                h.send(cmd);
                await(() -> Files.exists(gate.resolve("reached")), first, log, "the worker took the command");
                broker.close(); // the backup runs, and its result is sent, with the cluster away
                Files.createFile(gate.resolve("open"));
                final Path ledger = dir.resolve("state/ledger.jsonl");
                await(() -> lines(ledger).stream().anyMatch(l -> l.contains(cmd.getId()) && l.contains("\"DONE\"")),
                        first, log, "the command recorded done");
            } finally {
                first.destroyForcibly().waitFor(1, TimeUnit.MINUTES);
            }

            broker = broker.restart();
            final Process second = ChildJvm.start(log, Map.of(), "worker", "--config", config.toString());
            try {
                final BackupResult done = h.await(r -> r.getCommandId().equals(cmd.getId())
                        && r.getStatus() == CommandStatus.SUCCEEDED, WAIT);
                final BackupCommand next = WorkerHarness.command(Action.VERIFY).build();
                h.send(next);
                h.await(r -> r.getCommandId().equals(next.getId()) && r.getStatus() == CommandStatus.SUCCEEDED, WAIT);
                assertEquals(List.of(done.getId()), h.results(cmd.getId()).stream().map(BackupResult::getId).toList(),
                        "its result, once (its ACCEPTED went with the broker); the command not run again");
            } finally {
                second.destroyForcibly().waitFor(1, TimeUnit.MINUTES);
            }
        }
    }

    private static List<String> lines(final Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        } catch (java.io.IOException e) {
            return List.of();
        }
    }

    private static void await(final BooleanSupplier done, final Process child, final Path log, final String what)
            throws Exception {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        while (!done.getAsBoolean()) {
            assertTrue(child.isAlive() && System.nanoTime() < deadline, "not " + what + "; the worker's log:\n"
                    + Files.readString(log));
            Thread.sleep(50);
        }
    }

    private static Process start(final Path log, final Class<?> main, final String... args) throws Exception {
        final List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(
                log.toFile())).start();
    }

    /**
     * The worker in a child JVM, on a clock that holds its loop the first time it reads it (its expiry check of the
     * first command) until the file {@code open} appears, after writing the file {@code reached}.
     */
    static final class GatedWorker {
        private GatedWorker() {
        }

        /** @param args the config file, the gate directory */
        public static void main(final String[] args) {
            final Path gate = Path.of(args[1]);
            WorkerService.start(WorkerConfig.read(Path.of(args[0])), new Clock() {
                private boolean passed;

                @Override
                public Instant instant() {
                    if (!passed && Thread.currentThread().getName().equals("vigil-worker")) {
                        passed = true;
                        try {
                            Files.createFile(gate.resolve("reached"));
                            final long deadline = System.nanoTime() + WAIT.toNanos();
                            while (!Files.exists(gate.resolve("open")) && System.nanoTime() < deadline) {
                                Thread.sleep(20);
                            }
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
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
            });
            // the worker runs on its own thread until the test kills this JVM
        }
    }
}
