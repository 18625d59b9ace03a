package dev.vigil.schemas;

import java.util.Locale;

/** Byte counts as people read them, the same in every service's output and audit text. */
public final class ByteSizes {
    private ByteSizes() {
    }

    /**
     * @param n a byte count, &gt;= 0
     * @return it in binary units with one decimal, e.g. {@code 512 B}, {@code 1.5 KiB}, {@code 3.0 GiB} (a dot, in
     *     every locale, so that scripts and tests read the same text)
     */
    public static String format(final long n) {
        if (n < 1024) {
            return n + " B";
        }
        final int unit = (63 - Long.numberOfLeadingZeros(n)) / 10;
        return String.format(Locale.ROOT, "%.1f %siB", n / Math.pow(1024, unit), "KMGTPE".charAt(unit - 1));
    }
}
