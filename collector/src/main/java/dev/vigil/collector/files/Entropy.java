package dev.vigil.collector.files;

/**
 * Shannon entropy of sampled bytes, in bits per byte (0 to 8). Text is around 4 to 5; compressed or
 * encrypted data is close to 8, which is why a burst of high-entropy rewrites signals ransomware.
 * Not thread-safe.
 */
public final class Entropy {
    private final long[] counts = new long[256];
    private long total;

    /**
     * @param bytes a buffer
     * @param offset first byte
     * @param length how many
     */
    public void add(final byte[] bytes, final int offset, final int length) {
        for (int i = offset; i < offset + length; i++) {
            counts[bytes[i] & 0xff]++;
        }
        total += length;
    }

    /** @return bytes added */
    public long total() {
        return total;
    }

    /** @return entropy in bits per byte, or null when nothing was added */
    public Double bitsPerByte() {
        if (total == 0) {
            return null;
        }
        double h = 0;
        for (final long c : counts) {
            if (c > 0) {
                final double p = (double) c / total;
                h -= p * Math.log(p);
            }
        }
        return h / Math.log(2);
    }
}
