package dev.vigil.backup.chunker;

import java.util.SplittableRandom;

/**
 * Content-defined chunking with FastCDC (Xia et al., "FastCDC: a Fast and Efficient
 * Content-Defined Chunking Approach for Data Deduplication", USENIX ATC 2016), normalized chunking
 * level 2: a 64-bit gear hash {@code h = (h << 1) + gear[b]} over the bytes after the minimum
 * size, a cut where the hash's top bits are zero (two more bits required before the average size,
 * two fewer after it), a forced cut at the maximum size. An insertion in the middle of a file
 * changes only the chunks around it. The gear table comes from a per-repository seed, so chunk
 * boundaries reveal nothing to someone without the key. Stateless and thread-safe.
 */
public final class Chunker {
    private final long[] gear = new long[256];
    private final int min;
    private final int avg;
    private final int max;
    private final long maskHard;
    private final long maskEasy;

    /**
     * @param min smallest chunk in bytes (except a file's last), &gt; 0
     * @param avg target average in bytes, a power of 2 &gt; min
     * @param max largest chunk in bytes, &gt; avg
     * @param seed gear table seed
     */
    public Chunker(final int min, final int avg, final int max, final long seed) {
        if (min <= 0 || avg <= min || max <= avg || Integer.bitCount(avg) != 1) {
            throw new IllegalArgumentException("need 0 < min < avg < max and avg a power of 2, was min=" + min
                    + " avg=" + avg + " max=" + max);
        }
        this.min = min;
        this.avg = avg;
        this.max = max;
        final int bits = Integer.numberOfTrailingZeros(avg);
        this.maskHard = -1L << (64 - (bits + 2));
        this.maskEasy = -1L << (64 - (bits - 2));
        final SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < gear.length; i++) {
            gear[i] = random.nextLong();
        }
    }

    /** @return the largest chunk in bytes */
    public int max() {
        return max;
    }

    /** @return the smallest chunk in bytes */
    public int min() {
        return min;
    }

    /**
     * Finds the end of the chunk that starts at {@code start}.
     *
     * @param buf data
     * @param start first byte of the chunk
     * @param end end of the valid data in buf
     * @param eof whether no data follows {@code end}
     * @return the chunk's length, or -1 when more data is needed to decide (only when !eof and
     *     fewer than max bytes are available)
     */
    public int next(final byte[] buf, final int start, final int end, final boolean eof) {
        final int n = end - start;
        if (n <= min) {
            return eof ? n : -1;
        }
        final int normal = start + Math.min(avg, n);
        final int limit = start + Math.min(max, n);
        long h = 0;
        int i = start + min;
        for (; i < normal; i++) {
            h = (h << 1) + gear[buf[i] & 0xff];
            if ((h & maskHard) == 0) {
                return i - start + 1;
            }
        }
        for (; i < limit; i++) {
            h = (h << 1) + gear[buf[i] & 0xff];
            if ((h & maskEasy) == 0) {
                return i - start + 1;
            }
        }
        if (n >= max) {
            return max;
        }
        return eof ? n : -1;
    }
}
