package dev.vigil.analyzer.normalize;

import java.util.Map;
import java.util.SortedMap;

/**
 * The canonical text of a series: the metric name, then its attributes sorted by key, e.g.
 * {@code system.filesystem.utilization{mountpoint=/}}. Two samples belong to the same series
 * exactly when their texts are equal. {@code \ , = }} in attribute keys and values are
 * backslash-escaped.
 */
public final class SeriesKey {
    private SeriesKey() {
    }

    /**
     * @param name canonical metric name
     * @param attributes attributes, sorted
     * @return the series text
     */
    public static String of(final String name, final SortedMap<String, String> attributes) {
        if (attributes.isEmpty()) {
            return name;
        }
        final StringBuilder text = new StringBuilder(name.length() + 16 * attributes.size()).append(name).append('{');
        boolean first = true;
        for (final Map.Entry<String, String> attribute : attributes.entrySet()) {
            if (!first) {
                text.append(',');
            }
            first = false;
            escape(text, attribute.getKey()).append('=');
            escape(text, attribute.getValue());
        }
        return text.append('}').toString();
    }

    /**
     * @param series a series text
     * @return its metric name, without attributes
     */
    public static String name(final String series) {
        final int brace = series.indexOf('{');
        return brace < 0 ? series : series.substring(0, brace);
    }

    private static StringBuilder escape(final StringBuilder text, final String value) {
        for (int i = 0; i < value.length(); i++) {
            final char c = value.charAt(i);
            if (c == '\\' || c == ',' || c == '=' || c == '}') {
                text.append('\\');
            }
            text.append(c);
        }
        return text;
    }
}
