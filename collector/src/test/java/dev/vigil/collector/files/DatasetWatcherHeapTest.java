package dev.vigil.collector.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The index's heap: a large tree in a child JVM with a small heap, and the bound on indexed paths. */
class DatasetWatcherHeapTest {
    @TempDir
    Path root;

    @Test
    void shouldIndexFortyThousandFilesInTwelveMebibytesOfHeapAtUnderAHundredAndThirtyBytesEach() throws Exception {
        // Before the per-directory index: ~175-190 bytes per path kept, plus a set and a change list of every path
        // during the first walk and every scan: OutOfMemoryError here (and with 200,000 files under -Xmx64m).
        // Creating the files takes most of this test's time.
        IndexHeapProbe.create(root, 40_000);
        final Path out = Files.createTempFile("heap-probe", ".txt");
        try {
            final Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx12m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
                    System.getProperty("java.class.path"), IndexHeapProbe.class.getName(), root.toString(), "scan")
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            assertTrue(p.waitFor(180, TimeUnit.SECONDS), "the probe did not finish");
            final String output = Files.readString(out, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), output);
            final Matcher m = Pattern.compile("paths=(\\d+) heapBytes=\\d+ bytesPerPath=(\\d+) complete=true changed=0")
                    .matcher(output);
            assertTrue(m.find(), output);
            assertEquals(40_000 + 400 + 4, Integer.parseInt(m.group(1)), "files and directories indexed");
            assertTrue(Integer.parseInt(m.group(2)) < 130, "bytes per path: " + m.group(2));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    @Test
    void shouldIndexFortyThousandFilesOfOneDirectoryInTwelveMebibytesOfHeap() throws Exception {
        // One directory of many files (a mail queue, a cache, a flat store of images): its listing held a Path per
        // entry besides the names the index keeps. Here 40,000 files in 12 MiB: OutOfMemoryError (20 MiB needed); in
        // the agent's 64 MiB, one directory of 250,000 files, within files.max.indexed.paths, did the same, and the
        // agent exited (ExitOnOutOfMemoryError) with every other dataset's, log's and metric's reporting.
        final Path flat = Files.createDirectory(root.resolve("flat"));
        for (int i = 0; i < 40_000; i++) {
            Files.createFile(flat.resolve(String.format("document-%06d.txt", i)));
        }
        final Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx12m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError", "-cp",
                System.getProperty("java.class.path"), IndexHeapProbe.class.getName(), root.toString(), "scan")
                .redirectErrorStream(true).start();
        final String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "the probe did not finish");
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("paths=" + (40_000 + 1) + " "), "every file indexed: " + output);
        assertTrue(output.contains("complete=true changed=0"), output);
    }

    @Test
    void shouldCountAWholeTreeDeletedInOneIntervalWithoutHoldingEveryPath() throws Exception {
        // A dataset emptied at once (rm -rf, ransomware) or unpacked at once: the interval held every path, and every
        // notified one, besides the index. Here 40,000 files in 12 MiB: OutOfMemoryError; in the agent's 64 MiB with
        // the default files.max.paths, 250,000 files did the same, and the agent exited (ExitOnOutOfMemoryError).
        IndexHeapProbe.create(root, 40_000);
        final Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx12m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError", "-cp",
                System.getProperty("java.class.path"), WatcherProbe.class.getName(), root.toString(), "watch")
                .redirectErrorStream(true).start();
        final List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8)); Writer in = p.outputWriter()) {
            assertTrue(readUntil(out, lines, "STARTED"), lines.toString());
            in.write("rm -rf ./*\n"); // the probe keeps 2 * 1000 paths of an interval (files.max.paths 1000)
            in.flush();
            assertTrue(readUntil(out, lines, "INTERVAL WATCH false"), "the probe ended: " + lines);
            assertTrue(lines.contains("COUNTS created=0 modified=0 deleted=40000"), lines.toString());
        } finally {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldBoundThePathsKeptByTheIntervalsOfDatasetsEmptiedAtOnceTogether() throws Exception {
        // Each dataset closes its intervals on a thread of its own: three datasets emptied at once (ransomware across
        // shares) each kept up to twice files.max.paths paths at the same time. Here three of 15,000 files with
        // files.max.paths 7,500 in 18 MiB: OutOfMemoryError; the bound now holds for them together.
        final Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx18m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError", "-cp",
                System.getProperty("java.class.path"), ConcurrentIntervalsProbe.class.getName(), root.toString(), "3",
                "15000", "7500").redirectErrorStream(true).start();
        final String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "the probe did not finish");
        assertEquals(0, p.exitValue(), output);
        for (final String d : List.of("d0", "d1", "d2")) {
            // Counted whole however many paths were kept; the lists were cut, so the intervals are incomplete
            assertTrue(output.contains("INTERVAL " + d + " deleted=15000 complete=false"), output);
        }
    }

    /** Reads lines into {@code lines} until one starts with {@code prefix}. @return false when the output ended */
    private static boolean readUntil(final BufferedReader out, final List<String> lines, final String prefix)
            throws IOException {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            lines.add(line.length() > 300 ? line.substring(0, 300) + "..." : line);
            if (line.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void shouldMarkIntervalsIncompleteAndReportNothingOfPathsBeyondTheIndexBound() throws Exception {
        for (int i = 0; i < 20; i++) {
            Files.writeString(root.resolve("f" + i), "x");
        }
        try (DatasetWatcher w = DatasetWatcher.start("ds", root, DatasetWatcher.Options.of("scan", 0, 1000,
                1 << 20, 8192).withMaxIndexedPaths(10), Clock.systemUTC())) {
            assertEquals(10, w.indexedPaths());
            final var first = w.closeInterval();
            assertTrue(!first.getComplete(), "paths beyond the bound are not watched");
            assertEquals(0, first.getChangedPaths().size(), "unindexed paths are not reported as new every interval");
            deleteSome(root, 15);
            final var after = w.closeInterval();
            assertTrue(after.getComplete(), "all fits again: " + after);
            assertEquals(5, w.indexedPaths(), "the rest is indexed once it fits");
        }
    }

    /** Deletes {@code n} files, leaving the rest. */
    private static void deleteSome(final Path dir, final int n) throws IOException {
        for (int i = 0; i < n; i++) {
            Files.delete(dir.resolve("f" + i));
        }
    }
}
