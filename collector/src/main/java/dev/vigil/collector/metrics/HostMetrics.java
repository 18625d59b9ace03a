package dev.vigil.collector.metrics;

import com.sun.jna.Platform;
import com.sun.jna.platform.linux.LibC;
import dev.vigil.schemas.Ids;
import dev.vigil.schemas.MetricSample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import oshi.SystemInfo;
import oshi.driver.linux.proc.DiskStats;
import oshi.driver.linux.proc.DiskStats.IoStat;
import oshi.hardware.CentralProcessor;
import oshi.hardware.CentralProcessor.TickType;
import oshi.hardware.GlobalMemory;
import oshi.hardware.HWDiskStore;
import oshi.hardware.HardwareAbstractionLayer;
import oshi.hardware.NetworkIF;
import oshi.software.os.OSFileStore;
import oshi.software.os.OperatingSystem;

/**
 * Reads this host's metrics through OSHI and names them after the OpenTelemetry semantic
 * conventions, with UCUM units (the list with attributes is in {@code collector/README.md}).
 *
 * <p>Counters (disk and network I/O) are published with delta temporality: the amount during the
 * interval since the previous sample, so the first sample after start has none. Gauges are the
 * value at sampling time. Not thread-safe: one sampler thread.
 *
 * <p>Cost: on Linux, OSHI lists filesystems only when the mount table changes (its listing runs
 * {@code lsblk}, a process per call) and disks every 60 samples (a udev walk per disk); in
 * between, each sample reads the same kernel figures OSHI would: one {@code statvfs} per
 * filesystem and one read of {@code /proc/diskstats}.
 *
 * <p>A filesystem whose server is away (NFS, CIFS, a FUSE daemon that hangs) blocks {@code statvfs} until it
 * answers, hours maybe: both run on threads of their own, waited for {@value #STATFS_TIMEOUT_MS} ms (a statvfs) and
 * {@value #LISTING_TIMEOUT_MS} ms (a listing). A filesystem that did not answer is left out, with one warning, until
 * its call returns (at most one thread waits per such filesystem, one more for a listing); a listing that did not
 * return leaves the filesystems listed before.
 */
public final class HostMetrics {
    private static final long MS_PER_S = 1000;
    private static final long SECTOR_BYTES = 512;
    private static final Path MOUNTS = Path.of("/proc/self/mounts");
    private static final Logger LOG = LoggerFactory.getLogger(HostMetrics.class);
    /** Longest wait for one filesystem's statvfs: a local one answers in microseconds. */
    static final long STATFS_TIMEOUT_MS = 2_000;
    /** Longest wait for a listing of the filesystems (OSHI runs lsblk, then a statvfs on each). */
    static final long LISTING_TIMEOUT_MS = 10_000;

    private final String host;
    private final Clock clock;
    private final Set<String> excludedFsTypes;
    private final CentralProcessor cpu;
    private final GlobalMemory memory;
    private final OperatingSystem os;
    private final HardwareAbstractionLayer hal;
    private final Map<String, Long> previous = new HashMap<>();
    private long[] previousTicks;
    private List<HWDiskStore> disks;
    private List<NetworkIF> interfaces;
    private List<OSFileStore> stores;
    private String mounts;
    private int samples;
    /** Runs what a hung filesystem blocks: listings and statvfs calls. */
    private final ExecutorService statfs = Executors.newCachedThreadPool(r -> {
        final Thread t = new Thread(r, "vigil-collector-statfs");
        t.setDaemon(true);
        return t;
    });
    /** The statvfs calls that did not return in time, by mount point: those filesystems are left out until then. */
    private final Map<String, Future<FsFigures>> stuck = new HashMap<>();
    /** A listing that did not return in time, and the mount table it lists. */
    private Future<List<OSFileStore>> listing;
    private String listingMounts;
    private boolean listingLate;

    /**
     * @param host host name put on every sample
     * @param clock time of the samples
     * @param excludedFsTypes filesystem types left out (tmpfs, squashfs...)
     */
    public HostMetrics(final String host, final Clock clock, final Set<String> excludedFsTypes) {
        this.host = host;
        this.clock = clock;
        this.excludedFsTypes = Set.copyOf(excludedFsTypes);
        final SystemInfo si = new SystemInfo();
        this.hal = si.getHardware();
        this.os = si.getOperatingSystem();
        this.cpu = hal.getProcessor();
        this.memory = hal.getMemory();
        this.previousTicks = cpu.getSystemCpuLoadTicks();
    }

