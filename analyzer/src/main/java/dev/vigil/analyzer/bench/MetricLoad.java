package dev.vigil.analyzer.bench;

import dev.vigil.analyzer.normalize.SeriesKey;
import dev.vigil.schemas.Ids;
import dev.vigil.schemas.MetricSample;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Realistic metric samples: a fleet of hosts, each with the ten series a collector publishes
 * (CPU, memory, load, filesystem, disk and network I/O), values that wander around a per-host
 * level with noise, in the units agents use. Deterministic for a seed.
 */
public final class MetricLoad {
    /** The series of every host: name, unit, attributes, typical level, noise. */
    private record Shape(String name, String unit, Map<String, String> attributes, double level, double noise) {
    }

    private static final List<Shape> SHAPES = List.of(
            new Shape("system.cpu.utilization", "1", Map.of(), 0.35, 0.05),
            new Shape("system.memory.utilization", "1", Map.of(), 0.6, 0.02),
            new Shape("system.cpu.load_average.1m", "{thread}", Map.of(), 1.5, 0.3),
            new Shape("system.filesystem.utilization", "1", Map.of("mountpoint", "/"), 0.5, 0.001),
            new Shape("system.filesystem.utilization", "1", Map.of("mountpoint", "/var"), 0.3, 0.001),
            new Shape("system.disk.io", "By", Map.of("device", "sda", "direction", "read"), 4e6, 5e5),
            new Shape("system.disk.io", "By", Map.of("device", "sda", "direction", "write"), 2e6, 3e5),
            new Shape("system.network.io", "By", Map.of("device", "eth0", "direction", "receive"), 1e7, 1e6),
            new Shape("system.network.io", "By", Map.of("device", "eth0", "direction", "transmit"), 5e6, 6e5),
            new Shape("hw.temperature", "Cel", Map.of("name", "cpu"), 55, 1.5));

    private final int hosts;
    private final Random random;

    /**
     * @param hosts hosts in the fleet
     * @param seed random seed
     */
    public MetricLoad(final int hosts, final long seed) {
        this.hosts = hosts;
        this.random = new Random(seed);
    }

    /** @return series in the fleet */
    public int seriesCount() {
        return hosts * SHAPES.size();
    }

    /**
     * @param index which series, 0..seriesCount-1
     * @return its host name
     */
    public static String host(final int index) {
        return "host-" + index / SHAPES.size();
    }

    /**
     * @param index which series
     * @param time event time
     * @param spike whether to make the value an outlier (10 standard deviations, kept possible)
     * @return one sample of that series
     */
    public MetricSample sample(final int index, final Instant time, final boolean spike) {
        final Shape shape = SHAPES.get(index % SHAPES.size());
        double value = shape.level() + shape.noise() * random.nextGaussian();
        if (spike) {
            value = shape.level() + 10 * shape.noise();
        }
        if ("1".equals(shape.unit())) {
            value = Math.max(0, Math.min(1, value));
        } else if ("By".equals(shape.unit())) {
            value = Math.max(0, value);
        }
        return MetricSample.newBuilder().setId(Ids.timeOrdered(time)).setHost(host(index)).setName(shape.name())
                .setTime(time).setValue(value).setUnit(shape.unit()).setAttributes(shape.attributes()).build();
    }

    /**
     * @param index which series
     * @return the series text the analyzer gives it
     */
    public static String series(final int index) {
        final Shape shape = SHAPES.get(index % SHAPES.size());
        return SeriesKey.of(shape.name(), new TreeMap<>(shape.attributes()));
    }
}
