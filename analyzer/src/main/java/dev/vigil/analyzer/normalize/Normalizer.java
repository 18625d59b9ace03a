package dev.vigil.analyzer.normalize;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Puts a metric into canonical form: OpenTelemetry name (aliases from other agents mapped),
 * canonical unit and value ({@link Units}), attributes renamed as the alias says, the redundant
 * {@code host} attribute dropped.
 */
public final class Normalizer {
    private Normalizer() {
    }

    /**
     * A metric in canonical form.
     *
     * @param name OpenTelemetry name
     * @param unit canonical unit
     * @param value value in that unit
     * @param attributes attributes, sorted
     */
    public record Canonical(String name, String unit, double value, SortedMap<String, String> attributes) {
        /** @return the series text */
        public String series() {
            return SeriesKey.of(name, attributes);
        }
    }

    /**
     * @param name name as sent
     * @param unit unit as sent
     * @param value value as sent
     * @param attributes attributes as sent
     * @return the canonical form
     */
    public static Canonical metric(final String name, final String unit, final double value,
                                   final Map<String, String> attributes) {
        final String trimmed = name.strip();
        final MetricAliases.Alias alias = MetricAliases.find(trimmed);
        final SortedMap<String, String> attrs = new TreeMap<>();
        for (final Map.Entry<String, String> a : attributes.entrySet()) {
            final String key = alias == null ? a.getKey() : alias.renames().getOrDefault(a.getKey(), a.getKey());
            if (!"host".equals(key)) {
                attrs.put(key, a.getValue());
            }
        }
        if (alias == null) {
            return new Canonical(trimmed, Units.canonical(unit), Units.convert(value, unit), attrs);
        }
        attrs.putAll(alias.attributes());
        final String sourceUnit = alias.unit() != null ? alias.unit() : unit;
        final double converted = Units.convert(value, sourceUnit);
        return new Canonical(alias.name(), Units.canonical(sourceUnit), alias.complement() ? 1 - converted : converted,
                attrs);
    }
}
