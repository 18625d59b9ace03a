package dev.vigil.collector.logs;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
     * Decompresses a file whole, so that it is read as any copy is (a channel at an offset).
     *
     * @param file a compressed file
     * @param to where its content goes, replaced
     * @return {@code to}
     * @throws IOException when it cannot be read or written
     */
    static Path inflate(final Path file, final Path to) throws IOException {
        Files.createDirectories(to.getParent());
        try (InputStream in = open(file)) {
            Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
        }
        return to;
    }
}
