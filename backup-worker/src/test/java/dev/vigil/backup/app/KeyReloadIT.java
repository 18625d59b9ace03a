package dev.vigil.backup.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import dev.vigil.embedded.junit.KafkaBrokerExtension;
import dev.vigil.embedded.junit.LogCapture;
import dev.vigil.embedded.junit.TestKafka;
import dev.vigil.schemas.Action;
import dev.vigil.schemas.BackupCommand;
import dev.vigil.schemas.CommandStatus;
import dev.vigil.schemas.security.CommandSignature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running worker takes the keys its key files hold now, without a restart: the engine's key replaced (a leak) or
 * rotated through a second file that says none, and a file deleted or spoilt gives no key from then on (the leaked
 * key's file deleted revokes it; no key left, no command obeyed).
 */
@ExtendWith(KafkaBrokerExtension.class)
class KeyReloadIT {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void shouldObeyTheNewKeyAndRefuseTheOldOneOnceItsFileIsReplacedWithoutARestart(final TestKafka kafka,
            @TempDir final Path dir) throws Exception {
        try (WorkerHarness h = new WorkerHarness(kafka, dir);
             LogCapture log = new LogCapture(TrustedKeys.class, Level.INFO)) {
            Files.writeString(h.dataset.resolve("f.txt"), "x");
            final Path slot = CommandSignature.publicFileFor(h.keyFile);
            final KeyPair next = CommandSignature.generate();
            final Path nextKey = dir.resolve("keys/engine-2.key");
            CommandSignature.write(next, nextKey);
            final String oldId = CommandSignature.keyId(h.keys.getPublic());
            final String newId = CommandSignature.keyId(next.getPublic());
            try (WorkerService worker = WorkerService.start(new WorkerConfig(h.config()))) {
                // the new private key copied where its .pub was meant: refused, and the old key is gone with it
                replace(slot, Files.readString(nextKey));
                awaitLog(log, slot + ": a private key, where its public key belongs");
                final BackupCommand noKey = WorkerHarness.command(Action.FULL).build();
                h.send(noKey, h.keys);
                h.awaitDeadLetter("signed with key id " + oldId + ", refused: this worker obeys no key", WAIT);
                assertTrue(h.results(noKey.getId()).isEmpty(), "no key listed is left: no command is run");

                replace(slot, Files.readString(CommandSignature.publicFileFor(nextKey)));
                awaitLog(log, "key id(s) [" + newId + "] from now on (before: [])");
                final BackupCommand byNew = WorkerHarness.command(Action.FULL).build();
                h.send(byNew, next);
                assertEquals(CommandStatus.SUCCEEDED, finalStatus(h, byNew));
                final BackupCommand byOld = WorkerHarness.command(Action.FULL).build();
                h.send(byOld, h.keys);
                final String reason = h.awaitDeadLetter("signed with key id " + oldId + ", which this worker does "
                        + "not trust", WAIT);
                assertTrue(reason.contains("holds key ids [" + newId + "]"), reason);
                assertTrue(h.results(byOld.getId()).isEmpty(), "a command of the replaced key is not run");
                assertNull(worker.failure());
            }
        }
    }

    @Test
    void shouldRefuseTheLeakedKeyOnceItsFileIsDeletedAndObeyTheOtherWithoutARestart(final TestKafka kafka,
            @TempDir final Path dir) throws Exception {
        try (WorkerHarness h = new WorkerHarness(kafka, dir);
             LogCapture log = new LogCapture(TrustedKeys.class, Level.INFO)) {
            Files.writeString(h.dataset.resolve("f.txt"), "x");
            final Path leaked = CommandSignature.publicFileFor(h.keyFile);
            final KeyPair other = CommandSignature.generate();
            final Path otherFile = dir.resolve("keys/engine-b.pub");
            CommandSignature.writePublic(other.getPublic(), otherFile);
            final String leakedId = CommandSignature.keyId(h.keys.getPublic());
            final String otherId = CommandSignature.keyId(other.getPublic());
            final Map<String, String> config = new HashMap<>(h.config());
            config.put(WorkerConfig.PUBLIC_KEY_CONFIG, leaked + "," + otherFile);
            try (WorkerService worker = WorkerService.start(new WorkerConfig(config))) {
                // the first thing anyone does at 3 a.m.: delete the leaked key's file
                Files.delete(leaked);
                awaitLog(log, leaked + ": no such file");
                final BackupCommand byThief = WorkerHarness.command(Action.FULL).build();
                final BackupCommand byOther = WorkerHarness.command(Action.FULL).build();
                h.send(byThief, h.keys);
                h.send(byOther, other);
                final String reason = h.awaitDeadLetter("signed with key id " + leakedId + ", which this worker "
                        + "does not trust", WAIT);
                assertTrue(reason.contains("holds key ids [" + otherId + "]"), reason);
                assertEquals(CommandStatus.SUCCEEDED, finalStatus(h, byOther));
                assertTrue(h.results(byThief.getId()).isEmpty(), "a command of the deleted key is not run");
                assertNull(worker.failure());
            }
        }
    }

    @Test
    void shouldRotateThroughASecondFileThatSaysNoneWithoutARestart(final TestKafka kafka, @TempDir final Path dir)
            throws Exception {
        try (WorkerHarness h = new WorkerHarness(kafka, dir);
             LogCapture log = new LogCapture(TrustedKeys.class, Level.INFO)) {
            Files.writeString(h.dataset.resolve("f.txt"), "x");
            final Path slotA = CommandSignature.publicFileFor(h.keyFile);
            final Path slotB = Files.writeString(dir.resolve("keys/engine-b.pub"), TrustedKeys.NO_KEY + "\n");
            final KeyPair next = CommandSignature.generate();
            final String oldId = CommandSignature.keyId(h.keys.getPublic());
            final String newId = CommandSignature.keyId(next.getPublic());
            final Map<String, String> config = new HashMap<>(h.config());
            config.put(WorkerConfig.PUBLIC_KEY_CONFIG, slotA + "," + slotB);
            try (WorkerService worker = WorkerService.start(new WorkerConfig(config))) {
                // README, "Rotating the signing key": the new key in the slot that says none...
                CommandSignature.writePublic(next.getPublic(), dir.resolve("keys/new.pub"));
                replace(slotB, Files.readString(dir.resolve("keys/new.pub")));
                awaitLog(log, "key id(s) [" + oldId + ", " + newId + "] from now on");
                final BackupCommand byOld = WorkerHarness.command(Action.FULL).build();
                final BackupCommand byNew = WorkerHarness.command(Action.FULL).build();
                h.send(byOld, h.keys);
                h.send(byNew, next);
                assertEquals(CommandStatus.SUCCEEDED, finalStatus(h, byOld));
                assertEquals(CommandStatus.SUCCEEDED, finalStatus(h, byNew));
                // ...and, once the engines sign with it, none where the old key was
                replace(slotA, TrustedKeys.NO_KEY + "\n");
                final BackupCommand late = WorkerHarness.command(Action.FULL).build();
                h.send(late, h.keys);
                h.awaitDeadLetter("signed with key id " + oldId + ", which this worker does not trust", WAIT);
                assertTrue(h.results(late.getId()).isEmpty(), "a command of the revoked key is not run");
                assertNull(worker.failure());
            }
        }
    }

    /** Replaces a file whole, as the README says to (written beside it, then moved over it). */
    private static void replace(final Path file, final String content) throws Exception {
        final Path tmp = Files.writeString(file.resolveSibling(file.getFileName() + ".tmp"), content);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Waits (bounded) for the worker to log it: no command is needed for it to see a file changed. */
    private static void awaitLog(final LogCapture log, final String part) throws InterruptedException {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        while (log.messages().stream().noneMatch(m -> m.contains(part))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not logged within " + WAIT + ": " + part + "; logged " + log.messages());
            }
            Thread.sleep(50);
        }
    }

    private static CommandStatus finalStatus(final WorkerHarness h, final BackupCommand cmd) {
        return h.await(r -> r.getCommandId().equals(cmd.getId()) && (r.getStatus() == CommandStatus.SUCCEEDED
                || r.getStatus() == CommandStatus.FAILED || r.getStatus() == CommandStatus.REJECTED), WAIT).getStatus();
    }
}
