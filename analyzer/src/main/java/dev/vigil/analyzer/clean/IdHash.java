package dev.vigil.analyzer.clean;

/**
 * 64-bit hash of a record id, so that duplicate detection keeps 8 bytes per remembered id instead
 * of a 36-character string. With at most thousands of ids remembered per series, the chance that
 * two distinct ids collide is below 1e-12.
 */
public final class IdHash {
    private IdHash() {
    }

    /**
     * @param id a record id
     * @return its hash, never 0 (0 means "no id")
     */
    public static long of(final String id) {
        long h = 0x9E3779B97F4A7C15L ^ id.length();
        for (int i = 0; i < id.length(); i++) {
            h = mix(h + id.charAt(i));
        }
        return h == 0 ? 1 : h;
    }

    /**
     * @param parts parts of an id
     * @return the hash of the parts joined, never 0
     */
    public static long of(final String... parts) {
        return of(String.join("\u0000", parts));
    }

    /** SplitMix64's finalizer: every input bit affects every output bit. */
    static long mix(final long x) {
        long z = x;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
