package dev.vigil.decision.rules;

/** Reads attributes out of a canonical series name such as {@code system.filesystem.utilization{mountpoint=/data}}. */
public final class SeriesName {
    private SeriesName() {
    }

    /**
     * @param series the series name
     * @param key an attribute name; also found under an OpenTelemetry name that ends with it, as the collector writes
     *     them ({@code system.filesystem.mountpoint} for {@code mountpoint})
     * @return its value, or "" when absent
     */
    public static String attribute(final String series, final String key) {
        final int open = series.indexOf('{');
        if (open < 0 || !series.endsWith("}")) {
            return "";
        }
        for (final String pair : series.substring(open + 1, series.length() - 1).split(",")) {
            final int eq = pair.indexOf('=');
            final String name = eq > 0 ? pair.substring(0, eq).strip() : "";
            if (name.equals(key) || name.endsWith("." + key)) {
                return pair.substring(eq + 1).strip();
            }
        }
        return "";
    }
}
