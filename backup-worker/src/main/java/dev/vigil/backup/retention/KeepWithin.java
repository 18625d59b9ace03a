package dev.vigil.backup.retention;

import java.time.Instant;
import java.time.ZoneId;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * restic's {@code --keep-within}: keep every snapshot taken less than this long before the newest one, written as
 * restic writes it ({@code 1y6m}, {@code 30d}, {@code 2d12h}: years, months, days, hours; {@code m} is months).
 * Months and years are calendar ones in the policy's zone: a month before March 31 is the end of February (restic
 * counts from March 2 or 3, as Go's AddDate carries February 31 into March).
 *
 * @param years &gt;= 0
 * @param months &gt;= 0
 * @param days &gt;= 0
 * @param hours &gt;= 0
 */
public record KeepWithin(int years, int months, int days, int hours) {
    /** No window: keeps nothing. */
    public static final KeepWithin NONE = new KeepWithin(0, 0, 0, 0);
    private static final Pattern FORM =
            Pattern.compile("(?:(\\d{1,6})y)?(?:(\\d{1,6})m)?(?:(\\d{1,6})d)?(?:(\\d{1,6})h)?");

    /**
     * @param text e.g. {@code 1y6m}, {@code 30d}, {@code 2d12h}
     * @return the window
     * @throws IllegalArgumentException when it is not one
     */
    public static KeepWithin parse(final String text) {
        final Matcher m = FORM.matcher(text);
        if (text.isEmpty() || !m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration as restic writes it: numbers of "
                    + "years, months, days and hours in that order, e.g. 1y6m, 30d, 2d12h (m is months)");
        }
        return new KeepWithin(number(m.group(1)), number(m.group(2)), number(m.group(3)), number(m.group(4)));
    }

    private static int number(final String digits) {
        return digits == null ? 0 : Integer.parseInt(digits);
    }

    /** @return whether it keeps nothing (every part 0) */
    public boolean none() {
        return years == 0 && months == 0 && days == 0 && hours == 0;
    }

    /**
     * @param newest the newest snapshot's time
     * @param zone the zone of the calendar
     * @return the start of the window: snapshots strictly after it are kept
     */
    public Instant since(final Instant newest, final ZoneId zone) {
        return newest.atZone(zone).minusYears(years).minusMonths(months).minusDays(days).minusHours(hours).toInstant();
    }

    /** @return as restic writes it, e.g. {@code 1y6m} */
    @Override
    public String toString() {
        return (years > 0 ? years + "y" : "") + (months > 0 ? months + "m" : "") + (days > 0 ? days + "d" : "")
                + (hours > 0 || none() ? hours + "h" : "");
    }
}
