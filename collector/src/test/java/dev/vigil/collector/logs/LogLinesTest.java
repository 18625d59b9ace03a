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

    @Test
    void shouldReadLevelFieldsInAnyCaseAndTheirNumbers() {
        // JSON of zap, logrus, pino, bunyan, Serilog, Python's json logger; logfmt of Go services and log15
        assertEquals(Severity.ERROR, LogLines.severity("{\"level\":\"error\",\"ts\":1769860801.25,\"msg\":\"x\"}"));
        assertEquals(Severity.WARN, LogLines.severity("time=2026-01-31T12:00:00Z level=warn msg=\"disk at 91%\""));
        assertEquals(Severity.WARN, LogLines.severity("{\"@t\":\"2026-01-31T12:00:00Z\",\"severity\": \"Warning\"}"));
        assertEquals(Severity.ERROR, LogLines.severity("t=2026-01-31T12:00:00+0000 lvl=eror msg=\"write failed\""));
        assertEquals(Severity.DEBUG, LogLines.severity("t=2026-01-31T12:00:00+0000 lvl=dbug msg=x"));
        assertEquals(Severity.INFO, LogLines.severity("{\"@l\":\"Information\",\"@mt\":\"ok\"}"));
        assertEquals(Severity.ERROR, LogLines.severity("{\"asctime\": \"x\", \"levelname\": \"error\"}"));
        assertEquals(Severity.CRITICAL, LogLines.severity("{\"log.level\":\"fatal\",\"message\":\"x\"}"));
        assertEquals(Severity.ERROR, LogLines.severity("{\"name\":\"api\",\"hostname\":\"web-1\",\"pid\":7,\"level\":50}"),
                "pino and bunyan: 50 is error");
        assertEquals(Severity.CRITICAL, LogLines.severity("{\"level\":60,\"msg\":\"x\"}"));
        assertEquals(Severity.DEBUG, LogLines.severity("{\"level\":10,\"msg\":\"x\"}"));
        assertEquals(Severity.INFO, LogLines.severity("{\"level\":30,\"msg\":\"ERROR in the message\"}"),
                "the field is the writer's own statement: it wins over a word of the message");
        assertEquals(Severity.ERROR, LogLines.severity("{\"PRIORITY\":\"3\",\"MESSAGE\":\"x\"}"),
                "journald's syslog severity");
        assertEquals(Severity.WARN, LogLines.severity("{\"version\":\"1.1\",\"host\":\"h\",\"level\":4}"), "GELF");
        assertEquals(Severity.CRITICAL, LogLines.severity("{\"level\":0}"), "syslog 0 is emerg");
    }

    @Test
    void shouldLeaveLevelsUnknownWhenNoFieldOrWordSaysOne() {
        assertEquals(Severity.UNKNOWN, LogLines.severity("{\"level\":\"chatty\",\"msg\":\"an error occurred\"}"));
        assertEquals(Severity.UNKNOWN, LogLines.severity("sublevel=error depth=3"), "not a level key");
        assertEquals(Severity.UNKNOWN, LogLines.severity("{\"level\":99}"), "neither syslog nor pino");
        assertEquals(Severity.UNKNOWN, LogLines.severity("{\"level\":\"errors\"}"), "a whole value only");
        assertEquals(Severity.UNKNOWN, LogLines.severity("started\nlevel=error in the next line"),
                "the first line only: the rest of a joined record is a trace");
        assertEquals(Severity.WARN, LogLines.severity("{\"level\":\"x\",\"lvl\":\"warn\"}"), "the first known one");
    }
}
