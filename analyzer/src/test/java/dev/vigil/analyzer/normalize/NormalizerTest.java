package dev.vigil.analyzer.normalize;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class NormalizerTest {

    @Test
    void shouldConvertUnitsToCanonicalOnes() {
        assertEquals(2048.0, Units.convert(2, "KiBy"));
        assertEquals(2000.0, Units.convert(2, "kBy"));
        assertEquals(3 * 1024.0 * 1024, Units.convert(3, "MB"));
        assertEquals("By", Units.canonical("GiB"));
        assertEquals(125.0, Units.convert(1000, "bit/s"));
        assertEquals(0.25, Units.convert(250, "ms"));
        assertEquals(0.42, Units.convert(42, "%"), 1e-12);
        assertEquals(100.0, Units.convert(212, "[degF]"), 1e-9);
        assertEquals(0.0, Units.convert(273.15, "K"), 1e-9);
        assertEquals("Cel", Units.canonical("°F"));
        assertEquals("{thread}", Units.canonical("{thread}"));
        assertEquals(7.0, Units.convert(7, "{thread}"));
    }

    @Test
    void shouldConvertByteRatesSpelledAsTheBytesAre() {
        assertEquals("By/s", Units.canonical("MB/s"));
        assertEquals(3 * 1024.0 * 1024, Units.convert(3, "MB/s"));
        assertEquals(2048.0, Units.convert(2, "KiB/s"));
        assertEquals(2048.0, Units.convert(2, "kB/s"));
        assertEquals(Units.convert(5, "GiB"), Units.convert(5, "GiB/s"));
    }

    @Test
    void shouldConvertCloudWatchUnits() {
        final Normalizer.Canonical disk = Normalizer.metric("system.filesystem.utilization", "Percent", 55, Map.of());
        assertEquals("1", disk.unit());
        assertEquals(0.55, disk.value(), 1e-12);
        assertEquals(0.25, Units.convert(250, "Milliseconds"), 1e-12);
        assertEquals("By/s", Units.canonical("Bytes/Second"));
        assertEquals(125.0, Units.convert(1000, "Bits/Second"));
        assertEquals("By", Units.canonical("Bytes"));
    }

    @Test
    void shouldMapOtherAgentsNamesToOpenTelemetryNames() {
        final Normalizer.Canonical telegraf = Normalizer.metric("cpu.usage_idle", "", 75, Map.of("host", "a", "cpu", "cpu-total"));
        assertEquals("system.cpu.utilization{cpu=cpu-total}", telegraf.series());
        assertEquals(0.25, telegraf.value(), 1e-12);
        final Normalizer.Canonical disk = Normalizer.metric("disk_used_percent", "", 50, Map.of("path", "/var"));
        assertEquals("system.filesystem.utilization{mountpoint=/var}", disk.series());
        assertEquals(0.5, disk.value(), 1e-12);
        final Normalizer.Canonical node = Normalizer.metric("node_network_receive_bytes_total", "", 10,
                Map.of("device", "eth0"));
        assertEquals("system.network.io{device=eth0,direction=receive}", node.series());
        assertEquals("By", node.unit());
        final Normalizer.Canonical collectd = Normalizer.metric("df-var-lib/percent_bytes-used", "", 80, Map.of());
        assertEquals("system.filesystem.utilization{mountpoint=/var/lib}", collectd.series());
        assertEquals(0.8, collectd.value(), 1e-12);
        assertEquals("system.filesystem.inodes.utilization{mountpoint=/var}",
                Normalizer.metric("disk.inodes_used_percent", "", 50, Map.of("path", "/var")).series());
        final Normalizer.Canonical inodes = Normalizer.metric("df-root/percent_inodes-used", "", 90, Map.of());
        assertEquals("system.filesystem.inodes.utilization{mountpoint=/}", inodes.series());
        assertEquals(0.9, inodes.value(), 1e-12);
        assertEquals("custom.thing{a=1}", Normalizer.metric(" custom.thing ", "1", 3, Map.of("a", "1")).series());
    }

    @Test
    void shouldEscapeSeparatorsInAttributeValues() {
        assertEquals("m{k=a\\,b\\=c\\}}", SeriesKey.of("m", new java.util.TreeMap<>(Map.of("k", "a,b=c}"))));
        assertEquals("m", SeriesKey.name("m{k=v}"));
    }
}
