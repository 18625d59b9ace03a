package dev.vigil.collector.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * This process's mounts ({@code /proc/self/mounts}), read again every interval: a filesystem mounted on a directory
 * of a dataset (or unmounted from one) changes what the directory holds without a notification, since inotify
 * watches the directory hidden below. Not thread-safe.
 */
public final class MountTable {
    private static final Path MOUNTS = Path.of("/proc/self/mounts");
    private String text;
    private Set<String> entries = Set.of();

    /** @return the mount points of mounts that came, went or changed since the previous call; none on the first */
    Set<Path> changed() {
        final String now;
        try {
            now = new String(Files.readAllBytes(MOUNTS), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return Set.of(); // not Linux, or no /proc: a scan of the tree still sees what a mount shows
        }
        if (now.equals(text)) {
            return Set.of();
        }
        final boolean first = text == null;
        final Set<String> before = entries;
        text = now;
        entries = new HashSet<>(now.lines().toList());
        final Set<Path> points = new HashSet<>();
        if (!first) {
            before.stream().filter(e -> !entries.contains(e)).forEach(e -> points.add(point(e)));
            entries.stream().filter(e -> !before.contains(e)).forEach(e -> points.add(point(e)));
        }
        points.remove(null);
        return points;
    }

    /**
     * @param source what is mounted, as the table's first field names it ({@code /dev/sda1})
     * @return its shortest mount point (bind mounts repeat it), if it is mounted
     */
    public static Optional<Path> pointOf(final String source) {
        final List<String> lines;
        try {
            lines = Files.readAllLines(MOUNTS);
        } catch (IOException e) {
            return Optional.empty();
        }
        return lines.stream().filter(l -> l.startsWith(source + " ")).map(MountTable::point)
                .filter(java.util.Objects::nonNull).min(Comparator.comparingInt(p -> p.toString().length()));
    }

    /** @return the mount point of a line of the table (spaces, tabs, newlines and backslashes escaped in octal) */
    private static Path point(final String entry) {
        final String[] fields = entry.split(" ");
        if (fields.length < 2) {
            return null;
        }
        final String p = fields[1];
        final StringBuilder out = new StringBuilder(p.length());
        for (int i = 0; i < p.length(); i++) {
            if (p.charAt(i) == '\\' && isOctal(p, i + 1)) {
                out.append((char) Integer.parseInt(p.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(p.charAt(i));
            }
        }
        return Path.of(out.toString());
    }

    private static boolean isOctal(final String s, final int from) {
        for (int i = from; i < from + 3; i++) {
            if (i >= s.length() || s.charAt(i) < '0' || s.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }
}
