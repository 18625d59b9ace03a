package dev.vigil.analyzer.logs;

/** Words the miner's masking keeps (no digits), one per number: tests make as many distinct templates as they like. */
public final class DigitlessWords {
    private DigitlessWords() {
    }

    /**
     * @param n any number at least 0
     * @return a word of letters for it (a, b, ..., z, ba, ...), distinct for distinct numbers
     */
    public static String of(final long n) {
        final StringBuilder out = new StringBuilder();
        long k = n;
        do {
            out.append((char) ('a' + k % 26));
            k /= 26;
        } while (k > 0);
        return out.toString();
    }
}
