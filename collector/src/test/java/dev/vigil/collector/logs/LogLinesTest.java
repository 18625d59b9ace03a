package dev.vigil.collector.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.schemas.Severity;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class LogLinesTest {
    private static final Instant FALLBACK = Instant.parse("2000-01-01T00:00:00Z");
    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

    @Test
    void shouldReadLeadingTimestampsInCommonForms() {
        assertEquals(Instant.parse("2026-01-31T12:00:01.123Z"),
                LogLines.time("2026-01-31T12:00:01.123Z GET /", PARIS, FALLBACK));
        assertEquals(Instant.parse("2026-01-31T11:00:01.123Z"),
                LogLines.time("2026-01-31 12:00:01,123 INFO x", PARIS, FALLBACK), "no offset: local zone");
        assertEquals(Instant.parse("2026-01-31T10:30:00Z"),
                LogLines.time("[2026-01-31T12:00:00+0130] x", PARIS, FALLBACK));
        assertEquals(Instant.parse("2026-01-31T14:00:00Z"),
                LogLines.time("2026-01-31T12:00:00-02:00", PARIS, FALLBACK));
        assertEquals(Instant.parse("2026-01-31T11:00:00.000001Z"),
                LogLines.time("2026-01-31T12:00:00.000001 x", PARIS, FALLBACK));
    }

    @Test
    void shouldReadSyslogCommonLogAndJsonTimes() {
        final Instant read = Instant.parse("2026-01-31T12:30:00Z");
        assertEquals(Instant.parse("2026-01-31T11:00:00Z"),
                LogLines.time("Jan 31 12:00:00 host sshd[1]: x", PARIS, read), "syslog: this year, local zone");
        assertEquals(Instant.parse("2026-01-05T08:04:05Z"), LogLines.time("<34>Jan  5 09:04:05 host su: x", PARIS, read));
        assertEquals(Instant.parse("2025-12-31T22:59:59Z"), LogLines.time("Dec 31 23:59:59 host x", PARIS, read),
                "a December line read in January is last year's");
        assertEquals(Instant.parse("2026-01-31T10:00:01Z"), LogLines.time(
                "10.0.0.1 - - [31/Jan/2026:12:00:01 +0200] \"GET / HTTP/1.1\" 200 12", PARIS, read));
        assertEquals(Instant.parse("2026-01-31T12:00:01.500Z"),
                LogLines.time("{\"level\":\"info\",\"ts\":\"2026-01-31T12:00:01.5Z\",\"msg\":\"x\"}", PARIS, read));
        assertEquals(Instant.parse("2026-01-31T12:00:01.250Z"),
                LogLines.time("{\"time\": 1769860801.25, \"msg\": \"x\"}", PARIS, read));
        assertEquals(Instant.parse("2026-01-31T12:00:01.123Z"),
                LogLines.time("{\"@timestamp\":1769860801123}", PARIS, read));
    }

    @Test
    void shouldFallBackWhenThereIsNoTimestamp() {
        assertEquals(FALLBACK, LogLines.time("Jab 31 12:00:00 host sshd[1]: x", PARIS, FALLBACK));
        assertEquals(FALLBACK, LogLines.time("Jan 32 12:00:00 host sshd[1]: x", PARIS, FALLBACK));
        assertEquals(FALLBACK, LogLines.time("[31/Jan/2026:12:00:01] no offset", PARIS, FALLBACK));
        assertEquals(FALLBACK, LogLines.time("{\"msg\":\"no time\"}", PARIS, FALLBACK));
        assertEquals(FALLBACK, LogLines.time("2026-13-45 99:00:00 impossible", PARIS, FALLBACK));
        assertEquals(FALLBACK, LogLines.time("", PARIS, FALLBACK));
        assertEquals(FALLBACK, LogLines.time("2026-01-31", PARIS, FALLBACK));
    }

    @Test
    void shouldFindTheFirstLevelWord() {
        assertEquals(Severity.ERROR, LogLines.severity("2026-01-31 12:00:00 ERROR [main] boom"));
        assertEquals(Severity.WARN, LogLines.severity("level=WARNING msg=disk"));
        assertEquals(Severity.CRITICAL, LogLines.severity("kernel: FATAL: cannot"));
        assertEquals(Severity.INFO, LogLines.severity("[INFO] started; ERROR later"));
        assertEquals(Severity.UNKNOWN, LogLines.severity("INFORMATION about ERRORS and Error"));
        assertEquals(Severity.UNKNOWN, LogLines.severity("x".repeat(200) + " ERROR"));
    }
}
