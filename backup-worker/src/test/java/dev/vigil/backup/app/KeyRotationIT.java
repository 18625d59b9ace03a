package dev.vigil.backup.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.embedded.junit.KafkaBrokerExtension;
import dev.vigil.embedded.junit.TestKafka;
import dev.vigil.schemas.Action;
import dev.vigil.schemas.BackupCommand;
import dev.vigil.schemas.BackupResult;
import dev.vigil.schemas.CommandStatus;
import dev.vigil.schemas.security.CommandSignature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rotating the decision engine's key without downtime: a worker trusts the old and the new key while the engines
 * change over, and once the old one is removed from its list, a command signed with it (a replay from the topic
 * included) is refused naming that key id.
 */
@ExtendWith(KafkaBrokerExtension.class)
class KeyRotationIT {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void shouldObeyBothEnginesWhileItTrustsTheOldAndTheNewKeyAndRefuseTheOldOneOnceRemoved(final TestKafka kafka,
            @TempDir final Path dir) throws Exception {
        try (WorkerHarness h = new WorkerHarness(kafka, dir)) {
            Files.writeString(h.dataset.resolve("f.txt"), "x");
            final KeyPair next = CommandSignature.generate();
            final Path nextKey = dir.resolve("keys/engine-2.key");
            CommandSignature.write(next, nextKey);
            final String oldPub = CommandSignature.publicFileFor(h.keyFile).toString();
            final String newPub = CommandSignature.publicFileFor(nextKey).toString();
            final String oldId = CommandSignature.keyId(h.keys.getPublic());

            final Map<String, String> both = new HashMap<>(h.config());
            both.put(WorkerConfig.PUBLIC_KEY_CONFIG, oldPub + ", " + newPub);
            final BackupCommand byOld = WorkerHarness.command(Action.FULL).build();
            final BackupCommand byNew = WorkerHarness.command(Action.FULL).build();
            final byte[] oldBytes;
            try (WorkerService worker = WorkerService.start(new WorkerConfig(both))) {
                oldBytes = h.send(byOld, h.keys);
                h.send(byNew, next);
                assertEquals(CommandStatus.SUCCEEDED, finalStatus(h, byOld));
                assertEquals(CommandStatus.SUCCEEDED, finalStatus(h, byNew));
            }

            final Map<String, String> newOnly = new HashMap<>(h.config());
            newOnly.put(WorkerConfig.PUBLIC_KEY_CONFIG, newPub);
            try (WorkerService worker = WorkerService.start(new WorkerConfig(newOnly))) {
                // the old engine's command, copied back into the topic, and a fresh one it signs after removal
                h.sendRaw(WorkerHarness.HOST, oldBytes, h.keys);
                final BackupCommand late = WorkerHarness.command(Action.FULL).build();
                h.send(late, h.keys);
                final String reason = h.awaitDeadLetter("signed with key id " + oldId + ", which this worker does "
                        + "not trust", WAIT);
                assertTrue(reason.contains(CommandSignature.keyId(next.getPublic())), reason);
                final BackupCommand after = WorkerHarness.command(Action.FULL).build();
                h.send(after, next);
                assertEquals(CommandStatus.SUCCEEDED, finalStatus(h, after));
                assertTrue(h.results(late.getId()).isEmpty(), "a command of the removed key is not run");
                assertEquals(List.of(CommandStatus.ACCEPTED, CommandStatus.SUCCEEDED), h.results(byOld.getId()).stream()
                        .map(BackupResult::getStatus).filter(st -> st != CommandStatus.PROGRESS).toList(),
                        "the replay was not run again, nor answered as the command");
                assertTrue(worker.failure() == null);
            }
        }
    }

    private static CommandStatus finalStatus(final WorkerHarness h, final BackupCommand cmd) {
        return h.await(r -> r.getCommandId().equals(cmd.getId()) && (r.getStatus() == CommandStatus.SUCCEEDED
                || r.getStatus() == CommandStatus.FAILED || r.getStatus() == CommandStatus.REJECTED), WAIT).getStatus();
    }
}
