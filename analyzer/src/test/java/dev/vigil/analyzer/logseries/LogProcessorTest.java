package dev.vigil.analyzer.logseries;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.schemas.Severity;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogProcessorTest {
    @Test
    void shouldTakeOnlyLevelWordsOrLevelFieldsAsErrorsWhenTheSeverityIsUnknown() {
        for (final String line : List.of("2026-11-27 ERROR disk failed", "kernel: PANIC: x", "level=error msg=boom",
                "{\"level\":\"fatal\",\"msg\":\"x\"}", "[CRIT] raid degraded")) {
            assertTrue(LogProcessor.isError(Severity.UNKNOWN, line), line);
        }
        // a package name, prose, a variable, a file name: none is a level
        for (final String line : List.of("install libgpg-error-dev:amd64 1.46", "no error found", "Error rates are low",
                "ALERT_MANAGER_URL set", "see /var/log/ERROR.log")) {
            assertFalse(LogProcessor.isError(Severity.UNKNOWN, line), line);
        }
        assertTrue(LogProcessor.isError(Severity.ERROR, "all is well"), "the collector's level wins");
        assertFalse(LogProcessor.isError(Severity.INFO, "ERROR in a message at info level"));
    }
}
