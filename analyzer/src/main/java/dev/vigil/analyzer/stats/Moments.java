package dev.vigil.analyzer.stats;

import dev.vigil.analyzer.store.BinaryReader;
import dev.vigil.analyzer.store.BinaryWriter;

/**
 * Count, mean, variance, min and max of a stream of values, numerically stable: Welford's update
 * for one value and Chan, Golub and LeVeque's pairwise formula to merge two summaries (B. P.
 * Welford, Technometrics 4(3), 1962; T. F. Chan et al., "Updating formulae and a pairwise
 * algorithm for computing sample variances", 1979). Never subtracts large sums of squares.
 */
public final class Moments {
    private long count;
    private double mean;
    private double m2;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private long imputed;

    /**
     * @param value a finite value
     * @param wasImputed whether a gap filler made it up
     */
    public void add(final double value, final boolean wasImputed) {
        count++;
        final double delta = value - mean;
        mean += delta / count;
        m2 += delta * (value - mean);
        min = Math.min(min, value);
        max = Math.max(max, value);
        if (wasImputed) {
            imputed++;
        }
    }

    /** @param other a summary of other values; this becomes the summary of both */
    public void merge(final Moments other) {
        if (other.count == 0) {
            return;
        }
        if (count == 0) {
            count = other.count;
            mean = other.mean;
            m2 = other.m2;
        } else {
            final long n = count + other.count;
            final double delta = other.mean - mean;
            mean += delta * other.count / n;
            m2 += other.m2 + delta * delta * ((double) count * other.count / n);
            count = n;
        }
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
        imputed += other.imputed;
    }

    /** @return values seen */
    public long count() {
        return count;
    }

    /** @return their mean, 0 when none */
    public double mean() {
        return mean;
    }

    /** @return sample variance (n - 1 in the denominator), 0 for fewer than two values */
    public double variance() {
        return count < 2 ? 0 : Math.max(0, m2 / (count - 1));
    }

    /** @return the smallest value, +infinity when none */
    public double min() {
        return min;
    }

    /** @return the largest value, -infinity when none */
    public double max() {
        return max;
    }

    /** @return how many of the values were imputed */
    public long imputed() {
        return imputed;
    }

    void write(final BinaryWriter out) {
        out.writeLong(count).writeLong(imputed);
        if (count > 0) {
            out.writeDouble(mean).writeDouble(m2).writeDouble(min).writeDouble(max);
        }
    }

    static Moments read(final BinaryReader in) {
        final Moments m = new Moments();
        m.count = in.readLong();
        m.imputed = in.readLong();
        if (m.count > 0) {
            m.mean = in.readDouble();
            m.m2 = in.readDouble();
            m.min = in.readDouble();
            m.max = in.readDouble();
        }
        return m;
    }
}
