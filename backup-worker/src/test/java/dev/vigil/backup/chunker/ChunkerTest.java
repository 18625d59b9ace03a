package dev.vigil.backup.chunker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChunkerTest {
    private static final Chunker CHUNKER = new Chunker(16 << 10, 64 << 10, 256 << 10, 42);

    private static List<String> chunks(final byte[] data) {
        final List<String> out = new ArrayList<>();
        int pos = 0;
        while (pos < data.length) {
            final int len = CHUNKER.next(data, pos, data.length, true);
            out.add(java.util.Arrays.hashCode(java.util.Arrays.copyOfRange(data, pos, pos + len)) + ":" + len);
            pos += len;
        }
        return out;
    }

    @Test
    void shouldKeepChunkSizesWithinBoundsAndNearTheAverage() {
        final byte[] data = new byte[16 << 20];
        new Random(1).nextBytes(data);
        final List<String> c = chunks(data);
        for (int i = 0; i < c.size() - 1; i++) {
            final int len = Integer.parseInt(c.get(i).split(":")[1]);
            assertTrue(len >= 16 << 10 && len <= 256 << 10, "chunk " + i + " has " + len + " bytes");
        }
        final double avg = (double) data.length / c.size();
        assertTrue(avg > 40 << 10 && avg < 100 << 10, "average " + avg);
    }

    @Test
    void shouldReuseTheChunksAroundAnInsertionInTheMiddle() {
        final byte[] data = new byte[8 << 20];
        new Random(2).nextBytes(data);
        final byte[] edited = new byte[data.length + 100];
        System.arraycopy(data, 0, edited, 0, 4 << 20);
        System.arraycopy(data, 4 << 20, edited, (4 << 20) + 100, data.length - (4 << 20));
        final Set<String> before = new HashSet<>(chunks(data));
        final List<String> after = chunks(edited);
        final long reused = after.stream().filter(before::contains).count();
        assertTrue(reused >= after.size() - 3, reused + " of " + after.size() + " chunks reused");
    }

    @Test
    void shouldAskForMoreDataOnlyBeforeTheEnd() {
        final byte[] data = new byte[10];
        assertEquals(-1, CHUNKER.next(data, 0, 10, false));
        assertEquals(10, CHUNKER.next(data, 0, 10, true));
        assertThrows(IllegalArgumentException.class, () -> new Chunker(10, 24, 100, 1));
    }
}
