package dev.vigil.analyzer.anomaly;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The most recent rows of a detector (feature vectors, forest inputs or forest scores), as floats
 * in one ring buffer of a fixed capacity. A forest's window keeps enough rows that the rows the
 * current forest was built from are still there until the next build: a restored detector
 * rebuilds exactly the same forest.
 */
final class TrainingWindow {
    private final int dimension;
    private final int capacity;
    private final float[] rows;
    private long total;

    /**
     * @param dimension features per row
     * @param capacity rows kept
     */
    TrainingWindow(final int dimension, final int capacity) {
        this.dimension = dimension;
        this.capacity = capacity;
        this.rows = new float[dimension * capacity];
    }

    /** @param row a feature vector of {@code dimension} values, stored as floats */
    void add(final double[] row) {
        final int base = (int) (total % capacity) * dimension;
        for (int j = 0; j < dimension; j++) {
            rows[base + j] = stored(row[j]);
        }
        total++;
    }

    /**
     * @param row a feature vector
     * @return a copy rounded to what the window stores (floats)
     */
    static double[] asStored(final double[] row) {
        final double[] out = new double[row.length];
        for (int j = 0; j < row.length; j++) {
            out[j] = stored(row[j]);
        }
        return out;
    }

    /**
     * A feature beyond the float range (a z-score against a deviation that decayed towards 0 over days of one
     * value) is kept as the largest float: still the most extreme row, where an infinity made the tails'
     * distances, and so the score, NaN.
     */
    private static float stored(final double value) {
        return (float) Math.max(-Float.MAX_VALUE, Math.min(Float.MAX_VALUE, value));
    }

    /** @return rows ever added */
    long total() {
        return total;
    }

    /**
     * @param end one past the absolute index of the last row wanted; total - capacity + n &lt;= end &lt;= total
     * @param n rows wanted
     * @return the n rows before {@code end}, oldest first, as doubles
     */
    List<double[]> rows(final long end, final int n) {
        check(end, n);
        final List<double[]> out = new ArrayList<>(n);
        for (long i = end - n; i < end; i++) {
            final int base = (int) (i % capacity) * dimension;
            final double[] row = new double[dimension];
            for (int j = 0; j < dimension; j++) {
                row[j] = rows[base + j];
            }
            out.add(row);
        }
        return out;
    }

    /**
     * @param j a column
     * @param end one past the absolute index of the last row wanted
     * @param n rows wanted
     * @return column j of the n rows before {@code end}, oldest first
     */
    double[] column(final int j, final long end, final int n) {
        check(end, n);
        final double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = rows[(int) ((end - n + i) % capacity) * dimension + j];
        }
        return out;
    }

    private void check(final long end, final int n) {
        if (end > total || end - n < Math.max(0, total - capacity)) {
            throw new IllegalArgumentException("rows [" + (end - n) + ", " + end + ") are not in the window of "
                    + capacity + " rows ending at " + total);
        }
    }

    /** @return bytes of {@link #write} */
    int serializedSize() {
        return Long.BYTES + (int) Math.min(total, capacity) * dimension * Float.BYTES;
    }

    /** Writes the total and the kept rows, oldest first, in at most two bulk copies. */
    void write(final ByteBuffer out) {
        out.putLong(total);
        final int kept = (int) Math.min(total, capacity);
        final int first = (int) ((total - kept) % capacity);
        final int head = Math.min(kept, capacity - first);
        final java.nio.FloatBuffer floats = out.asFloatBuffer();
        floats.put(rows, first * dimension, head * dimension);
        floats.put(rows, 0, (kept - head) * dimension);
        out.position(out.position() + kept * dimension * Float.BYTES);
    }

    void read(final ByteBuffer in) {
        total = in.getLong();
        if (total < 0) {
            throw new IllegalArgumentException("negative row count " + total);
        }
        final int kept = (int) Math.min(total, capacity);
        final int first = (int) ((total - kept) % capacity);
        final int head = Math.min(kept, capacity - first);
        final java.nio.FloatBuffer floats = in.asFloatBuffer();
        floats.get(rows, first * dimension, head * dimension);
        floats.get(rows, 0, (kept - head) * dimension);
        in.position(in.position() + kept * dimension * Float.BYTES);
    }
}
