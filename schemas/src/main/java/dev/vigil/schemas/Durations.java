package dev.vigil.schemas;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as operators write them: {@code 90s}, {@code 15m}, {@code 1h30m}, {@code 7d}, {@code 250ms}, or ISO-8601. */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private Durations() {
    }

    /**
     * @param text e.g. {@code 1h30m} or {@code PT1H30M}
     * @return the duration
     * @throws IllegalArgumentException saying what is accepted
     */
    public static Duration parse(final String text) {
        final String s = text == null ? "" : text.strip();
        if (s.startsWith("P") || s.startsWith("p")) {
            try {
                return Duration.parse(s.toUpperCase(java.util.Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("'" + text + "' is not a duration (e.g. 90s, 15m, 1h30m, 7d)", e);
            }
        }
        final Matcher m = PART.matcher(s);
        Duration total = Duration.ZERO;
        int at = 0;
        while (m.find() && m.start() == at) {
            final long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
            at = m.end();
        }
        if (s.isEmpty() || at != s.length()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (e.g. 90s, 15m, 1h30m, 7d)");
        }
        return total;
    }

    /**
     * @param d a duration
     * @return it the way {@link #parse} reads it, largest units first, e.g. {@code 1d2h}, {@code 15m}, {@code 800ms}
     */
    public static String format(final Duration d) {
        if (d.isNegative()) {
            return "-" + format(d.negated());
        }
        if (d.compareTo(Duration.ofDays(3650)) > 0) {
            return "never";
        }
        final StringBuilder b = new StringBuilder();
        append(b, d.toDaysPart(), "d");
        append(b, d.toHoursPart(), "h");
        append(b, d.toMinutesPart(), "m");
        append(b, d.toSecondsPart(), "s");
        if (b.length() == 0 || d.toDays() == 0 && d.toHours() == 0 && d.toMinutes() == 0 && d.toMillisPart() > 0) {
            append(b, d.toMillisPart(), "ms");
        }
        return b.length() == 0 ? "0s" : b.toString();
    }

    private static void append(final StringBuilder b, final long n, final String unit) {
        if (n > 0) {
            b.append(n).append(unit);
        }
    }
}
