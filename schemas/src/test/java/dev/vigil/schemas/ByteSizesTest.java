package dev.vigil.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import org.junit.jupiter.api.Test;

class ByteSizesTest {
    @Test
    void shouldWriteBinaryUnitsWithADotWhateverTheLocale() {
        final Locale before = Locale.getDefault();
        Locale.setDefault(Locale.GERMANY);
        try {
            assertEquals("0 B", ByteSizes.format(0));
            assertEquals("1023 B", ByteSizes.format(1023));
            assertEquals("1.0 KiB", ByteSizes.format(1024));
            assertEquals("1.5 MiB", ByteSizes.format(3L << 19));
            assertEquals("1024.0 MiB", ByteSizes.format((1L << 30) - 1));
            assertEquals("8.0 EiB", ByteSizes.format(Long.MAX_VALUE));
        } finally {
            Locale.setDefault(before);
        }
    }
}
