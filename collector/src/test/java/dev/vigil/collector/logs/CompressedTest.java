package dev.vigil.collector.logs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompressedTest {
    @TempDir
    Path dir;

    private static byte[] text() {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; sb.length() < 300_000; i++) {
            sb.append("line ").append(i).append(" of a rotated log\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A harvester reads forward, then again the end of its previous read, the leading bytes, and (rarely) further
     * back: every read at an offset gives the bytes the plain file holds there, without decompressing to disk.
     */
    @Test
    void shouldReadTheDecompressedContentAtAnyOffsetAsTheHarvesterAsks() throws Exception {
        final byte[] plain = text();
        final Path gz = dir.resolve("app.log.1.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(plain);
        }
        final Path bz2 = dir.resolve("app.log.1.bz");
        try (OutputStream out = new BZip2CompressorOutputStream(Files.newOutputStream(bz2))) {
            out.write(plain);
        }
        for (final Path file : new Path[] {gz, bz2}) {
            assertTrue(Compressed.is(file), file + " is compressed");
            try (Harvester.Content c = Compressed.content(file)) {
                assertEquals(Long.MAX_VALUE, c.size(), "not known before the end");
                for (final long at : new long[] {0, 1000, 65_000, 200_000, 10_000, 299_000, 5}) {
                    final ByteBuffer b = ByteBuffer.allocate(65_536);
                    final int n = c.read(b, at);
                    final int expected = (int) Math.min(b.capacity(), plain.length - at);
                    assertEquals(expected, n, file + " at " + at);
                    assertArrayEquals(Arrays.copyOfRange(plain, (int) at, (int) at + n),
                            Arrays.copyOf(b.array(), n), file + " at " + at);
                }
                assertEquals(-1, c.read(ByteBuffer.allocate(16), plain.length));
                assertEquals(plain.length, c.size());
            }
        }
        assertTrue(!Compressed.is(dir.resolve("plain.log")) && !Compressed.is(Files.write(dir.resolve("plain.log"),
                plain)), "a plain file is not compressed");
    }
}
