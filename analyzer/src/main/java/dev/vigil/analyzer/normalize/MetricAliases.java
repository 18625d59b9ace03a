package dev.vigil.analyzer.normalize;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps metric names from other agents to OpenTelemetry semantic-convention names: telegraf
 * ({@code measurement.field} and {@code measurement_field}), Prometheus node_exporter, and
 * collectd identifiers ({@code plugin[-instance]/type[-instance]}). Each alias also says what the
 * source unit is (telegraf and node_exporter send none) and how the source's tags become OpenTelemetry
 * attributes. Names that are not aliases are returned unchanged.
 */
public final class MetricAliases {
    private static final Map<String, Alias> EXACT = new HashMap<>();
    private static final Pattern COLLECTD =
            Pattern.compile("^(?<plugin>[a-z_]+)(?:-(?<pinst>[^/]+))?/(?<type>[a-z_]+)(?:-(?<tinst>.+))?$");

    /**
     * What an alias becomes.
     *
     * @param name the OpenTelemetry name
     * @param unit the source's unit, or null to keep the sample's
     * @param complement the source counts the opposite share (idle instead of busy): value becomes 1 - value
     * @param attributes attributes to add
     * @param renames source attribute name to OpenTelemetry attribute name
     */
    public record Alias(String name, String unit, boolean complement, Map<String, String> attributes,
                        Map<String, String> renames) {
    }

    static {
        // telegraf: inputs.cpu, mem, disk, diskio, net, system, temp
        telegraf("cpu", "usage_idle", alias("system.cpu.utilization", "%").complement());
        telegraf("cpu", "usage_user", alias("system.cpu.utilization", "%").with("state", "user"));
        telegraf("cpu", "usage_system", alias("system.cpu.utilization", "%").with("state", "system"));
        telegraf("cpu", "usage_iowait", alias("system.cpu.utilization", "%").with("state", "wait"));
        telegraf("mem", "used_percent", alias("system.memory.utilization", "%"));
        telegraf("mem", "used", alias("system.memory.usage", "By").with("state", "used"));
        telegraf("mem", "free", alias("system.memory.usage", "By").with("state", "free"));
        telegraf("mem", "cached", alias("system.memory.usage", "By").with("state", "cached"));
        telegraf("mem", "buffered", alias("system.memory.usage", "By").with("state", "buffered"));
        telegraf("disk", "used_percent", alias("system.filesystem.utilization", "%").rename("path", "mountpoint"));
        telegraf("disk", "inodes_used_percent", alias("system.filesystem.inodes.utilization", "%")
                .rename("path", "mountpoint"));
        telegraf("disk", "used", alias("system.filesystem.usage", "By").with("state", "used")
                .rename("path", "mountpoint"));
        telegraf("disk", "free", alias("system.filesystem.usage", "By").with("state", "free")
                .rename("path", "mountpoint"));
        telegraf("diskio", "read_bytes", alias("system.disk.io", "By").with("direction", "read").rename("name", "device"));
        telegraf("diskio", "write_bytes", alias("system.disk.io", "By").with("direction", "write")
                .rename("name", "device"));
        telegraf("net", "bytes_recv", alias("system.network.io", "By").with("direction", "receive")
                .rename("interface", "device"));
        telegraf("net", "bytes_sent", alias("system.network.io", "By").with("direction", "transmit")
                .rename("interface", "device"));
        telegraf("system", "load1", alias("system.cpu.load_average.1m", null));
        telegraf("system", "load5", alias("system.cpu.load_average.5m", null));
        telegraf("system", "load15", alias("system.cpu.load_average.15m", null));
        telegraf("temp", "temp", alias("hw.temperature", "Cel").rename("sensor", "name"));
        // Prometheus node_exporter
        exact("node_cpu_seconds_total", alias("system.cpu.time", "s").rename("mode", "state"));
        exact("node_memory_MemFree_bytes", alias("system.memory.usage", "By").with("state", "free"));
        exact("node_memory_Cached_bytes", alias("system.memory.usage", "By").with("state", "cached"));
        exact("node_memory_Buffers_bytes", alias("system.memory.usage", "By").with("state", "buffered"));
        exact("node_filesystem_avail_bytes", alias("system.filesystem.usage", "By").with("state", "free"));
        exact("node_filesystem_size_bytes", alias("system.filesystem.limit", "By"));
        exact("node_load1", alias("system.cpu.load_average.1m", null));
        exact("node_load5", alias("system.cpu.load_average.5m", null));
        exact("node_load15", alias("system.cpu.load_average.15m", null));
        exact("node_network_receive_bytes_total", alias("system.network.io", "By").with("direction", "receive"));
        exact("node_network_transmit_bytes_total", alias("system.network.io", "By").with("direction", "transmit"));
        exact("node_disk_read_bytes_total", alias("system.disk.io", "By").with("direction", "read"));
        exact("node_disk_written_bytes_total", alias("system.disk.io", "By").with("direction", "write"));
        exact("node_hwmon_temp_celsius", alias("hw.temperature", "Cel").rename("sensor", "name"));
    }

