package dev.vigil.collector.logs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The names logrotate gives the rotations of a log: app.log.1, app.log-20261127, app-20261127.log ({@code dateext}
 * with {@code extension .log}), each maybe compressed. Names find candidates and their order; identity or leading
 * bytes tell which one is which file.
 */
final class RotatedNames {
    private static final List<String> COMPRESSED = List.of(".gz", ".bz2", ".xz", ".zst", ".zip", ".lz4", ".Z");

    private RotatedNames() {
    }

    /**
     * @param tailed a log's name
     * @param p another file
     * @return whether {@code p} has a name logrotate gives a rotation of {@code tailed}: app.log.1, app.log-2026...,
     *     app-2026....log
     */
    static boolean rotated(final Path tailed, final Path p) {
        final String name = tailed.getFileName().toString();
        final String n = p.getFileName().toString();
        if (n.equals(name)) {
            return false;
        }
        final String stem = stem(tailed);
        final String extension = name.substring(stem.length());
        return n.startsWith(name) || n.startsWith(stem + "-") && n.endsWith(extension)
                && n.length() > stem.length() + 1 + extension.length()
                && Character.isDigit(n.charAt(stem.length() + 1));
    }

    /**
     * @param tailed a log's name
     * @param p a compressed file
     * @return whether {@code p} is named as a compressed rotation of {@code tailed}: a rotated name (see
     *     {@link #rotated}) and a {@code compressext}, app.log.2.gz, app.log-20261126.gz, app-20261126.log.gz
     */
    static boolean rotatedCompressed(final Path tailed, final Path p) {
        return rotated(tailed, p.resolveSibling(stem(p)));
    }

    /**
     * A rotation's place among the log's rotations by its name, which logrotate gives by the order of rotations and
     * which no copy, compression or clock step changes: app.log.1 is newer than app.log.2, app.log-20261127 newer than
     * app.log-20261126. Two ages compare only when of the same kind.
     *
     * @param kind "n" for numbered names; "d" and the count of digits for dated ones
     * @param newness larger is newer
     */
    record Age(String kind, long newness) {
        boolean comparable(final Age other) {
            return other != null && kind.equals(other.kind);
        }
    }

    /**
     * @param tailed a log's name
     * @param p a rotation of it (see {@link #rotated}); for a compressed one, its name less its {@code compressext}
     * @return its age by name: logrotate's numbered names, or {@code dateext} names whose digits start with the year
     *     (the default {@code -%Y%m%d}, and {@code dateformat}s with hours); null for other names (a {@code dateformat}
     *     of day first does not sort), whose order only their times tell
     */
    static Age age(final Path tailed, final Path p) {
        final String name = tailed.getFileName().toString();
        final String n = p.getFileName().toString();
        final String stem = stem(tailed);
        final String rest;
        if (n.startsWith(name)) {
            rest = n.substring(name.length());
        } else if (n.startsWith(stem + "-") && n.endsWith(name.substring(stem.length()))) {
            rest = n.substring(stem.length(), n.length() - (name.length() - stem.length()));
        } else {
            return null;
        }
        // a date first: a dateformat of .%Y%m%d is not rotation 20261127
        final String digits = rest.replaceAll("\\D", "");
        if (rest.matches("\\D.*") && digits.length() >= 8 && digits.length() <= 18 && digits.matches("(19|20)\\d+")) {
            return new Age("d" + digits.length(), Long.parseLong(digits));
        }
        return rest.matches("\\.\\d{1,7}") ? new Age("n", -Long.parseLong(rest.substring(1))) : null;
    }

    /**
     * @param olddirs logrotate's olddir: absolute, or relative to the log's directory
     * @return compressed files beside {@code path} or in an olddir, whose name starts as its rotated names do (see
     *     {@link #siblings}), told by their leading bytes, so that any {@code compressext} is found
     */
    static Stream<Path> compressedSiblings(final Path path, final List<String> olddirs) {
        return candidates(path, olddirs).filter(p -> !p.equals(path) && Compressed.is(p));
    }

    /** @return a file's name less its extension: what logrotate's rotated names of it start with */
    static String stem(final Path path) {
        final String name = path.getFileName().toString();
        return name.lastIndexOf('.') > 0 ? name.substring(0, name.lastIndexOf('.')) : name;
    }

    /**
     * @param olddirs logrotate's olddir: absolute, or relative to the log's directory
     * @return regular, uncompressed files beside {@code path} or in an olddir whose name starts with its name less
     *     its extension: logrotate's rotated names (app.log.1, app.log-20261127, and app-20261127.log with
     *     {@code dateext} and {@code extension .log}); the callers tell the right one by identity or leading bytes
     */
    static Stream<Path> siblings(final Path path, final List<String> olddirs) {
        return candidates(path, olddirs).filter(p -> !compressed(p));
    }

    /** @return regular files in the log's directory and its olddirs whose name starts with the log's stem */
    private static Stream<Path> candidates(final Path path, final List<String> olddirs) {
        final Path dir = path.toAbsolutePath().getParent();
        final String stem = stem(path);
        final List<Path> found = new java.util.ArrayList<>();
        for (final Path d : dirs(dir, olddirs)) {
            try (Stream<Path> list = Files.list(d)) {
                list.filter(p -> p.getFileName().toString().startsWith(stem) && Files.isRegularFile(p))
                        .forEach(found::add);
            } catch (IOException e) {
                // an olddir not made yet, or gone: nothing rotated there
            }
        }
        return found.stream();
    }

    /** @return the log's directory, then each olddir resolved as logrotate resolves it, once each */
    static List<Path> dirs(final Path dir, final List<String> olddirs) {
        final java.util.Set<Path> dirs = new java.util.LinkedHashSet<>();
        dirs.add(dir);
        olddirs.forEach(o -> dirs.add(dir.resolve(o).normalize()));
        return List.copyOf(dirs);
    }

    /** @param p a file @return whether its name says it is compressed (never tailed) */
    static boolean compressed(final Path p) {
        final String name = p.getFileName().toString();
        return COMPRESSED.stream().anyMatch(name::endsWith);
    }
}
