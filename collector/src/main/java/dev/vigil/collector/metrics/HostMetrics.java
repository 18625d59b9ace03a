package dev.vigil.collector.metrics;

import dev.vigil.schemas.Ids;
import dev.vigil.schemas.MetricSample;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import oshi.SystemInfo;
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
 */
public final class HostMetrics {
    private static final long MS_PER_S = 1000;

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
    private int samples;

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
        for (final OSFileStore fs : os.getFileSystem().getFileStores(true)) {
            if (excludedFsTypes.contains(fs.getType()) || fs.getTotalSpace() <= 0) {
                continue;
            }
            final String[] attrs = {"system.device", fs.getVolume(), "system.filesystem.mountpoint", fs.getMount(),
                "system.filesystem.type", fs.getType(),
                "system.filesystem.mode", fs.getOptions().matches("(^|.*,)ro(,.*|$)") ? "ro" : "rw"};
            final long total = fs.getTotalSpace();
            final long free = fs.getFreeSpace();
            final long usable = fs.getUsableSpace();
            // As df: used = total - free; 'free' is what an unprivileged user can still write.
            out.add("system.filesystem.usage", total - free, "By", with(attrs, "system.filesystem.state", "used"));
            out.add("system.filesystem.usage", usable, "By", with(attrs, "system.filesystem.state", "free"));
            out.add("system.filesystem.usage", free - usable, "By",
                    with(attrs, "system.filesystem.state", "reserved"));
            out.add("system.filesystem.limit", total, "By", attrs);
            final long avail = total - free + usable;
            out.add("system.filesystem.utilization", avail == 0 ? 0 : (double) (total - free) / avail, "1", attrs);
            if (fs.getTotalInodes() > 0) {
                out.add("system.filesystem.inodes.usage", fs.getTotalInodes() - fs.getFreeInodes(), "{inode}",
                        with(attrs, "system.filesystem.state", "used"));
                out.add("system.filesystem.inodes.usage", fs.getFreeInodes(), "{inode}",
                        with(attrs, "system.filesystem.state", "free"));
            }
        }
    }

    private void disks(final Batch out) {
        for (final HWDiskStore d : disks) {
            d.updateAttributes();
            final String dev = d.getName().replaceFirst("^/dev/", "");
            delta(out, "system.disk.io", "By", d.getReadBytes(), "system.device", dev, "disk.io.direction", "read");
            delta(out, "system.disk.io", "By", d.getWriteBytes(), "system.device", dev, "disk.io.direction",
                    "write");
            delta(out, "system.disk.operations", "{operation}", d.getReads(), "system.device", dev,
                    "disk.io.direction", "read");
            delta(out, "system.disk.operations", "{operation}", d.getWrites(), "system.device", dev,
                    "disk.io.direction", "write");
            deltaSeconds(out, "system.disk.io_time", d.getTransferTime(), "system.device", dev);
        }
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
