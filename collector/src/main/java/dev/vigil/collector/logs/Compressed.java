package dev.vigil.collector.logs;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.apache.commons.compress.compressors.CompressorException;
import org.apache.commons.compress.compressors.CompressorStreamFactory;

/**
 * A rotated log that logrotate compressed ({@code compress} without {@code delaycompress}) before the agent read its
 * rest, with any {@code compresscmd} of gzip (its default), bzip2, xz, zstd, lz4 or compress, under any
 * {@code compressext}: the format is told by the file's leading bytes (Apache Commons Compress), and the file by its
 * decompressed leading bytes, as a copy is.
 */
final class Compressed {
    /** Formats read; others (zip, 7z: archives, not streams) are not. */
    private static final Set<String> FORMATS = Set.of(CompressorStreamFactory.GZIP, CompressorStreamFactory.BZIP2,
            CompressorStreamFactory.XZ, CompressorStreamFactory.ZSTANDARD, CompressorStreamFactory.LZ4_FRAMED,
            CompressorStreamFactory.Z);
    private static final CompressorStreamFactory FACTORY = new CompressorStreamFactory(true);

    private Compressed() {
    }

    /**
     * @param p a file
     * @return its content, decompressed; concatenated gzip or bzip2 streams are read as one
     * @throws IOException when it cannot be read, or is not in a format read here
     */
    static InputStream open(final Path p) throws IOException {
        final InputStream in = new BufferedInputStream(Files.newInputStream(p));
        try {
            final String format = CompressorStreamFactory.detect(in);
            if (!FORMATS.contains(format)) {
                throw new CompressorException(format + " is not read");
            }
            return FACTORY.createCompressorInputStream(format, in);
        } catch (CompressorException e) {
            in.close();
            throw new IOException(p + ": not compressed in a format read here (" + e.getMessage() + ")", e);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** @param p a file @return whether its leading bytes say it is compressed in a format read here */
    static boolean is(final Path p) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(p))) {
            return FORMATS.contains(CompressorStreamFactory.detect(in));
        } catch (IOException e) {
            return false; // CompressorException too: not compressed
        }
    }

    /**
     * @param file a compressed file
     * @param length how many decompressed leading bytes the hash covers
     * @param hash {@link Harvester#headHash} of them
     * @return whether its content starts with those bytes; false when it cannot be read (not compressed, cut short)
     */
    static boolean headMatches(final Path file, final int length, final long hash) {
        try (InputStream in = open(file)) {
            final byte[] head = in.readNBytes(length);
            return head.length == length && Harvester.headHash(head, length) == hash;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * @param file a compressed file
     * @return its content as it is decompressed, for a {@link Harvester}: nothing is written to disk, whatever its size
     * @throws IOException when it cannot be read
     */
    static Harvester.Content content(final Path file) throws IOException {
        return new Streamed(file);
    }

    /**
     * A decompressed stream read at offsets, as a harvester reads a file: forward, except that it reads again the end
     * of its previous read (a line the buffer cut) and the leading bytes (hashed, examined for binary content). Both
     * are kept; any other step back decompresses again from the start.
     */
    private static final class Streamed implements Harvester.Content {
        private final Path file;
        /** The first bytes of the content ({@link BinaryContent#SAMPLE_BYTES}, fewer when it is shorter). */
        private final byte[] head;
        private InputStream in;
        /** Offset of the stream's next byte. */
        private long position;
        /** What the latest read returned, from {@code lastStart}. */
        private byte[] last = new byte[0];
        private long lastStart;
        private boolean ended;

        Streamed(final Path file) throws IOException {
            this.file = file;
            this.in = open(file);
            this.head = in.readNBytes(BinaryContent.SAMPLE_BYTES);
            this.position = head.length;
            this.ended = head.length < BinaryContent.SAMPLE_BYTES;
        }

        @Override
        public long size() {
            return ended ? position : Long.MAX_VALUE;
        }

        @Override
        public int read(final ByteBuffer dst, final long from) throws IOException {
            final int start = dst.position();
            long p = from;
            while (dst.hasRemaining()) {
                if (p < head.length) {
                    p += copy(head, (int) p, dst);
                } else if (p >= lastStart && p < lastStart + last.length) {
                    p += copy(last, (int) (p - lastStart), dst);
                } else if (p < position) {
                    in.close();
                    in = open(file);
                    position = 0;
                } else {
                    position += in.skip(p - position);
                    if (position < p) {
                        ended = in.read() < 0;
                        position += ended ? 0 : 1;
                        if (ended) {
                            break;
                        }
                        continue;
                    }
                    final int n = in.readNBytes(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
                    dst.position(dst.position() + n);
                    position += n;
                    p += n;
                    if (dst.hasRemaining()) {
                        ended = true;
                        break;
                    }
                }
            }
            final int n = dst.position() - start;
            last = java.util.Arrays.copyOfRange(dst.array(), dst.arrayOffset() + start,
                    dst.arrayOffset() + dst.position());
            lastStart = from;
            return n == 0 ? -1 : n;
        }

        private static int copy(final byte[] from, final int offset, final ByteBuffer dst) {
            final int n = Math.min(from.length - offset, dst.remaining());
            dst.put(from, offset, n);
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
