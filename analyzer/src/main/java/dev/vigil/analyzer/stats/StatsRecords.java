package dev.vigil.analyzer.stats;

import dev.vigil.schemas.Ids;
import dev.vigil.schemas.StatsWindow;
import java.time.Instant;

/** Builds {@link StatsWindow} records from window summaries. */
public final class StatsRecords {
    private StatsRecords() {
    }

    /**
     * @param host the host
     * @param series the series text
     * @param unit its canonical unit
     * @param window window name ("1m", "15m/5m")
     * @param summary the window's summary, not empty
     * @param end window end, epoch milliseconds
     * @return the record; its id is derived from host, series, window and start, so a window
     *     published again after reprocessing keeps its id
     */
    public static StatsWindow of(final String host, final String series, final String unit, final String window,
                                 final WindowSummary summary, final long end) {
        final Moments m = summary.moments();
        final double variance = m.variance();
        return StatsWindow.newBuilder()
                .setId(Ids.nameBased("stats", host, series, window, Long.toString(summary.start())))
                .setHost(host)
                .setTime(Instant.ofEpochMilli(end))
                .setSeries(series)
                .setWindow(window)
                .setWindowStart(Instant.ofEpochMilli(summary.start()))
                .setCount(m.count())
                .setMean(m.mean())
                .setMin(m.min())
                .setMax(m.max())
                .setVariance(variance)
                .setStddev(Math.sqrt(variance))
                .setMedian(summary.quantile(0.5))
                .setP95(summary.quantile(0.95))
                .setUnit(unit)
                .setImputed(m.imputed())
                .build();
    }
}
