package dev.vigil.collector.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import oshi.SystemInfo;
import oshi.driver.linux.proc.DiskStats;
import oshi.driver.linux.proc.DiskStats.IoStat;
import oshi.hardware.HWDiskStore;
import oshi.software.os.OSFileStore;

/** The cheap per-sample readings give what OSHI's own (costlier) calls give on this host. */
class HostMetricsTest {
    private final SystemInfo si = new SystemInfo();

    @Test
    void shouldReadFilesystemFiguresAsOshiDoes() {
        final HostMetrics metrics = new HostMetrics("h", Clock.systemUTC(), Set.of());
        final var stores = metrics.fileStores();
        assertFalse(stores.isEmpty());
        assertEquals(stores, metrics.fileStores(), "the listing is kept while the mount table stays the same");
        for (final OSFileStore fs : si.getOperatingSystem().getFileSystem().getFileStores(true)) {
            final HostMetrics.FsFigures f = HostMetrics.figures(fs);
            assertNotNull(f, fs.getMount());
            assertEquals(fs.getTotalSpace(), f.total(), fs.getMount());
            assertEquals(fs.getTotalInodes(), f.totalInodes(), fs.getMount());
            // Free space moves while other processes write: allow 64 MiB and 10,000 inodes.
            assertEquals(fs.getFreeSpace(), f.free(), 64 << 20, fs.getMount());
            assertEquals(fs.getUsableSpace(), f.usable(), 64 << 20, fs.getMount());
            assertEquals(fs.getFreeInodes(), f.freeInodes(), 10_000, fs.getMount());
        }
    }

    @Test
    void shouldReadDiskCountersAsOshiDoes() {
        final Map<String, Map<IoStat, Long>> stats = DiskStats.getDiskStats();
        int compared = 0;
        for (final HWDiskStore d : si.getHardware().getDiskStores()) {
            final Map<IoStat, Long> stat = stats.get(d.getName().replaceFirst("^/dev/", ""));
            if (stat == null) {
                continue;
            }
            final HostMetrics.DiskFigures ours = HostMetrics.figures(d, stat);
            final HostMetrics.DiskFigures oshi = HostMetrics.figures(d, null); // read after ours: never smaller
            assertTrue(ours.reads() <= oshi.reads() && oshi.reads() <= ours.reads() + 10_000, d.getName());
            assertTrue(ours.writes() <= oshi.writes() && oshi.writes() <= ours.writes() + 10_000, d.getName());
            assertTrue(ours.readBytes() <= oshi.readBytes()
                    && oshi.readBytes() <= ours.readBytes() + (256L << 20), d.getName());
            assertTrue(ours.writeBytes() <= oshi.writeBytes()
                    && oshi.writeBytes() <= ours.writeBytes() + (256L << 20), d.getName());
            assertTrue(ours.ioMillis() <= oshi.ioMillis() && oshi.ioMillis() <= ours.ioMillis() + 10_000, d.getName());
            compared++;
        }
        assertTrue(compared > 0 || si.getHardware().getDiskStores().isEmpty(), "no disk found in /proc/diskstats");
    }

    @Test
    void shouldKeepSamplingWhenAFilesystemStopsAnswering(@TempDir final Path dir) throws Exception {
        assumeTrue(Files.isWritable(Path.of("/dev/fuse")) && Files.isExecutable(Path.of("/usr/bin/unshare")),
                "needs root, /dev/fuse and unshare");
        final Path mount = Files.createDirectory(dir.resolve("hung"));
        // A FUSE mount whose daemon never reads /dev/fuse: every call on it waits. The shell holds the device open
        // until the probe ends, and the namespace with the mount ends with them.
        final List<String> lines = probe("exec 3<>/dev/fuse; mount -i -t fuse.s3fs -o fd=3,rootmode=40000,user_id=0,"
                + "group_id=0 hung '" + mount + "' && echo MOUNTED; read x");
        assumeTrue(lines.size() >= 2 && "MOUNTED".equals(lines.get(1)), "could not mount FUSE: " + lines);
        assertEquals(4, lines.size(), "sampling stopped at the hung filesystem: " + lines);
        for (final String sample : List.of(lines.get(2), lines.get(3))) {
            assertTrue(sample.contains("system.memory.usage"), sample);
            assertTrue(sample.contains("system.filesystem.usage"), sample);
            assertFalse(sample.contains(mount.toString()), sample);
        }
    }

    @Test
    void shouldReportAFilesystemBindMountedElsewhereOnceAsDfDoes(@TempDir final Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/unshare")) && "root".equals(System.getProperty("user.name")),
                "needs root and unshare");
        final Path source = Files.createDirectory(dir.resolve("volume"));
        final List<String> lines = probe("for i in 1 2 3 4 5; do mkdir -p '" + dir + "'/pod$i && mount --bind '"
                + source + "' '" + dir + "'/pod$i || exit 1; done; echo MOUNTED");
        assumeTrue(lines.size() >= 2 && "MOUNTED".equals(lines.get(1)), "could not bind-mount: " + lines);
        assertEquals(4, lines.size(), lines.toString());
        final String before = lines.get(0).substring(lines.get(0).indexOf('|'));
        assertFalse(before.isEmpty(), lines.toString());
        assertEquals(before, lines.get(2).substring(lines.get(2).indexOf('|')), "the same filesystems, each once");
    }

    /**
     * Runs {@link MountProbe} in a mount namespace of its own: a hung mount would otherwise stall every df on the
     * machine, and others' tests would see these mounts.
     *
     * @param command the shell command that mounts, then prints MOUNTED
     * @return the probe's lines
     */
    private static List<String> probe(final String command) throws Exception {
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final Process child = new ProcessBuilder("unshare", "-m", "--propagation", "private", java, "-Xmx128m",
                "-cp", System.getProperty("java.class.path"), MountProbe.class.getName(), command)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        final List<String> lines = new ArrayList<>();
        try {
            final Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line = r.readLine(); line != null; line = r.readLine()) {
                        synchronized (lines) {
                            lines.add(line);
                        }
                    }
                } catch (java.io.IOException e) {
                    // the child was killed
                }
            });
            reader.start();
            // Two samples after the mount, each bounded by its timeouts (a listing, then a statvfs per filesystem).
            child.waitFor(90, TimeUnit.SECONDS);
            reader.join(10_000);
        } finally {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }
}
