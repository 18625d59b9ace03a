package dev.vigil.analyzer.normalize;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Canonical units, as OpenTelemetry writes them (UCUM): bytes {@code By}, bytes per second {@code
 * By/s}, seconds {@code s}, ratio {@code 1} (0..1), degrees Celsius {@code Cel}. Other spellings
 * are converted: {@code KiBy}, {@code MB}, {@code bit/s}, {@code ms}, {@code %}, {@code [degF]},
 * {@code K}, ... Unknown units pass through unchanged.
 *
 * <p>Colloquial {@code KB}/{@code MB}/{@code GB} (and lowercase {@code kB}, as in /proc/meminfo)
 * are taken as binary multiples, which is what system tools mean by them; the UCUM forms {@code
 * kBy}/{@code MBy}/{@code GBy} are decimal.
 */
public final class Units {
    /** Bytes. */
    public static final String BYTES = "By";
    /** Bytes per second. */
    public static final String BYTES_PER_SECOND = "By/s";
    /** Seconds. */
    public static final String SECONDS = "s";
    /** Dimensionless ratio, 0..1 for utilizations. */
    public static final String RATIO = "1";
    /** Degrees Celsius. */
    public static final String CELSIUS = "Cel";
    private static final double ABSOLUTE_ZERO_CELSIUS = -273.15;

    private static final Map<String, Scale> SCALES = new HashMap<>();

    /** A linear conversion to a canonical unit: {@code canonical = value * factor + offset}. */
    private record Scale(String unit, double factor, double offset) {
    }

    static {
        scale(BYTES, 1, "By", "B", "byte", "bytes");
        binary(BYTES, "KiBy", "MiBy", "GiBy", "TiBy", "PiBy");
        binary(BYTES, "KB", "MB", "GB", "TB", "PB");
        SCALES.put("kB", new Scale(BYTES, 1024, 0));
        binary(BYTES, "KiB", "MiB", "GiB", "TiB", "PiB");
        decimal(BYTES, "kBy", "MBy", "GBy", "TBy", "PBy");
        scale(BYTES, 1.0 / 8, "bit", "bits");
        scale(BYTES_PER_SECOND, 1, "By/s", "B/s", "bytes/s");
        binary(BYTES_PER_SECOND, "KiBy/s", "MiBy/s", "GiBy/s", "TiBy/s", "PiBy/s");
        decimal(BYTES_PER_SECOND, "kBy/s", "MBy/s", "GBy/s", "TBy/s", "PBy/s");
        // per second as the bytes above are spelled, or a rate in MB/s stays apart from the same rate in By/s
        binary(BYTES_PER_SECOND, "KB/s", "MB/s", "GB/s", "TB/s", "PB/s");
        SCALES.put("kB/s", new Scale(BYTES_PER_SECOND, 1024, 0));
        binary(BYTES_PER_SECOND, "KiB/s", "MiB/s", "GiB/s", "TiB/s", "PiB/s");
        scale(BYTES_PER_SECOND, 1.0 / 8, "bit/s", "bps");
        scale(BYTES_PER_SECOND, 1e3 / 8, "kbit/s", "Kbit/s", "kbps");
        scale(BYTES_PER_SECOND, 1e6 / 8, "Mbit/s", "Mbps");
        scale(BYTES_PER_SECOND, 1e9 / 8, "Gbit/s", "Gbps");
        scale(SECONDS, 1, "s", "sec", "second", "seconds");
        scale(SECONDS, 1e-3, "ms", "millisecond", "milliseconds");
        scale(SECONDS, 1e-6, "us", "µs", "microsecond", "microseconds");
        scale(SECONDS, 1e-9, "ns", "nanosecond", "nanoseconds");
        scale(SECONDS, 60, "min", "minute", "minutes");
        scale(SECONDS, 3600, "h", "hour", "hours");
        scale(SECONDS, 86400, "d", "day", "days");
        scale(RATIO, 1, "1", "ratio");
        scale(RATIO, 0.01, "%", "percent", "pct");
        // Amazon CloudWatch's spellings (StandardUnit), as exporters of its metrics pass them on. Not folded from any
        // case: "Bps" (bytes) and "bps" (bits) must stay apart.
        scale(RATIO, 0.01, "Percent");
        scale(BYTES, 1, "Bytes");
        scale(BYTES, 1.0 / 8, "Bits");
        scale(BYTES_PER_SECOND, 1, "Bytes/Second");
        scale(BYTES_PER_SECOND, 1.0 / 8, "Bits/Second");
        scale(SECONDS, 1, "Seconds");
        scale(SECONDS, 1e-3, "Milliseconds");
        scale(SECONDS, 1e-6, "Microseconds");
        scale(CELSIUS, 1, "Cel", "°C", "C", "degC", "celsius");
        SCALES.put("[degF]", new Scale(CELSIUS, 5.0 / 9, -32 * 5.0 / 9));
        for (final String f : new String[] {"°F", "F", "degF", "fahrenheit"}) {
            SCALES.put(f.toLowerCase(Locale.ROOT), new Scale(CELSIUS, 5.0 / 9, -32 * 5.0 / 9));
        }
        for (final String k : new String[] {"K", "kelvin"}) {
            SCALES.put(k.toLowerCase(Locale.ROOT), new Scale(CELSIUS, 1, ABSOLUTE_ZERO_CELSIUS));
        }
    }

    private Units() {
    }

    private static void scale(final String unit, final double factor, final String... names) {
        for (final String name : names) {
            SCALES.put(name, new Scale(unit, factor, 0));
        }
    }

    private static void binary(final String unit, final String... names) {
        double factor = 1024;
        for (final String name : names) {
            SCALES.put(name, new Scale(unit, factor, 0));
            factor *= 1024;
        }
    }

    private static void decimal(final String unit, final String... names) {
        double factor = 1000;
        for (final String name : names) {
            SCALES.put(name, new Scale(unit, factor, 0));
            factor *= 1000;
        }
    }

    private static Scale find(final String unit) {
        final Scale exact = SCALES.get(unit);
        if (exact != null) {
            return exact;
        }
        // Case-insensitive only for the temperature words: "MB" and "mB" must stay apart.
        final Scale folded = SCALES.get(unit.toLowerCase(Locale.ROOT));
        return folded != null && folded.unit().equals(CELSIUS) ? folded : null;
    }

    /**
     * @param unit a unit as an agent wrote it; null or blank means dimensionless
     * @return the canonical unit, or the unit itself (trimmed) when it is not known
     */
    public static String canonical(final String unit) {
        final String u = unit == null || unit.isBlank() ? RATIO : unit.strip();
        final Scale scale = find(u);
        return scale == null ? u : scale.unit();
    }

    /**
     * @param value a value in {@code unit}
     * @param unit the unit as an agent wrote it
     * @return the value in {@link #canonical(String) the canonical unit}
     */
    public static double convert(final double value, final String unit) {
        final String u = unit == null || unit.isBlank() ? RATIO : unit.strip();
        final Scale scale = find(u);
        return scale == null ? value : value * scale.factor() + scale.offset();
    }

    /** @return the lowest possible temperature in degrees Celsius */
    public static double absoluteZeroCelsius() {
        return ABSOLUTE_ZERO_CELSIUS;
    }
}
