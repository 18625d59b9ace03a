package dev.vigil.collector.logs;

import dev.vigil.schemas.Severity;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * What can be read from a log line's text without knowing its format: a leading ISO-8601-like
 * timestamp and a level word. Hand-written scanners rather than regular expressions: this runs
 * for every line (1,000 a second on a busy host) and the agent's CPU budget is 2 % of a core.
 */
final class LogLines {
    private static final int LEVEL_SCAN_CHARS = 120;
    private static final Map<String, Severity> LEVELS = Map.ofEntries(
            Map.entry("TRACE", Severity.DEBUG), Map.entry("DEBUG", Severity.DEBUG),
            Map.entry("INFO", Severity.INFO), Map.entry("NOTICE", Severity.INFO),
            Map.entry("WARN", Severity.WARN), Map.entry("WARNING", Severity.WARN),
            Map.entry("ERROR", Severity.ERROR), Map.entry("ERR", Severity.ERROR), Map.entry("SEVERE", Severity.ERROR),
            Map.entry("FATAL", Severity.CRITICAL), Map.entry("CRIT", Severity.CRITICAL),
            Map.entry("CRITICAL", Severity.CRITICAL), Map.entry("PANIC", Severity.CRITICAL),
            Map.entry("EMERG", Severity.CRITICAL));

    private LogLines() {
    }

    /**
     * Reads {@code [yyyy-MM-dd[T ]HH:mm:ss[.fraction][Z|+hh:mm|+hhmm]} at the start of a record.
     *
     * @param text a record
     * @param zone zone of timestamps without offset
     * @param fallback when the record starts with no such timestamp
     * @return the event time
     */
    static Instant time(final String text, final ZoneId zone, final Instant fallback) {
        final int s = !text.isEmpty() && text.charAt(0) == '[' ? 1 : 0;
        if (text.length() < s + 19 || !digits(text, s, 4) || text.charAt(s + 4) != '-' || !digits(text, s + 5, 2)
                || text.charAt(s + 7) != '-' || !digits(text, s + 8, 2)
                || (text.charAt(s + 10) != 'T' && text.charAt(s + 10) != ' ') || !digits(text, s + 11, 2)
                || text.charAt(s + 13) != ':' || !digits(text, s + 14, 2) || text.charAt(s + 16) != ':'
                || !digits(text, s + 17, 2)) {
            return fallback;
        }
        int i = s + 19;
        int nanos = 0;
        if (i < text.length() && (text.charAt(i) == '.' || text.charAt(i) == ',')) {
            int scale = 100_000_000;
            for (i++; i < text.length() && Character.isDigit(text.charAt(i)); i++) {
                nanos += (text.charAt(i) - '0') * scale;
                scale /= 10;
            }
        }
        try {
            final LocalDateTime local = LocalDateTime.of(number(text, s, 4), number(text, s + 5, 2),
                    number(text, s + 8, 2), number(text, s + 11, 2), number(text, s + 14, 2), number(text, s + 17, 2),
                    nanos);
            final ZoneOffset offset = offset(text, i);
            return offset != null ? local.toInstant(offset) : local.atZone(zone).toInstant();
        } catch (DateTimeException e) {
            return fallback;
        }
    }

    private static ZoneOffset offset(final String text, final int i) {
        if (i >= text.length()) {
            return null;
        }
        final char c = text.charAt(i);
        if (c == 'Z') {
            return ZoneOffset.UTC;
        }
        if ((c != '+' && c != '-') || !digits(text, i + 1, 2)) {
            return null;
        }
        final int colon = i + 3 < text.length() && text.charAt(i + 3) == ':' ? 1 : 0;
        if (!digits(text, i + 3 + colon, 2)) {
            return null;
        }
        final int seconds = number(text, i + 1, 2) * 3600 + number(text, i + 3 + colon, 2) * 60;
        return ZoneOffset.ofTotalSeconds(c == '-' ? -seconds : seconds);
    }

    private static boolean digits(final String text, final int from, final int count) {
        if (from + count > text.length()) {
            return false;
        }
        for (int i = from; i < from + count; i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static int number(final String text, final int from, final int count) {
        int n = 0;
        for (int i = from; i < from + count; i++) {
            n = n * 10 + text.charAt(i) - '0';
        }
        return n;
    }

    /** @param text a record @return the first level word (a whole word, upper case) near its start, or UNKNOWN */
    static Severity severity(final String text) {
        final int end = Math.min(text.length(), LEVEL_SCAN_CHARS);
        int i = 0;
        while (i < end) {
            if (!letter(text.charAt(i))) {
                i++;
                continue;
            }
            final int start = i;
            boolean upper = true;
            while (i < text.length() && letter(text.charAt(i))) {
                upper &= text.charAt(i) >= 'A' && text.charAt(i) <= 'Z';
                i++;
            }
            if (upper && i - start >= 3 && i - start <= 8) {
                final Severity s = LEVELS.get(text.substring(start, i));
                if (s != null) {
                    return s;
                }
            }
        }
        return Severity.UNKNOWN;
    }

    /** {@link Character#isLetter(char)}, without its table lookup for ASCII (most of a log line). */
    private static boolean letter(final char c) {
        if (c < 128) {
            final int d = (c | 0x20) - 'a';
            return d >= 0 && d < 26;
        }
        return Character.isLetter(c);
    }
}