    private MetricAliases() {
    }

    private static Builder alias(final String name, final String unit) {
        return new Builder(name, unit);
    }

    private static void telegraf(final String measurement, final String field, final Builder alias) {
        EXACT.put(measurement + "." + field, alias.build());
        EXACT.put(measurement + "_" + field, alias.build());
    }

    private static void exact(final String name, final Builder alias) {
        EXACT.put(name, alias.build());
    }

    /**
     * @param name a metric name as an agent sent it
     * @return what it is in OpenTelemetry terms, or null when it is not a known alias
     */
    public static Alias find(final String name) {
        final Alias exact = EXACT.get(name);
        return exact != null ? exact : collectd(name);
    }

    private static Alias collectd(final String name) {
        if (name.indexOf('/') < 0) {
            return null; // not plugin[-instance]/type[-instance]: skip the regular expression (most names)
        }
        final Matcher m = COLLECTD.matcher(name);
        if (!m.matches()) {
            return null;
        }
        final String pinst = m.group("pinst");
        final String tinst = m.group("tinst") == null ? "" : m.group("tinst");
        final String type = m.group("type");
        switch (m.group("plugin")) {
            case "df":
                if (pinst == null) {
                    return null;
                }
                final String mountpoint = "root".equals(pinst) ? "/" : "/" + pinst.replace('-', '/');
                if ("percent_bytes".equals(type) && "used".equals(tinst)) {
                    return alias("system.filesystem.utilization", "%").with("mountpoint", mountpoint).build();
                }
                if ("percent_inodes".equals(type) && "used".equals(tinst)) {
                    return alias("system.filesystem.inodes.utilization", "%").with("mountpoint", mountpoint).build();
                }
                if ("df_complex".equals(type) && ("used".equals(tinst) || "free".equals(tinst))) {
                    return alias("system.filesystem.usage", "By").with("mountpoint", mountpoint)
                            .with("state", tinst).build();
                }
                return null;
            case "memory":
                if ("percent".equals(type) && "used".equals(tinst)) {
                    return alias("system.memory.utilization", "%").build();
                }
                return "memory".equals(type) && !tinst.isEmpty()
                        ? alias("system.memory.usage", "By").with("state", tinst).build() : null;
            case "cpu":
                if (!"percent".equals(type) || tinst.isEmpty()) {
                    return null;
                }
                final Builder cpu = "active".equals(tinst) ? alias("system.cpu.utilization", "%")
                        : alias("system.cpu.utilization", "%").with("state", tinst);
                return (pinst == null ? cpu : cpu.with("cpu", pinst)).build();
            case "interface":
                if (pinst == null || !"if_octets".equals(type) || !("rx".equals(tinst) || "tx".equals(tinst))) {
                    return null;
                }
                return alias("system.network.io", "By").with("device", pinst)
                        .with("direction", "rx".equals(tinst) ? "receive" : "transmit").build();
            default:
                return null;
        }
    }

    private static final class Builder {
        private final String name;
        private final String unit;
        private boolean complement;
        private final Map<String, String> attributes = new TreeMap<>();
        private final Map<String, String> renames = new TreeMap<>();

        Builder(final String name, final String unit) {
            this.name = name;
            this.unit = unit;
        }

        Builder complement() {
            complement = true;
            return this;
        }

        Builder with(final String key, final String value) {
            attributes.put(key, value);
            return this;
        }

        Builder rename(final String from, final String to) {
            renames.put(from, to);
            return this;
        }

        Alias build() {
            return new Alias(name, unit, complement, Map.copyOf(attributes), Map.copyOf(renames));
        }
    }
}