    /** @return one sample of every metric this host exposes */
    public List<MetricSample> sample() {
        final Batch out = new Batch(clock.instant());
        cpu(out);
        memory(out);
        filesystems(out);
        if (samples++ % 60 == 0) {
            // Devices come and go rarely; listing them again costs more than updating them.
            disks = hal.getDiskStores();
            interfaces = hal.getNetworkIFs();
        }
        disks(out);
        network(out);
        out.add("system.process.count", os.getProcessCount(), "{process}");
        out.add("system.uptime", os.getSystemUptime(), "s");
        final double temp = hal.getSensors().getCpuTemperature();
        if (temp > 0 && Double.isFinite(temp)) {
            out.add("hw.temperature", temp, "Cel", "hw.type", "temperature", "hw.id", "cpu");
        }
        return out.samples;
    }

    private void cpu(final Batch out) {
        final long[] ticks = cpu.getSystemCpuLoadTicks();
        long total = 0;
        for (int i = 0; i < ticks.length; i++) {
            total += ticks[i] - previousTicks[i];
        }
        if (total > 0) {
            final String[][] modes = {{"user", TickType.USER.name()}, {"nice", TickType.NICE.name()},
                {"system", TickType.SYSTEM.name()}, {"idle", TickType.IDLE.name()},
                {"iowait", TickType.IOWAIT.name()}, {"interrupt", TickType.IRQ.name()},
                {"softirq", TickType.SOFTIRQ.name()}, {"steal", TickType.STEAL.name()}};
            for (final String[] mode : modes) {
                final int i = TickType.valueOf(mode[1]).getIndex();
                out.add("system.cpu.utilization", (double) (ticks[i] - previousTicks[i]) / total, "1",
                        "cpu.mode", mode[0]);
            }
        }
        previousTicks = ticks;
        final double[] load = cpu.getSystemLoadAverage(3);
        final String[] names = {"1m", "5m", "15m"};
        for (int i = 0; i < 3; i++) {
            if (load[i] >= 0) {
                out.add("system.cpu.load_average." + names[i], load[i], "{thread}");
            }
        }
        out.add("system.cpu.logical.count", cpu.getLogicalProcessorCount(), "{cpu}");
    }

    private void memory(final Batch out) {
        final long total = memory.getTotal();
        final long available = memory.getAvailable();
        out.add("system.memory.limit", total, "By");
        out.add("system.memory.usage", total - available, "By", "system.memory.state", "used");
        out.add("system.linux.memory.available", available, "By");
        out.add("system.memory.utilization", total == 0 ? 0 : (double) (total - available) / total, "1",
                "system.memory.state", "used");
        final long swapTotal = memory.getVirtualMemory().getSwapTotal();
        final long swapUsed = memory.getVirtualMemory().getSwapUsed();
        out.add("system.paging.usage", swapUsed, "By", "system.paging.state", "used");
        out.add("system.paging.usage", swapTotal - swapUsed, "By", "system.paging.state", "free");
        if (swapTotal > 0) {
            out.add("system.paging.utilization", (double) swapUsed / swapTotal, "1", "system.paging.state", "used");
        }
    }

    private void filesystems(final Batch out) {
        for (final OSFileStore fs : fileStores()) {
            final FsFigures f = answered(fs);
            if (f == null || f.total() <= 0) {
                continue;
            }
            final String[] attrs = {"system.device", fs.getVolume(), "system.filesystem.mountpoint", fs.getMount(),
                "system.filesystem.type", fs.getType(),
                "system.filesystem.mode", fs.getOptions().matches("(^|.*,)ro(,.*|$)") ? "ro" : "rw"};
            final long total = f.total();
            final long free = f.free();
            final long usable = f.usable();
            // As df: used = total - free; 'free' is what an unprivileged user can still write.
            out.add("system.filesystem.usage", total - free, "By", with(attrs, "system.filesystem.state", "used"));
            out.add("system.filesystem.usage", usable, "By", with(attrs, "system.filesystem.state", "free"));
            out.add("system.filesystem.usage", free - usable, "By",
                    with(attrs, "system.filesystem.state", "reserved"));
            out.add("system.filesystem.limit", total, "By", attrs);
            final long avail = total - free + usable;
            out.add("system.filesystem.utilization", avail == 0 ? 0 : (double) (total - free) / avail, "1", attrs);
            if (f.totalInodes() > 0) {
                out.add("system.filesystem.inodes.usage", f.totalInodes() - f.freeInodes(), "{inode}",
                        with(attrs, "system.filesystem.state", "used"));
                out.add("system.filesystem.inodes.usage", f.freeInodes(), "{inode}",
                        with(attrs, "system.filesystem.state", "free"));
                // A share, as for bytes, so that the analyzer forecasts a filesystem running out of inodes (many
                // small files) as it forecasts one running out of space: it forecasts ratio series only.
                out.add("system.filesystem.inodes.utilization",
                        (double) (f.totalInodes() - f.freeInodes()) / f.totalInodes(), "1", attrs);
            }
        }
    }

