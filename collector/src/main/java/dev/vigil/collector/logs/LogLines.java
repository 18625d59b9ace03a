package dev.vigil.collector.logs;

import dev.vigil.schemas.Severity;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What can be read from a log line's text without knowing its format: a leading timestamp, a level word. */
final class LogLines {
    private static final Pattern TIMESTAMP = Pattern.compile(
            "^\\[?(\\d{4}-\\d{2}-\\d{2})[T ](\\d{2}:\\d{2}:\\d{2}(?:[.,]\\d{1,9})?)(Z|[+-]\\d{2}:?\\d{2})?");
    private static final Pattern LEVEL = Pattern.compile(
            "\\b(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|SEVERE|FATAL|CRIT|CRITICAL|PANIC|EMERG)\\b");
    private static final int LEVEL_SCAN_CHARS = 120;

    private LogLines() {
    }

    /**
     * @param text a record
     * @param zone zone of timestamps without offset
     * @param fallback when the record starts with no ISO-8601-like timestamp
     * @return the event time
     */
    static Instant time(final String text, final ZoneId zone, final Instant fallback) {
        final Matcher m = TIMESTAMP.matcher(text);
        if (!m.find()) {
            return fallback;
        }
        final String local = m.group(1) + "T" + m.group(2).replace(',', '.');
        try {
            if (m.group(3) == null) {
                return LocalDateTime.parse(local).atZone(zone).toInstant();
            }
            String offset = m.group(3);
            if (offset.length() == 5) {
                offset = offset.substring(0, 3) + ":" + offset.substring(3);
            }
            return OffsetDateTime.parse(local + offset).toInstant();
        } catch (DateTimeParseException e) {
            return fallback;
        }
    }

    /** @param text a record @return the first level word near its start, or UNKNOWN */
    static Severity severity(final String text) {
        final Matcher m = LEVEL.matcher(text);
        m.region(0, Math.min(text.length(), LEVEL_SCAN_CHARS));
        if (!m.find()) {
            return Severity.UNKNOWN;
        }
        switch (m.group(1)) {
            case "TRACE":
            case "DEBUG":
                return Severity.DEBUG;
            case "INFO":
            case "NOTICE":
                return Severity.INFO;
            case "WARN":
            case "WARNING":
                return Severity.WARN;
            case "ERROR":
            case "ERR":
            case "SEVERE":
                return Severity.ERROR;
            default:
                return Severity.CRITICAL;
        }
    }
}
