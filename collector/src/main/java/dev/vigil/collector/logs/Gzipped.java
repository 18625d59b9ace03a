package dev.vigil.collector.logs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.GZIPInputStream;

/**
 * A rotated log that logrotate compressed ({@code compress} without {@code delaycompress}) before the agent read its
 * rest: gzip, logrotate's default {@code compresscmd}. Told by its decompressed leading bytes, as a copy is.
 */
final class Gzipped {
    private Gzipped() {
    }

    /** @param p a file @return whether its name says gzip */
    static boolean is(final Path p) {
        return p.getFileName().toString().endsWith(".gz");
    }

    /**
     * @param gz a gzip file
     * @param length how many decompressed leading bytes the hash covers
     * @param hash {@link Harvester#headHash} of them
     * @return whether its content starts with those bytes; false when it cannot be read (not gzip, cut short)
     */
    static boolean headMatches(final Path gz, final int length, final long hash) {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            final byte[] head = in.readNBytes(length);
            return head.length == length && Harvester.headHash(head, length) == hash;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Decompresses a file whole, so that it is read as any copy is (a channel at an offset).
     *
     * @param gz a gzip file
     * @param to where its content goes, replaced
     * @return {@code to}
     * @throws IOException when it cannot be read or written
     */
    static Path inflate(final Path gz, final Path to) throws IOException {
        Files.createDirectories(to.getParent());
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
        }
        return to;
    }
}
