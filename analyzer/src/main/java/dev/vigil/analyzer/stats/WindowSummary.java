package dev.vigil.analyzer.stats;

import dev.vigil.analyzer.store.BinaryReader;
import dev.vigil.analyzer.store.BinaryWriter;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

/**
 * Everything the statistics of one series over one window need: {@link Moments} plus an Apache
 * DataSketches KLL sketch for the median and p95 (exact up to about k values, then within the
 * sketch's normalized rank error, 1.65 % at k = 200). Mergeable, so longer windows are merged
 * from the one-minute summaries instead of being summarized again.
 */
public final class WindowSummary {
    private final long start;
    private final Moments moments;
    private final KllDoublesSketch sketch;

    /**
     * @param start window start, epoch milliseconds
     * @param sketchK the KLL k (accuracy/memory trade-off), 8..65535
     */
    public WindowSummary(final long start, final int sketchK) {
        this(start, new Moments(), KllDoublesSketch.newHeapInstance(sketchK));
    }

    private WindowSummary(final long start, final Moments moments, final KllDoublesSketch sketch) {
        this.start = start;
        this.moments = moments;
        this.sketch = sketch;
    }

    /**
     * @param value a finite value
     * @param imputed whether a gap filler made it up
     */
    public void add(final double value, final boolean imputed) {
        moments.add(value, imputed);
        sketch.update(value);
    }

    /** @param other a summary to fold into this one (its start is ignored) */
    public void merge(final WindowSummary other) {
        moments.merge(other.moments);
        sketch.merge(other.sketch);
    }

    /** @return window start, epoch milliseconds */
    public long start() {
        return start;
    }

    /** @return count, mean, variance, min, max */
    public Moments moments() {
        return moments;
    }

    /**
     * @param rank 0..1
     * @return the approximate quantile, NaN when empty
     */
    public double quantile(final double rank) {
        return sketch.isEmpty() ? Double.NaN : sketch.getQuantile(rank, QuantileSearchCriteria.INCLUSIVE);
    }

    /**
     * @param start the copy's start
     * @param sketchK k of the copy's sketch
     * @return an empty summary to merge others into
     */
    public static WindowSummary empty(final long start, final int sketchK) {
        return new WindowSummary(start, sketchK);
    }

    void write(final BinaryWriter out) {
        out.writeLong(start);
        moments.write(out);
        out.writeBytes(sketch.toByteArray());
    }

    static WindowSummary read(final BinaryReader in) {
        final long start = in.readLong();
        final Moments moments = Moments.read(in);
        final KllDoublesSketch sketch = KllDoublesSketch.heapify(Memory.wrap(in.readBytes()));
        return new WindowSummary(start, moments, sketch);
    }
}
