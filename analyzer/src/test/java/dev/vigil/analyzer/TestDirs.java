package dev.vigil.analyzer;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * Temporary directories for state stores and child processes' logs that outlive a single test method
 * (so JUnit's {@code @TempDir} does not fit), removed when the test JVM exits.
 */
public final class TestDirs {
    private static final List<Path> CREATED = new CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> CREATED.forEach(TestDirs::delete), "test-dirs-cleanup"));
    }

    private TestDirs() {
    }

    /**
     * @param prefix the directory name's start
     * @return a new empty directory under java.io.tmpdir
     */
    public static Path create(final String prefix) {
        try {
            return track(Files.createTempDirectory(prefix));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param prefix the file name's start
     * @param suffix its end
     * @return a new empty file under java.io.tmpdir
     */
    public static Path file(final String prefix, final String suffix) {
        try {
            return track(File.createTempFile(prefix, suffix).toPath());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path track(final Path p) {
        CREATED.add(p);
        return p;
    }

    private static void delete(final Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Already gone, or unreadable: nothing more to do at exit.
        }
    }
}
