package dev.vigil.analyzer.app;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import dev.vigil.embedded.junit.LogCapture;
import dev.vigil.analyzer.RetriableAnalyzerException;
import dev.vigil.analyzer.TestDirs;
import dev.vigil.schemas.topic.ClusterWait;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Start-up against a cluster that is not there: said at once, given up after startup.timeout.ms. */
class AnalyzerStartTest {

    @Test
    void shouldWarnAtOnceAndFailWithinTheStartupTimeoutNamingTheServersWhenNoBrokerAnswers() {
        // port 1 on the loopback: nothing listens, every connection is refused
        final AnalyzerConfig config = new AnalyzerConfig(Map.of("bootstrap.servers", "127.0.0.1:1",
                AnalyzerConfig.STARTUP_TIMEOUT_MS_CONFIG, "2000", AnalyzerConfig.QUERY_ENDPOINT_CONFIG, "",
                AnalyzerConfig.STATE_DIR_CONFIG, TestDirs.create("analyzer-start").toString()));
        try (LogCapture warnings = new LogCapture(ClusterWait.class, Level.WARN)) {
            // bounded: without the fix the start tried 5 times, each for the admin client's 60 s timeout
            final RetriableAnalyzerException e = assertTimeoutPreemptively(Duration.ofSeconds(45),
                    () -> assertThrows(RetriableAnalyzerException.class, () -> AnalyzerService.start(config)));
            assertTrue(e.getMessage().contains("127.0.0.1:1") && e.getMessage().contains("startup.timeout.ms")
                    && e.getMessage().contains("2000 ms"), e.getMessage());
            final List<String> logged = warnings.messages();
            assertTrue(logged.size() == 1 && logged.get(0).contains("127.0.0.1:1")
                    && logged.get(0).contains("to create or check the analyzer's topics"), logged.toString());
        }
    }
}
