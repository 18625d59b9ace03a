package dev.vigil.decision.app;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import dev.vigil.decision.DecisionException;
import dev.vigil.embedded.junit.LogCapture;
import dev.vigil.schemas.security.CommandSignature;
import dev.vigil.schemas.topic.ClusterWait;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up against a cluster that is not there: said at once, given up after startup.timeout. */
class DecisionStartTest {

    @Test
    void shouldWarnAtOnceAndFailWithinTheStartupTimeoutNamingTheServersWhenNoBrokerAnswers(@TempDir final Path dir)
            throws Exception {
        final Path key = dir.resolve("engine.key");
        CommandSignature.write(CommandSignature.generate(), key);
        // port 1 on the loopback: nothing listens, every connection is refused
        final DecisionConfig config = new DecisionConfig(Map.of("bootstrap.servers", "127.0.0.1:1",
                DecisionConfig.STARTUP_TIMEOUT_CONFIG, "2s", DecisionConfig.SIGNING_KEY_FILE_CONFIG, key.toString(),
                DecisionConfig.STATE_DIR_CONFIG, dir.resolve("state").toString()));
        try (LogCapture log = new LogCapture(ClusterWait.class, Level.WARN)) {
            // bounded (the model is trained first, seconds on a busy machine): without the fix the start gave up
            // after the admin call's 30 s, naming neither the servers nor startup.timeout
            final DecisionException e = assertTimeoutPreemptively(Duration.ofSeconds(90),
                    () -> assertThrows(DecisionException.Retriable.class, () -> DecisionService.start(config)));
            assertTrue(e.getMessage().contains("127.0.0.1:1") && e.getMessage().contains("startup.timeout"),
                    e.getMessage());
            final List<String> warnings = log.messages();
            assertTrue(warnings.size() == 1 && warnings.get(0).contains("127.0.0.1:1")
                    && warnings.get(0).contains("input topics"), warnings.toString());
        }
    }
}
