package dev.vigil.collector.files;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;
import org.apache.commons.compress.compressors.CompressorException;
import org.apache.commons.compress.compressors.CompressorStreamFactory;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * The decompressed head of a written file in a standard compressed format (gzip, bzip2, xz, zstd, lz4, or a zip
 * archive's first entries): what its entropy is judged by. logrotate's {@code compress} writes a gzip copy of a log
 * and deletes the log, as ransomware writes an encrypted copy and deletes the original, and both look near-random; but
 * a compressed copy decompresses to what it holds, readable text there, ciphertext compressed or not to near-random
 * bytes. A stream counts once it decodes without error to its end or for {@link #VERIFY_BYTES} of content; one that
 * does not (cut short, still being written, corrupt, a decoder window beyond {@link #MAX_WINDOW_BYTES}), or a file in
 * no format read here, is judged by its raw bytes, as before.
 *
 * <p>Bounded: at most {@link #VERIFY_BYTES} of content decoded per file, of which the caller's sample is kept (a zip
 * bomb yields no more), at most {@link #MAX_FILE_INPUT} compressed bytes per file and {@code maxIntervalInput} per
 * interval (then files are judged raw), nothing buffered but the caller's array, one of 8 KiB and the decoders' own
 * windows, of which one xz or bzip2 decoder at a time in the JVM. Sizes in headers are not trusted: only the bytes a
 * decoder returns count. Not thread-safe: one per interval.
 */
final class Decompressed {
    /** Most compressed bytes read for one file: a whole bzip2 block of 900 kB, which it must read before any output. */
    static final int MAX_FILE_INPUT = 1 << 20;
    /** Most decoder window (xz dictionary, zstd window): what {@code xz -6} and {@code zstd -19} use. */
    static final int MAX_WINDOW_BYTES = 8 << 20;
    /**
     * Content decoded (the sample, then discarded) before a stream counts as valid, unless it ends before: random
     * bytes behind a magic number may pass for a first block (zstd's frame header has no checksum: one in thirty do,
     * half of them as a run of one byte), hardly for the blocks after it (none of 2,000 per format did). Twice zstd's
     * largest block.
     */
    static final int VERIFY_BYTES = 256 << 10;
    /**
     * Most zip entries read: as many valid headers tell a zip from random bytes as well as its content would, and an
     * archive of thousands of tiny files (8 ms and 3 MiB of heap per thousand) would cost more than its sample is
     * worth.
     */
    static final int MAX_ZIP_ENTRIES = 64;
    /** Bytes of a head that tell the format: Commons Compress looks at 12. */
    static final int MAGIC_BYTES = 16;
    private static final byte[] ZIP_LOCAL_HEADER = {'P', 'K', 3, 4};
    /**
     * One xz or bzip2 decoder at a time in the agent; a dataset that waits longer for its turn (one whose filesystem
     * stopped answering in the middle of a read holds it) judges its file raw rather than stall its own intervals.
     */
    static final ReentrantLock LARGE_DECODER = new ReentrantLock();
    private static final long LARGE_DECODER_WAIT_MS = 1000;

    private final long maxIntervalInput;
    private final byte[] scratch = new byte[8192];
    private long input;
    private int files;

    /** @param maxIntervalInput most compressed bytes read for all files of one interval together */
    Decompressed(final long maxIntervalInput) {
        this.maxIntervalInput = maxIntervalInput;
    }

    /**
     * @param file a regular file, open: the one whose head was read (opening it again by name could open whatever
     *     took its place since, a named pipe that waits for a writer)
     * @param head its first bytes as read (at least {@link #MAGIC_BYTES} when it has them)
     * @param headLength how many
     * @param dst where its decompressed head goes, from index 0
     * @param length most decompressed bytes wanted
     * @return how many decompressed bytes were put in {@code dst} (fewer than {@code length}: the whole content of a
     *     stream that ended properly), or -1 when its raw bytes are what to judge it by
     */
    int head(final FileChannel file, final byte[] head, final int headLength, final byte[] dst, final int length) {
        final String format = format(head, headLength);
        if (format == null || input >= maxIntervalInput) {
            return -1;
        }
        files++;
        if (format.equals(CompressorStreamFactory.XZ) || format.equals(CompressorStreamFactory.BZIP2)) {
            // Their decoders take megabytes of heap at once (xz -6 its 8 MiB dictionary, bzip2 4.5 MiB for a 900 kB
            // block): one at a time in the agent, whatever the datasets whose intervals close together
            try {
                if (!LARGE_DECODER.tryLock(LARGE_DECODER_WAIT_MS, TimeUnit.MILLISECONDS)) {
                    return -1;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
            try {
                return decode(format, file, dst, length);
            } finally {
                LARGE_DECODER.unlock();
            }
        }
        return decode(format, file, dst, length);
    }

    private int decode(final String format, final FileChannel file, final byte[] dst, final int length) {
        // Buffered below the count: decoders read byte by byte, the count is of what they took
        try (Bounded in = new Bounded(new BufferedInputStream(Channels.newInputStream(file.position(0))),
                Math.min(MAX_FILE_INPUT, maxIntervalInput - input))) {
            try {
                return read(format, in, dst, length);
            } finally {
                input += in.count;
            }
        } catch (IOException | RuntimeException e) {
            // Not a valid stream (cut short, corrupt, beyond the bounds), or gone since: its raw bytes count.
            return -1;
        }
    }

    private int read(final String format, final InputStream in, final byte[] dst, final int length)
            throws IOException {
        if (format.equals("zip")) {
            try (ZipArchiveInputStream zip = new ZipArchiveInputStream(in)) { // its inflater's native memory
                return readZip(zip, dst, length);
            }
        }
        try (InputStream decoded = open(format, in)) {
            final int n = fill(decoded, dst, 0, length);
            drain(decoded, VERIFY_BYTES - n);
            return n;
        }
    }

    private InputStream open(final String format, final InputStream in) throws IOException {
        switch (format) {
            case CompressorStreamFactory.GZIP:
                return new GzipCompressorInputStream(in, true);
            case CompressorStreamFactory.BZIP2:
                return new BZip2CompressorInputStream(in, true);
            case CompressorStreamFactory.XZ:
                return new XZInputStream(in, MAX_WINDOW_BYTES / 1024 + 1024, true);
            case CompressorStreamFactory.ZSTANDARD:
                // zstd's own limit is 128 MiB of native window; this one is what every level up to 19 writes
                return new ZstdInputStreamNoFinalizer(in).setLongMax(Integer.numberOfTrailingZeros(MAX_WINDOW_BYTES));
            case CompressorStreamFactory.LZ4_FRAMED:
                return new FramedLZ4CompressorInputStream(in, true);
            default:
                throw new IOException(format + " is not read");
        }
    }

    /** The first entries of a zip archive (an office document, a zipped export), one after another. */
    private int readZip(final ZipArchiveInputStream zip, final byte[] dst, final int length) throws IOException {
        int n = 0;
        long content = 0;
        int entries = 0;
        ZipArchiveEntry entry;
        // Only ever moved past an entry read to its end: the stream would otherwise decompress its rest to skip it.
        while (content < VERIFY_BYTES && entries++ < MAX_ZIP_ENTRIES && (entry = zip.getNextZipEntry()) != null) {
            if (!zip.canReadEntryData(entry)) {
                throw new IOException(entry.getName() + ": encrypted or in a method not read here");
            }
            final int before = n;
            n = fill(zip, dst, n, length);
            content += n - before;
            content += drain(zip, VERIFY_BYTES - content);
        }
        return n;
    }

    /** Reads until {@code length} or the stream's end. @return the offset reached */
    private static int fill(final InputStream in, final byte[] dst, final int from, final int length)
            throws IOException {
        int n = from;
        while (n < length) {
            final int r = in.read(dst, n, length - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return n;
    }

    /** Decodes and discards at most {@code max} bytes. @return how many */
    private long drain(final InputStream in, final long max) throws IOException {
        long n = 0;
        while (n < max) {
            final int r = in.read(scratch, 0, (int) Math.min(scratch.length, max - n));
            if (r < 0) {
                break;
            }
            n += r;
        }
        return n;
    }

    /** @return the format its leading bytes name, among those read here, or null */
    static String format(final byte[] head, final int length) {
        if (length >= ZIP_LOCAL_HEADER.length
                && java.util.Arrays.equals(head, 0, ZIP_LOCAL_HEADER.length, ZIP_LOCAL_HEADER, 0,
                        ZIP_LOCAL_HEADER.length)) {
            return "zip";
        }
        try {
            final String format = CompressorStreamFactory.detect(new ByteArrayInputStream(head, 0, length));
            switch (format) {
                case CompressorStreamFactory.GZIP:
                case CompressorStreamFactory.BZIP2:
                case CompressorStreamFactory.XZ:
                case CompressorStreamFactory.ZSTANDARD:
                case CompressorStreamFactory.LZ4_FRAMED:
                    return format;
                default:
                    // compress (.Z), a zlib header: two bytes, too loose to go on, and .Z is seldom written today
                    return null;
            }
        } catch (CompressorException e) {
            return null;
        }
    }

    /** @return files whose decompression was tried this interval */
    int files() {
        return files;
    }

    /** @return compressed bytes read this interval */
    long input() {
        return input;
    }

    /** Counts what a decoder takes, and ends the stream with an error beyond its bound; leaves the file open. */
    private static final class Bounded extends FilterInputStream {
        private final long max;
        private long count;

        Bounded(final InputStream in, final long max) {
            super(in);
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            if (count >= max) {
                throw new IOException("more than " + max + " compressed bytes for the sample");
            }
            final int b = super.read();
            count += b < 0 ? 0 : 1;
            return b;
        }

        @Override
        public int read(final byte[] b, final int off, final int len) throws IOException {
            if (count >= max) {
                throw new IOException("more than " + max + " compressed bytes for the sample");
            }
            final int r = super.read(b, off, (int) Math.min(len, max - count));
            count += Math.max(r, 0);
            return r;
        }

        @Override
        public void close() {
            // the caller's file: it reads on from it when the stream was not one
        }

        @Override
        public long skip(final long n) throws IOException {
            final byte[] buffer = new byte[(int) Math.min(n, 8192)];
            final int r = read(buffer, 0, buffer.length);
            return Math.max(r, 0);
        }
    }
}
