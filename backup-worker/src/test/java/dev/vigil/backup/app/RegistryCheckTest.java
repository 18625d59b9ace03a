package dev.vigil.backup.app;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry check at the worker's start with no broker to read the registry from: it fails within its time, so
 * that the worker says the registry could not be read, and never takes an unread registry for an empty one (which
 * would report every dataset served here as not registered).
 */
class RegistryCheckTest {
    @TempDir
    Path dir;

    @Test
    void shouldFailWithinItsTimeWhenNoBrokerAnswersRatherThanFindAnEmptyRegistry() throws Exception {
        // port 1 on the loopback: nothing listens, every connection is refused
        final WorkerConfig config = WorkerConfig.read(Files.writeString(dir.resolve("worker.properties"),
                String.join("\n", "bootstrap.servers=127.0.0.1:1", "host.name=web-1", "worker.datasets=ds",
                        "dataset.ds.path=" + dir.resolve("ds"), "dataset.ds.repository=" + dir.resolve("repo"),
                        "dataset.ds.password.file=" + dev.vigil.backup.TestRepos.passwordFile(dir.resolve("pw"), "secret"),
                        "worker.command.public.key.file=" + key(dir)) + "\n"));
        // a guard against hanging, not a measure
        final TimeoutException e = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> assertThrows(TimeoutException.class, () -> RegistryCheck.read(config, Duration.ofSeconds(1))));
        assertTrue(e.getMessage().contains("metadata"), e.getMessage());
    }

    /** @return a public key file: the worker's file is read with its keys */
    private static Path key(final Path dir) throws Exception {
        dev.vigil.schemas.security.CommandSignature.write(dev.vigil.schemas.security.CommandSignature.generate(),
                dir.resolve("engine.key"));
        return dir.resolve("engine.key.pub");
    }
}
