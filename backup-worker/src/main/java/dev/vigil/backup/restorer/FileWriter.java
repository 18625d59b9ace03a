package dev.vigil.backup.restorer;

import dev.vigil.backup.pack.BlobId;
import dev.vigil.backup.pack.BlobType;
import dev.vigil.backup.repository.Repository;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

/**
 * Writes a range of a file's chunks at their offsets. All-zero chunks are skipped, leaving holes,
 * so sparse files come back sparse; the file's length is set separately.
 */
final class FileWriter {
    private static volatile byte[] zeros = new byte[0];

    private FileWriter() {
    }

    /**
     * @param repo where the chunks are
     * @param file the file, created already
     * @param chunks the chunks to write
     * @param offset where the first goes
     * @return bytes written or skipped as holes
     * @throws IOException when the file cannot be written
     */
    static long write(final Repository repo, final Path file, final List<BlobId> chunks, final long offset)
            throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            return write(repo, ch, chunks, offset);
        }
    }

    /**
     * @param repo where the chunks are
     * @param ch the open file
     * @param chunks the chunks to write
     * @param offset where the first goes
     * @return bytes written or skipped as holes
     * @throws IOException when the file cannot be written
     */
    static long write(final Repository repo, final FileChannel ch, final List<BlobId> chunks, final long offset)
            throws IOException {
        long pos = offset;
        {
            for (final BlobId id : chunks) {
                final byte[] data = repo.loadBlob(BlobType.DATA, id);
                if (!allZero(data)) {
                    final ByteBuffer buf = ByteBuffer.wrap(data);
                    long at = pos;
                    while (buf.hasRemaining()) {
                        at += ch.write(buf, at);
                    }
                }
                pos += data.length;
            }
        }
        return pos - offset;
    }

    /**
     * Gives the file its length when it ends in a hole: one zero byte at the end.
     *
     * @param ch the open file
     * @param size its length
     * @throws IOException when it cannot be written
     */
    static void extend(final FileChannel ch, final long size) throws IOException {
        if (size > 0 && ch.size() < size) {
            ch.write(ByteBuffer.wrap(new byte[1]), size - 1);
        }
    }

    static boolean allZero(final byte[] data) {
        byte[] z = zeros;
        if (z.length < data.length) {
            z = new byte[Math.max(data.length, 1 << 20)];
            zeros = z;
        }
        return Arrays.mismatch(data, 0, data.length, z, 0, data.length) < 0;
    }
}
