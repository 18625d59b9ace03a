package dev.vigil.collector.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.spec.IvParameterSpec;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.lz4.BlockLZ4CompressorOutputStream;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

class DecompressedTest {
    private static final int SAMPLE = 8192;

    @TempDir
    Path dir;

    /** A log as services write it: timestamped lines that vary. */
    static byte[] log(final int bytes) {
        final StringBuilder sb = new StringBuilder();
        final Random random = new Random(7);
        for (int i = 0; sb.length() < bytes; i++) {
            sb.append(String.format("2026-11-27T03:%02d:%02d.%03dZ INFO  [worker-%d] request %08x served in %d ms%n",
                    i / 60_000 % 60, i / 1000 % 60, i % 1000, random.nextInt(16), random.nextInt(),
                    random.nextInt(900)));
        }
        return Arrays.copyOf(sb.toString().getBytes(StandardCharsets.US_ASCII), bytes);
    }

    /** @return {@code plain} encrypted with AES, a fresh key: what ransomware writes */
    static byte[] encrypted(final byte[] plain) throws Exception {
        final KeyGenerator keys = KeyGenerator.getInstance("AES");
        keys.init(256);
        final byte[] iv = new byte[16];
        new SecureRandom().nextBytes(iv);
        final Cipher cipher = Cipher.getInstance("AES/CTR/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, keys.generateKey(), new IvParameterSpec(iv));
        return cipher.doFinal(plain);
    }

    /** @return {@code content} in {@code format}, written by that format's own encoder */
    static byte[] compress(final String format, final byte[] content) throws IOException {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = encoder(format, bytes)) {
            out.write(content);
        }
        return bytes.toByteArray();
    }

    private static OutputStream encoder(final String format, final OutputStream out) throws IOException {
        switch (format) {
            case "gzip":
                return new GZIPOutputStream(out);
            case "bzip2":
                return new BZip2CompressorOutputStream(out, 9);
            case "xz":
                return new XZOutputStream(out, new LZMA2Options(6));
            case "zstd":
                return new ZstdOutputStreamNoFinalizer(out, 3);
            case "lz4":
                // what lz4 -1 does; the library's default matcher takes seconds on a log of 512 KiB
                return new FramedLZ4CompressorOutputStream(out, new FramedLZ4CompressorOutputStream.Parameters(
                        FramedLZ4CompressorOutputStream.BlockSize.M4,
                        BlockLZ4CompressorOutputStream.createParameterBuilder().tunedForSpeed().build()));
            case "zip":
                final ZipOutputStream zip = new ZipOutputStream(out);
                zip.putNextEntry(new ZipEntry("word/document.xml"));
                return zip;
            default:
                throw new IllegalArgumentException(format);
        }
    }

    private int head(final Decompressed d, final byte[] file, final byte[] dst) throws IOException {
        final Path p = Files.write(dir.resolve("f" + System.nanoTime()), file);
        final int n = Math.min(file.length, SAMPLE);
        return DecompressedProbe.head(d, p, Arrays.copyOf(file, n), n, dst, SAMPLE);
    }

