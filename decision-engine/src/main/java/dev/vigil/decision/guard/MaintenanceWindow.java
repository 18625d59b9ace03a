package dev.vigil.decision.guard;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A weekly window during which routine commands are held back (the host is being maintained).
 * Text form: {@code DAYS HH:MM-HH:MM}, DAYS being {@code daily}, one day ({@code Sat}), a range
 * ({@code Mon-Fri}) or a list ({@code Sat,Sun}); the end may be past midnight ({@code 22:00-02:00}
 * ends on the next day). Several windows are separated by {@code ;}.
 *
 * @param days the days the window starts on
 * @param start start time, inclusive
 * @param end end time, exclusive
 * @param text as written, for messages
 */
public record MaintenanceWindow(Set<DayOfWeek> days, LocalTime start, LocalTime end, String text) {
    private static final List<String> NAMES = List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun");

    /**
     * @param text one or more windows separated by {@code ;}; blank for none
     * @return the windows
     * @throws IllegalArgumentException saying what is expected
     */
    public static List<MaintenanceWindow> parseAll(final String text) {
        final List<MaintenanceWindow> windows = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return windows;
        }
        for (final String part : text.split(";")) {
            if (!part.isBlank()) {
                windows.add(parse(part.strip()));
            }
        }
        return windows;
    }

    /**
     * @param text one window, e.g. {@code Sat 02:00-04:00}
     * @return it
     */
    public static MaintenanceWindow parse(final String text) {
        final String[] parts = text.strip().split("\\s+");
        if (parts.length != 2 || !parts[1].contains("-")) {
            throw new IllegalArgumentException("'" + text + "' is not a window like 'Sat 02:00-04:00', "
                    + "'Mon-Fri 22:00-02:00' or 'daily 01:00-02:00'");
        }
        try {
            final String[] times = parts[1].split("-", 2);
            return new MaintenanceWindow(days(parts[0], text), LocalTime.parse(times[0]), LocalTime.parse(times[1]),
                    text.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "': times must be HH:MM-HH:MM", e);
        }
    }

    private static Set<DayOfWeek> days(final String spec, final String text) {
        final String s = spec.toLowerCase(Locale.ROOT);
        if (s.equals("daily") || s.equals("*")) {
            return EnumSet.allOf(DayOfWeek.class);
        }
        final Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (final String item : s.split(",")) {
            final String[] range = item.split("-");
            final int from = day(range[0], text);
            final int to = range.length > 1 ? day(range[1], text) : from;
            for (int d = from; ; d = (d + 1) % 7) {
                days.add(DayOfWeek.of(d + 1));
                if (d == to) {
                    break;
                }
            }
        }
        return days;
    }

    private static int day(final String name, final String text) {
        final String key = name.length() >= 3 ? name.substring(0, 3) : name;
        final int i = NAMES.indexOf(key);
        if (i < 0) {
            throw new IllegalArgumentException("'" + text + "': '" + name + "' is not a day (Mon..Sun, daily)");
        }
        return i;
    }

    /**
     * @param at a local time
     * @return when this window ends, if {@code at} is inside it
     */
    public Optional<ZonedDateTime> endIfInside(final ZonedDateTime at) {
        final LocalTime t = at.toLocalTime();
        if (start.isBefore(end)) {
            if (days.contains(at.getDayOfWeek()) && !t.isBefore(start) && t.isBefore(end)) {
                return Optional.of(at.with(end));
            }
            return Optional.empty();
        }
        if (days.contains(at.getDayOfWeek()) && !t.isBefore(start)) {
            return Optional.of(at.plusDays(1).with(end));
        }
        if (days.contains(at.getDayOfWeek().minus(1)) && t.isBefore(end)) {
            return Optional.of(at.with(end));
        }
        return Optional.empty();
    }
}
