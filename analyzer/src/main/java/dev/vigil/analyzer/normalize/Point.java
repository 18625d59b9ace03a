package dev.vigil.analyzer.normalize;

/**
 * One cleaned, normalized value of one series: what every stage after cleaning works on, whatever
 * its source (a metric sample, a minute of log lines, an interval of file activity).
 *
 * @param host the host
 * @param series the series text ({@link SeriesKey})
 * @param unit canonical unit ({@link Units})
 * @param time event time, epoch milliseconds UTC
 * @param value the value, finite, in {@code unit}
 * @param kind where the series comes from
 * @param dataset the protected dataset it concerns, or null
 * @param idHash 64-bit hash of the source record id, for dropping retried duplicates; 0 when the
 *     point is derived and cannot repeat
 * @param imputed true when the analyzer filled a gap with it
 */
public record Point(String host, String series, String unit, long time, double value, Kind kind, String dataset,
                    long idHash, boolean imputed) {

    /** Where a series comes from; anomalies carry it as their {@code kind}. */
    public enum Kind {
        /** A metric sample. */
        METRIC("metric"),
        /** Counts derived from log records. */
        LOG("log"),
        /** File activity in a protected dataset. */
        FILE("file"),
        /** The multivariate view of one host. */
        HOST("host");

        private final String label;

        Kind(final String label) {
            this.label = label;
        }

        /** @return the name anomalies carry in {@code kind} */
        public String label() {
            return label;
        }
    }

    /**
     * @param time the gap's time
     * @param value the filled-in value
     * @return a copy at another time, flagged imputed
     */
    public Point imputedAt(final long time, final double value) {
        return new Point(host, series, unit, time, value, kind, dataset, 0, true);
    }
}
