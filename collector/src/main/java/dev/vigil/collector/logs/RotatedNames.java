package dev.vigil.collector.logs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The names logrotate gives the rotations of a log: app.log.1, app.log-20261127, app-20261127.log ({@code dateext}
 * with {@code extension .log}), each maybe compressed. Names only find candidates; identity or leading bytes tell
 * which one is which file.
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
     * @return compressed files beside {@code path} whose name starts as its rotated names do (see {@link #siblings}),
     *     told by their leading bytes, so that any {@code compressext} is found
     */
    static Stream<Path> compressedSiblings(final Path path) {
        final Path dir = path.toAbsolutePath().getParent();
        final String stem = stem(path);
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(p -> p.getFileName().toString().startsWith(stem) && !p.equals(path))
                    .filter(p -> Files.isRegularFile(p) && Compressed.is(p)).toList().stream();
        } catch (IOException e) {
            return Stream.empty();
        }
    }

    /** @return a file's name less its extension: what logrotate's rotated names of it start with */
    static String stem(final Path path) {
        final String name = path.getFileName().toString();
        return name.lastIndexOf('.') > 0 ? name.substring(0, name.lastIndexOf('.')) : name;
    }

    /**
     * @return regular, uncompressed files beside {@code path} whose name starts with its name less its extension:
     *     logrotate's rotated names (app.log.1, app.log-20261127, and app-20261127.log with {@code dateext} and
     *     {@code extension .log}); the callers tell the right one by identity or leading bytes
     */
    static Stream<Path> siblings(final Path path) {
        final Path dir = path.toAbsolutePath().getParent();
        final String stem = stem(path);
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(p -> p.getFileName().toString().startsWith(stem))
                    .filter(p -> Files.isRegularFile(p) && !compressed(p)).toList().stream();
        } catch (IOException e) {
            return Stream.empty();
        }
    }

    /** @param p a file @return whether its name says it is compressed (never tailed) */
    static boolean compressed(final Path p) {
        final String name = p.getFileName().toString();
        return COMPRESSED.stream().anyMatch(name::endsWith);
    }
}
