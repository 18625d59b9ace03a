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
    /**
     * Level values of a level field, upper-cased: the words above in any case, and the other spellings that logging
     * libraries write there (log15's {@code dbug}, {@code eror}; Serilog's {@code Verbose}, {@code Information};
     * java.util.logging's {@code FINE}; syslog's {@code alert}, {@code emergency}).
     */
    private static final Map<String, Severity> FIELD_LEVELS = fieldLevels();
    /** Keys of a level field (compared in any case): logfmt, JSON of zap, logrus, pino, bunyan, Serilog, journald. */
    private static final java.util.Set<String> LEVEL_KEYS = java.util.Set.of("level", "lvl", "severity", "loglevel",
            "log_level", "log.level", "levelname", "@l", "priority", "severity_text", "severitytext");
    /** How far into a record's first line a level field is looked for (JSON writers put it anywhere). */
    private static final int LEVEL_FIELD_SCAN_CHARS = 512;

    private static Map<String, Severity> fieldLevels() {
        final Map<String, Severity> m = new java.util.HashMap<>(LEVELS);
        m.put("DBUG", Severity.DEBUG);
        m.put("VERBOSE", Severity.DEBUG);
        m.put("FINE", Severity.DEBUG);
        m.put("FINER", Severity.DEBUG);
        m.put("FINEST", Severity.DEBUG);
        m.put("INFORMATION", Severity.INFO);
        m.put("WRN", Severity.WARN);
        m.put("EROR", Severity.ERROR);
        m.put("ERRO", Severity.ERROR);
        m.put("ALERT", Severity.CRITICAL);
        m.put("EMERGENCY", Severity.CRITICAL);
        return Map.copyOf(m);
    }

    private LogLines() {
    }

    private static final String MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";
    /** How far into a line a bracketed common-log time or a JSON time field is looked for. */
    private static final int TIME_SCAN_CHARS = 200;

    /**
     * Reads the event time of a record in the forms most logs use: {@code [yyyy-MM-dd[T ]HH:mm:ss[.fraction][Z|+hh:mm
     * |+hhmm]} at its start (ISO 8601, log4j, Python); syslog's {@code [<PRI>]MMM dd HH:mm:ss} at its start (RFC 3164,
     * no year: this year, or the last when that would be more than a day ahead of {@code fallback}); the common log
     * format's {@code [dd/MMM/yyyy:HH:mm:ss +hhmm]} (web servers); a JSON object's {@code "ts"}, {@code "time"},
     * {@code "timestamp"} or {@code "@timestamp"} (ISO text, or epoch seconds or milliseconds). Lines read again after
     * a restart then count in their own minute, not in the minute they were read.
     *
     * @param text a record
     * @param zone zone of timestamps without offset
     * @param fallback when the record has no such timestamp (the time it was read)
     * @return the event time
     */
    static Instant time(final String text, final ZoneId zone, final Instant fallback) {
        Instant t = iso(text, !text.isEmpty() && text.charAt(0) == '[' ? 1 : 0, zone);
        if (t == null) {
            t = syslog(text, zone, fallback);
        }
        if (t == null && !text.isEmpty() && text.charAt(0) == '{') {
            t = json(text, zone);
        }
        if (t == null) {
            t = commonLog(text);
        }
        return t == null ? fallback : t;
    }

    private static Instant iso(final String text, final int s, final ZoneId zone) {
        if (text.length() < s + 19 || !digits(text, s, 4) || text.charAt(s + 4) != '-' || !digits(text, s + 5, 2)
                || text.charAt(s + 7) != '-' || !digits(text, s + 8, 2)
                || (text.charAt(s + 10) != 'T' && text.charAt(s + 10) != ' ') || !digits(text, s + 11, 2)
                || text.charAt(s + 13) != ':' || !digits(text, s + 14, 2) || text.charAt(s + 16) != ':'
                || !digits(text, s + 17, 2)) {
            return null;
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
            return null;
        }
    }

    /** {@code [<PRI>]MMM dd HH:mm:ss}, the day space-padded or not. */
    private static Instant syslog(final String text, final ZoneId zone, final Instant fallback) {
        int s = 0;
        if (text.startsWith("<")) {
            s = text.indexOf('>');
            if (s < 2 || s > 4) {
                return null;
            }
            s++;
        }
        final int month = month(text, s);
        if (month == 0 || text.length() < s + 15 || text.charAt(s + 3) != ' ') {
            return null;
        }
        final int day = text.charAt(s + 4) == ' ' && digits(text, s + 5, 1) ? number(text, s + 5, 1)
                : digits(text, s + 4, 2) ? number(text, s + 4, 2) : -1;
        final int t = s + 7;
        if (day < 1 || text.charAt(s + 6) != ' ' || !digits(text, t, 2) || text.charAt(t + 2) != ':'
                || !digits(text, t + 3, 2) || text.charAt(t + 5) != ':' || !digits(text, t + 6, 2)) {
            return null;
        }
        try {
            final int year = fallback.atZone(zone).getYear();
            final Instant time = LocalDateTime.of(year, month, day, number(text, t, 2), number(text, t + 3, 2),
                    number(text, t + 6, 2)).atZone(zone).toInstant();
            // a December line read in January is last year's
            return time.isAfter(fallback.plus(java.time.Duration.ofDays(1)))
                    ? LocalDateTime.of(year - 1, month, day, number(text, t, 2), number(text, t + 3, 2),
                    number(text, t + 6, 2)).atZone(zone).toInstant() : time;
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** {@code [dd/MMM/yyyy:HH:mm:ss +hhmm]} near the start. */
    private static Instant commonLog(final String text) {
        final int open = text.indexOf('[');
        if (open < 0 || open > TIME_SCAN_CHARS) {
            return null;
        }
        final int s = open + 1;
        final int month = month(text, s + 3);
        if (month == 0 || !digits(text, s, 2) || text.charAt(s + 2) != '/' || text.length() < s + 26
                || text.charAt(s + 6) != '/' || !digits(text, s + 7, 4) || text.charAt(s + 11) != ':'
                || !digits(text, s + 12, 2) || text.charAt(s + 14) != ':' || !digits(text, s + 15, 2)
                || text.charAt(s + 17) != ':' || !digits(text, s + 18, 2) || text.charAt(s + 20) != ' ') {
            return null;
        }
        final ZoneOffset offset = offset(text, s + 21);
        if (offset == null) {
            return null;
        }
        try {
            return LocalDateTime.of(number(text, s + 7, 4), month, number(text, s, 2), number(text, s + 12, 2),
                    number(text, s + 15, 2), number(text, s + 18, 2)).toInstant(offset);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** A JSON object's time field near its start: ISO text, or epoch seconds (10 digits) or milliseconds (13). */
    private static Instant json(final String text, final ZoneId zone) {
        final int end = Math.min(text.length(), TIME_SCAN_CHARS);
        for (final String key : new String[] {"\"ts\"", "\"time\"", "\"timestamp\"", "\"@timestamp\""}) {
            final int k = text.indexOf(key);
            if (k < 0 || k > end) {
                continue;
            }
            int i = k + key.length();
            while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == ':')) {
                i++;
            }
            if (i < text.length() && text.charAt(i) == '"') {
                final Instant t = iso(text, i + 1, zone);
                if (t != null) {
                    return t;
                }
            } else if (digits(text, i, 13) && !digits(text, i + 13, 1)) {
                return Instant.ofEpochMilli(Long.parseLong(text.substring(i, i + 13)));
            } else if (digits(text, i, 10) && !digits(text, i + 10, 1)) {
                int j = i + 10;
                long nanos = 0;
                if (j < text.length() && text.charAt(j) == '.') {
                    long scale = 100_000_000;
                    for (j++; j < text.length() && Character.isDigit(text.charAt(j)) && scale > 0; j++) {
                        nanos += (text.charAt(j) - '0') * scale;
                        scale /= 10;
                    }
                }
                return Instant.ofEpochSecond(Long.parseLong(text.substring(i, i + 10)), nanos);
            }
        }
        return null;
    }

    /** @return 1-12 for the English month abbreviation at {@code at}, else 0 */
    private static int month(final String text, final int at) {
        if (at < 0 || text.length() < at + 3) {
            return 0;
        }
        final int i = MONTHS.indexOf(text.substring(at, at + 3));
        return i >= 0 && i % 3 == 0 ? i / 3 + 1 : 0;
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

    /**
     * @param text a record
     * @return the level its first line states in a level field ({@code level=warn}, {@code "level":"error"},
     *     {@code "severity":"Warning"}, {@code lvl=eror}, pino's {@code "level":50}, a syslog number), else the first
     *     level word (a whole word, upper case) near its start, else UNKNOWN
     */
    static Severity severity(final String text) {
        final Severity field = levelField(text);
        return field != null ? field : levelWord(text);
    }

    /**
     * A level field: a key of {@link #LEVEL_KEYS}, {@code =} or {@code :} (JSON quotes and spaces around them), and a
     * value in any case, or a number: 0-7 are syslog's severities (GELF, journald's PRIORITY), 10-69 pino's and
     * bunyan's levels (10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal; custom ones between count with the
     * level below). The field is the writer's own statement, so it wins over a level word in the message.
     *
     * @return its severity, or null when the first line has no level field with a value known here
     */
    private static Severity levelField(final String text) {
        final int end = Math.min(text.length(), LEVEL_FIELD_SCAN_CHARS);
        for (int sep = 1; sep < end; sep++) {
            final char c = text.charAt(sep);
            if (c == '\n') {
                return null;
            }
            if (c != '=' && c != ':') {
                continue;
            }
            int k = sep - 1;
            if (text.charAt(k) == '"') {
                k--;
            }
            final int keyEnd = k + 1;
            while (k >= 0 && keyChar(text.charAt(k))) {
                k--;
            }
            if (keyEnd - k - 1 < 2 || keyEnd - k - 1 > 13) {
                continue; // no level key is shorter or longer: spares a string per separator of a JSON line
            }
            final String key = text.substring(k + 1, keyEnd);
            if (!LEVEL_KEYS.contains(key.toLowerCase(java.util.Locale.ROOT))) {
                continue;
            }
            int v = sep + 1;
            while (v < text.length() && (text.charAt(v) == ' ' || text.charAt(v) == '"')) {
                v++;
            }
            int ve = v;
            while (ve < text.length() && (letter(text.charAt(ve)) || Character.isDigit(text.charAt(ve)))) {
                ve++;
            }
            final Severity s = levelValue(text.substring(v, ve));
            if (s != null) {
                return s;
            }
        }
        return null;
    }

    private static boolean keyChar(final char c) {
        return letter(c) || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '@';
    }

    /** @return the severity of a level field's value, or null when it is none known here */
    private static Severity levelValue(final String value) {
        if (value.isEmpty() || value.length() > 11) {
            return null;
        }
        if (!digits(value, 0, value.length())) {
            return FIELD_LEVELS.get(value.toUpperCase(java.util.Locale.ROOT));
        }
        final int n = Integer.parseInt(value);
        if (n <= 7) {
            return n <= 2 ? Severity.CRITICAL : n == 3 ? Severity.ERROR : n == 4 ? Severity.WARN
                    : n <= 6 ? Severity.INFO : Severity.DEBUG;
        }
        if (n < 10 || n >= 70) {
            return null;
        }
        return n < 30 ? Severity.DEBUG : n < 40 ? Severity.INFO : n < 50 ? Severity.WARN : n < 60 ? Severity.ERROR
                : Severity.CRITICAL;
    }

    /** @return the first level word (a whole word, upper case) near a record's start, or UNKNOWN */
    private static Severity levelWord(final String text) {
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