    private static double entropy(final byte[] bytes, final int length) {
        final Entropy e = new Entropy();
        e.add(bytes, 0, length);
        return e.bitsPerByte();
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "bzip2", "xz", "zstd", "lz4", "zip"})
    void shouldSampleACompressedLogAsTheTextItHolds(final String format) throws Exception {
        final byte[] log = log(2 * Decompressed.VERIFY_BYTES);
        final byte[] compressed = compress(format, log);
        final byte[] dst = new byte[SAMPLE];
        assertEquals(SAMPLE, head(new Decompressed(1 << 22), compressed, dst));
        assertArrayEquals(Arrays.copyOf(log, SAMPLE), dst);
        assertTrue(entropy(dst, SAMPLE) < 6, format + ": " + entropy(dst, SAMPLE));
        assertTrue(entropy(compressed, SAMPLE) > entropy(dst, SAMPLE) + 1,
                format + " raw: " + entropy(compressed, SAMPLE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "bzip2", "xz", "zstd", "lz4", "zip"})
    void shouldSampleEncryptedDataWrappedInACompressedStreamAsTheNearRandomBytesItHolds(final String format)
            throws Exception {
        final byte[] ciphertext = encrypted(log(1 << 16));
        final byte[] dst = new byte[SAMPLE];
        assertEquals(SAMPLE, head(new Decompressed(1 << 22), compress(format, ciphertext), dst));
        assertArrayEquals(Arrays.copyOf(ciphertext, SAMPLE), dst);
        assertTrue(entropy(dst, SAMPLE) > 7.9, format + ": " + entropy(dst, SAMPLE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "bzip2", "xz", "zstd", "lz4", "zip"})
    void shouldSampleRawAFileThatStartsWithAMagicNumberButIsNoValidStream(final String format) throws Exception {
        final byte[] header = Arrays.copyOf(compress(format, log(1 << 16)), 6);
        final Decompressed d = new Decompressed(1 << 30);
        for (int seed = 0; seed < 50; seed++) {
            final byte[] forged = new byte[1 << 16];
            new Random(seed).nextBytes(forged);
            System.arraycopy(header, 0, forged, 0, header.length);
            assertNotNull(Decompressed.format(forged, SAMPLE), "the forgery is taken for " + format);
            assertEquals(-1, head(d, forged, new byte[SAMPLE]), format + ", seed " + seed);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "bzip2", "xz", "zstd", "lz4", "zip"})
    void shouldSampleRawAStreamCutShortBeforeTheSampleEnds(final String format) throws Exception {
        final byte[] compressed = compress(format, log(4096));
        final byte[] cut = Arrays.copyOf(compressed, compressed.length * 2 / 3);
        assertEquals(4096, head(new Decompressed(1 << 22), compressed, new byte[SAMPLE]), "whole");
        assertEquals(-1, head(new Decompressed(1 << 22), cut, new byte[SAMPLE]), "cut");
    }

    @Test
    void shouldReadNoMoreThanTheSampleOfABomb() throws Exception {
        // 256 MiB of zeros in 256 KiB of gzip: the sample is its first 8 KiB, read from a few KiB of input
        final Path bomb = dir.resolve("bomb.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(bomb))) {
            final byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 256; i++) {
                out.write(zeros);
            }
        }
        final byte[] head = Arrays.copyOf(Files.readAllBytes(bomb), SAMPLE);
        final Decompressed d = new Decompressed(1 << 22);
        final byte[] dst = new byte[SAMPLE];
        assertEquals(SAMPLE, DecompressedProbe.head(d, bomb, head, SAMPLE, dst, SAMPLE));
        assertArrayEquals(new byte[SAMPLE], dst);
        assertTrue(d.input() <= 2 * SAMPLE, "input " + d.input());
    }

    @Test
    void shouldStopReadingAZipOfManyTinyFilesAtTheEntriesBound() throws Exception {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (int i = 0; i < 4 * Decompressed.MAX_ZIP_ENTRIES; i++) {
                zip.putNextEntry(new ZipEntry("f" + i));
                zip.write(("line " + i + "\n").getBytes(StandardCharsets.US_ASCII));
            }
        }
        final Decompressed d = new Decompressed(1 << 22);
        final byte[] dst = new byte[SAMPLE];
        final int n = head(d, bytes.toByteArray(), dst);
        assertEquals("line 0\nline 1\n", new String(dst, 0, 14, StandardCharsets.US_ASCII));
        assertTrue(n < 10 * Decompressed.MAX_ZIP_ENTRIES, "read " + n);
        assertTrue(d.input() < bytes.size() / 3, "input " + d.input() + " of " + bytes.size());
    }

    @Test
    void shouldDecodeOneXzDictionaryAtATimeWhateverTheDatasetsSamplingTogether() throws Exception {
        // xz -6 allocates its 8 MiB dictionary for every file: six intervals closing together
        // (files.max.concurrent.walks, or walks given up by the watchdog) took 51 MiB at once, and the agent exits on
        // OutOfMemoryError.
        final Path xz = Files.write(dir.resolve("app.log.1.xz"), compress("xz", log(1 << 16)));
        final Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx24m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError", "-cp",
                System.getProperty("java.class.path"), DecompressedProbe.class.getName(), "--threads", "6", "2000",
                xz.toString()).redirectErrorStream(true).start();
        final String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the probe did not finish");
        assertEquals(0, p.exitValue(), output);
        final Matcher m = Pattern.compile("samples=(\\d+) decompressed=(\\d+)").matcher(output);
        assertTrue(m.find(), output);
        assertEquals(m.group(1), m.group(2), "every sample decompressed: " + output);
    }

    @Test
    void shouldSampleRawRatherThanWaitLongForADecoderAnotherDatasetHolds() throws Exception {
        // The one xz/bzip2 decoder's holder may be a dataset whose filesystem stopped answering in the middle of a
        // read: the other datasets must go on with their intervals.
        final byte[] compressed = compress("xz", log(1 << 16));
        final java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        final Thread hung = new Thread(() -> {
            Decompressed.LARGE_DECODER.lock();
            try {
                held.countDown();
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                Decompressed.LARGE_DECODER.unlock();
            }
        });
        hung.start();
        try {
            held.await();
            final long start = System.nanoTime();
            final int n = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(10),
                    () -> head(new Decompressed(1 << 22), compressed, new byte[SAMPLE]));
            assertEquals(-1, n, "judged raw");
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
        } finally {
            release.countDown();
            hung.join();
        }
        assertEquals(SAMPLE, head(new Decompressed(1 << 22), compressed, new byte[SAMPLE]), "its turn again");
    }

    @Test
    void shouldSampleRawAStreamWhoseWindowIsBeyondTheBound() throws Exception {
        final byte[] log = log(1 << 16);
        final ByteArrayOutputStream xz9 = new ByteArrayOutputStream();
        try (OutputStream out = new XZOutputStream(xz9, new LZMA2Options(9))) { // 64 MiB dictionary
            out.write(log);
        }
        final ByteArrayOutputStream zstdLong = new ByteArrayOutputStream();
        try (ZstdOutputStreamNoFinalizer out = new ZstdOutputStreamNoFinalizer(zstdLong, 3)) {
            out.setLong(27); // 128 MiB window, zstd --long
            out.write(log);
        }
        assertEquals(-1, head(new Decompressed(1 << 22), xz9.toByteArray(), new byte[SAMPLE]), "xz -9");
        assertEquals(-1, head(new Decompressed(1 << 22), zstdLong.toByteArray(), new byte[SAMPLE]), "zstd --long");
    }

    @Test
    void shouldSampleRawOnceTheIntervalsCompressedInputIsSpent() throws Exception {
        final byte[] compressed = compress("bzip2", log(1 << 20)); // bzip2 reads a whole block before any output
        final Decompressed first = new Decompressed(Long.MAX_VALUE);
        assertEquals(SAMPLE, head(first, compressed, new byte[SAMPLE]));
        final Decompressed d = new Decompressed(first.input() + first.input() / 2);
        assertEquals(SAMPLE, head(d, compressed, new byte[SAMPLE]));
        assertEquals(-1, head(d, compressed, new byte[SAMPLE]), "half the input left: cut short");
        assertEquals(-1, head(d, compressed, new byte[SAMPLE]), "none left");
        assertEquals(2, d.files(), "the third not even tried");
    }

    @Test
    void shouldSampleRawAFileInNoFormatReadHere() throws Exception {
        assertEquals(-1, head(new Decompressed(1 << 22), log(1 << 16), new byte[SAMPLE]));
        final byte[] zlib = new byte[SAMPLE];
        new Random(1).nextBytes(zlib);
        zlib[0] = 0x78;
        zlib[1] = (byte) 0x9c;
        assertEquals(-1, head(new Decompressed(1 << 22), zlib, new byte[SAMPLE]));
    }
}
