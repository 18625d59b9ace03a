package dev.vigil.collector.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.schemas.FileActivity;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A dataset of rotated logs, rotated as logrotate's {@code compress} does it, against the same files encrypted: the
 * counts are the same, the write entropy tells them apart. The thresholds are those of the shipped rule
 * {@code ransomware-like-mass-modification} (docs/RULES.md).
 */
class RotatedLogsWatcherTest {
    private static final double NEAR_RANDOM = 7.5;
    private static final int LOGS = 20;
    /** logrotate's {@code rotate 7}: the log and seven compressed generations. */
    private static final int GENERATIONS = 7;

    @TempDir
    Path root;

    private interface Copy {
        /** Writes {@code to} from {@code from}, as compresscmd does. */
        void write(Path from, Path to) throws Exception;
    }

    /** logrotate runs gzip (its default compresscmd) with the rotated log as stdin and the .gz as stdout. */
    private static void gzip(final Path from, final Path to) throws Exception {
        if (onPath("gzip").isPresent()) {
            final Process p = new ProcessBuilder("gzip", "-6").redirectInput(from.toFile()).redirectOutput(to.toFile())
                    .start();
            assertEquals(0, p.waitFor());
        } else {
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(to))) {
                Files.copy(from, out);
            }
        }
    }

    /** @return the command's file on PATH, if any */
    private static Optional<Path> onPath(final String command) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":")).filter(d -> !d.isEmpty())
                .map(d -> Path.of(d, command)).filter(Files::isExecutable).findFirst();
    }

    private Path log(final int i) {
        return root.resolve(String.format("app-%02d.log", i));
    }

    private Path generation(final int i, final int g) {
        return root.resolve(log(i).getFileName() + "." + g + ".gz");
    }

    /** One night's rotation of every log: the oldest generation dropped, the others renamed, the log copied. */
    private void rotate(final Copy copy) throws Exception {
        for (int i = 0; i < LOGS; i++) {
            Files.delete(generation(i, GENERATIONS));
            for (int g = GENERATIONS - 1; g >= 1; g--) {
                Files.move(generation(i, g), generation(i, g + 1));
            }
            final Path rotated = root.resolve(log(i).getFileName() + ".1");
            Files.move(log(i), rotated);
            Files.createFile(log(i)); // logrotate's create: empty, so what is sampled is the copy alone
            copy.write(rotated, generation(i, 1));
            Files.delete(rotated);
        }
    }

    private void dataset() throws Exception {
        for (int i = 0; i < LOGS; i++) {
            Files.write(log(i), DecompressedTest.log(64 << 10));
            for (int g = 1; g <= GENERATIONS; g++) {
                final Path plain = root.resolve("plain");
                Files.write(plain, DecompressedTest.log((64 << 10) + g));
                gzip(plain, generation(i, g));
                Files.delete(plain);
            }
        }
    }

    private static void assertCountsLikeRansomware(final FileActivity a) {
        final long files = LOGS * (GENERATIONS + 1);
        assertTrue(a.getCreated() + a.getModified() + a.getRenamed() >= Math.max(20, files / 5), a.toString());
        assertTrue(a.getEntropySampledBytes() >= 4096, a.toString());
    }

    private DatasetWatcher watch() throws IOException {
        return DatasetWatcher.start("logs", root, DatasetWatcher.Options.of("watch", 0, 40_000, 1 << 18, 8192),
                Clock.systemUTC());
    }

    @Test
    void shouldSampleALogrotateRotationAsTheTextItsCompressedCopiesHold() throws Exception {
        dataset();
        try (DatasetWatcher w = watch()) {
            rotate(RotatedLogsWatcherTest::gzip);
            final FileActivity rotation = closeSettled(w);
            assertCountsLikeRansomware(rotation);
            assertTrue(rotation.getWriteEntropy() < NEAR_RANDOM, "logrotate: " + rotation);
        }
    }

    @Test
    void shouldSampleARotationByLogrotateItselfAsText(@TempDir final Path state) throws Exception {
        final Path logrotate = onPath("logrotate").orElse(Path.of("/usr/sbin/logrotate"));
        assumeTrue(Files.isExecutable(logrotate), "logrotate is not installed");
        dataset();
        final Path conf = Files.writeString(state.resolve("logrotate.conf"),
                root + "/*.log {\n  rotate " + GENERATIONS + "\n  compress\n  create\n}\n");
        try (DatasetWatcher w = watch()) {
            final Process p = new ProcessBuilder(logrotate.toString(), "-f", "-s", state.resolve("status").toString(),
                    conf.toString()).redirectErrorStream(true).start();
            final String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), output);
            final FileActivity rotation = closeSettled(w);
            assertTrue(Files.size(generation(0, 1)) > 0 && Files.size(log(0)) == 0, rotation.toString());
            assertCountsLikeRansomware(rotation);
            assertTrue(rotation.getWriteEntropy() < NEAR_RANDOM, "logrotate: " + rotation);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldSampleEncryptedCopiesOfTheSameFilesAsNearRandomAlsoWhenGzipped(final boolean gzipped) throws Exception {
        dataset();
        try (DatasetWatcher w = watch()) {
            // Ransomware: an encrypted copy of every file, the original deleted
            try (Stream<Path> files = Files.list(root)) {
                for (final Path file : files.collect(Collectors.toList())) {
                    final byte[] ciphertext = DecompressedTest.encrypted(Files.readAllBytes(file));
                    Files.write(root.resolve(file.getFileName() + ".locked"),
                            gzipped ? DecompressedTest.compress("gzip", ciphertext) : ciphertext);
                    Files.delete(file);
                }
            }
            final FileActivity encrypted = closeSettled(w);
            assertCountsLikeRansomware(encrypted);
            assertTrue(encrypted.getWriteEntropy() > 7.9, "encrypted: " + encrypted);
        }
    }

    @Test
    void shouldSampleACompressedCopyStillBeingWrittenAtTheIntervalsEndRawThenAsItsTextOnceWhole() throws Exception {
        final Path plain = root.resolve("plain");
        Files.write(plain, DecompressedTest.log(4 << 20));
        final Path whole = root.resolve("whole.gz");
        gzip(plain, whole);
        final byte[] gz = Files.readAllBytes(whole);
        Files.delete(plain);
        Files.delete(whole);
        try (DatasetWatcher w = watch()) {
            final Path copy = root.resolve("app.log.1.gz");
            // gzip writes its output as it goes: 16 KiB of it hold less than the content a stream is verified over
            Files.write(copy, Arrays.copyOf(gz, 16 << 10));
            final FileActivity begun = closeSettled(w);
            assertEquals(1, begun.getCreated(), begun.toString());
            assertTrue(begun.getWriteEntropy() > NEAR_RANDOM, "cut short, its raw bytes: " + begun);
            try (OutputStream out = Files.newOutputStream(copy, java.nio.file.StandardOpenOption.APPEND)) {
                out.write(gz, 16 << 10, gz.length - (16 << 10));
            }
            final FileActivity ended = closeSettled(w);
            assertEquals(1, ended.getModified(), ended.toString());
            assertTrue(ended.getEntropySampledBytes() >= 4096, ended.toString());
            assertTrue(ended.getWriteEntropy() < NEAR_RANDOM, "whole, what it holds: " + ended);
        }
    }

    /** Waits until notifications stop arriving (bounded), then closes the interval. */
    private static FileActivity closeSettled(final DatasetWatcher w) throws InterruptedException {
        final long deadline = System.nanoTime() + 10_000_000_000L;
        int last = -1;
        while (System.nanoTime() < deadline) {
            Thread.sleep(150);
            final int now = w.pendingNotifications();
            if (now == last) {
                break;
            }
            last = now;
        }
        return w.closeInterval();
    }
}