    /** @return the filesystems to report; listed again through OSHI only when the mount table changed */
    List<OSFileStore> fileStores() {
        if (!Platform.isLinux()) {
            return os.getFileSystem().getFileStores(true).stream()
                    .filter(fs -> !excludedFsTypes.contains(fs.getType())).toList();
        }
        String now;
        try {
            now = Files.readString(MOUNTS);
        } catch (IOException e) {
            now = null; // list every time
        }
        if (stores == null || now == null || !now.equals(mounts)) {
            if (listing == null) {
                listingMounts = now;
                listing = statfs.submit(() -> distinct(os.getFileSystem().getFileStores(true).stream()
                        .filter(fs -> !excludedFsTypes.contains(fs.getType())).toList()));
            }
            try {
                stores = listing.get(LISTING_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                mounts = listingMounts;
                listing = null;
            } catch (TimeoutException e) {
                if (!listingLate) {
                    listingLate = true;
                    LOG.warn("listing the filesystems has not returned within {} ms: one of them does not answer (a "
                            + "network or FUSE mount whose server is away?); their metrics keep the filesystems "
                            + "listed before until it returns", LISTING_TIMEOUT_MS);
                }
            } catch (ExecutionException e) {
                LOG.warn("listing the filesystems failed: {}", e.getCause().toString());
                listing = null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (listing == null && listingLate) {
                listingLate = false;
                LOG.info("listing the filesystems returned again");
            }
        }
        return stores == null ? List.of() : stores;
    }

    /**
     * @param stores filesystems as the mount table lists them
     * @return each filesystem once, at its shortest mount point, as df shows them: a filesystem bind-mounted
     *     elsewhere (kubelet's subPath and hostPath volumes, a chroot's /proc and /home) is listed at every place,
     *     each a copy of the same figures, and a host with hundreds of them would publish them all every sample
     */
    static List<OSFileStore> distinct(final List<OSFileStore> stores) {
        final Map<Object, OSFileStore> byDevice = new LinkedHashMap<>();
        for (final OSFileStore fs : stores) {
            Object device;
            try {
                device = Files.getAttribute(Path.of(fs.getMount()), "unix:dev");
            } catch (IOException | RuntimeException e) {
                device = fs.getMount(); // not Linux, or gone since: as listed
            }
            byDevice.merge(device, fs, (kept, other) -> other.getMount().length() < kept.getMount().length()
                    ? other : kept);
        }
        return List.copyOf(byDevice.values());
    }

    /**
     * @param fs a filesystem
     * @return its figures, or null when it is gone or did not answer in time (then left out until its call returns)
     */
    private FsFigures answered(final OSFileStore fs) {
        final String mount = fs.getMount();
        final Future<FsFigures> late = stuck.get(mount);
        if (late != null) {
            if (!late.isDone()) {
                return null;
            }
            stuck.remove(mount);
            LOG.info("filesystem {} answers again", mount);
        }
        final Future<FsFigures> call = statfs.submit(() -> figures(fs));
        try {
            return call.get(STATFS_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            stuck.put(mount, call);
            LOG.warn("filesystem {} ({}) did not answer statvfs within {} ms (a network or FUSE mount whose server is "
                    + "away?); left out of the filesystem metrics until it answers", mount, fs.getType(),
                    STATFS_TIMEOUT_MS);
        } catch (ExecutionException e) {
            LOG.debug("statvfs {}", mount, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    /** @return the store's figures now (as OSHI computes them, from statvfs), or null when it is gone */
    static FsFigures figures(final OSFileStore fs) {
        if (!Platform.isLinux()) {
            return new FsFigures(fs.getTotalSpace(), fs.getFreeSpace(), fs.getUsableSpace(), fs.getTotalInodes(),
                    fs.getFreeInodes());
        }
        final LibC.Statvfs v = new LibC.Statvfs();
        if (LibC.INSTANCE.statvfs(fs.getMount(), v) != 0) {
            return null;
        }
        final long frsize = v.f_frsize.longValue();
        return new FsFigures(v.f_blocks.longValue() * frsize, v.f_bfree.longValue() * frsize,
                v.f_bavail.longValue() * frsize, v.f_files.longValue(), v.f_ffree.longValue());
    }

    /** Sizes in bytes and inode counts of one filesystem. */
    record FsFigures(long total, long free, long usable, long totalInodes, long freeInodes) {
    }

    private void disks(final Batch out) {
        final Map<String, Map<IoStat, Long>> stats = Platform.isLinux() ? DiskStats.getDiskStats() : Map.of();
        for (final HWDiskStore d : disks) {
            final String dev = d.getName().replaceFirst("^/dev/", "");
            final DiskFigures f = figures(d, stats.get(dev));
            delta(out, "system.disk.io", "By", f.readBytes(), "system.device", dev, "disk.io.direction", "read");
            delta(out, "system.disk.io", "By", f.writeBytes(), "system.device", dev, "disk.io.direction", "write");
            delta(out, "system.disk.operations", "{operation}", f.reads(), "system.device", dev,
                    "disk.io.direction", "read");
            delta(out, "system.disk.operations", "{operation}", f.writes(), "system.device", dev,
                    "disk.io.direction", "write");
            deltaSeconds(out, "system.disk.io_time", f.ioMillis(), "system.device", dev);
        }
    }

    /**
     * @param d a disk
     * @param stat its line of /proc/diskstats, or null (then OSHI updates the disk)
     * @return its counters: the same kernel counters OSHI reads, sectors of 512 bytes as it counts them
     */
    static DiskFigures figures(final HWDiskStore d, final Map<IoStat, Long> stat) {
        if (stat == null) {
            d.updateAttributes();
            return new DiskFigures(d.getReads(), d.getReadBytes(), d.getWrites(), d.getWriteBytes(),
                    d.getTransferTime());
        }
        return new DiskFigures(stat.get(IoStat.READS), stat.get(IoStat.READS_SECTOR) * SECTOR_BYTES,
                stat.get(IoStat.WRITES), stat.get(IoStat.WRITES_SECTOR) * SECTOR_BYTES, stat.get(IoStat.IO_MS));
    }

    /** Cumulative I/O counters of one disk. */
    record DiskFigures(long reads, long readBytes, long writes, long writeBytes, long ioMillis) {
    }

    private void network(final Batch out) {
        for (final NetworkIF n : interfaces) {
            if (!n.updateAttributes()) {
                continue;
            }
            final String name = n.getName();
            delta(out, "system.network.io", "By", n.getBytesRecv(), "network.interface.name", name,
                    "network.io.direction", "receive");
            delta(out, "system.network.io", "By", n.getBytesSent(), "network.interface.name", name,
                    "network.io.direction", "transmit");
            delta(out, "system.network.packets", "{packet}", n.getPacketsRecv(), "network.interface.name", name,
                    "network.io.direction", "receive");
            delta(out, "system.network.packets", "{packet}", n.getPacketsSent(), "network.interface.name", name,
                    "network.io.direction", "transmit");
            delta(out, "system.network.errors", "{error}", n.getInErrors(), "network.interface.name", name,
                    "network.io.direction", "receive");
            delta(out, "system.network.errors", "{error}", n.getOutErrors(), "network.interface.name", name,
                    "network.io.direction", "transmit");
            delta(out, "system.network.dropped", "{packet}", n.getInDrops(), "network.interface.name", name,
                    "network.io.direction", "receive");
        }
    }

    private void deltaSeconds(final Batch out, final String name, final long millis, final String... attrs) {
        final Long before = previous.put(name + String.join("|", attrs), millis);
        if (before != null && millis >= before) {
            out.add(name, (double) (millis - before) / MS_PER_S, "s", attrs);
        }
    }

    /** Adds the increase of a counter since the previous sample; a counter that went back (reset) adds nothing. */
    private void delta(final Batch out, final String name, final String unit, final long value,
                       final String... attrs) {
        final Long before = previous.put(name + String.join("|", attrs), value);
        if (before != null && value >= before) {
            out.add(name, value - before, unit, attrs);
        }
    }

    private static String[] with(final String[] attrs, final String key, final String value) {
        final String[] out = java.util.Arrays.copyOf(attrs, attrs.length + 2);
        out[attrs.length] = key;
        out[attrs.length + 1] = value;
        return out;
    }

    /** The samples of one reading, sharing its time. */
    private final class Batch {
        final Instant time;
        final List<MetricSample> samples = new ArrayList<>();

        Batch(final Instant time) {
            this.time = time;
        }

        void add(final String name, final double value, final String unit, final String... attrs) {
            final Map<String, String> attributes = new HashMap<>();
            for (int i = 0; i + 1 < attrs.length; i += 2) {
                attributes.put(attrs[i], attrs[i + 1] == null ? "" : attrs[i + 1]);
            }
            samples.add(MetricSample.newBuilder().setId(Ids.timeOrdered(time)).setHost(host).setTime(time)
                    .setName(name).setValue(value).setUnit(unit).setAttributes(attributes).build());
        }
    }
}
