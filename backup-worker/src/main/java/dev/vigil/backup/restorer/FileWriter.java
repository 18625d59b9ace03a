package dev.vigil.backup.restorer;

import dev.vigil.backup.BackupException;
import dev.vigil.backup.chunker.ZeroChunk;
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
    private static final int BLOCK = 64 << 10;
    private static final byte[] ZEROS = new byte[BLOCK];

    private FileWriter() {
    }

    /**
     * @param repo where the chunks are
     * @param zero the all-zero chunk, left as a hole
     * @param file the file, created already
     * @param chunks the chunks to write
     * @param offset where the first goes
     * @return bytes written or skipped as holes
     * @throws IOException when the file cannot be written
     */
    static long write(final Repository repo, final ZeroChunk zero, final Path file, final List<BlobId> chunks,
                      final long offset) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            return write(repo, zero, ch, chunks, offset);
        }
    }

    /**
     * @param repo where the chunks are
     * @param zero the all-zero chunk, left as a hole
     * @param ch the open file
     * @param chunks the chunks to write
     * @param offset where the first goes
     * @return bytes written or skipped as holes
     * @throws IOException when the file cannot be written
     */
    static long write(final Repository repo, final ZeroChunk zero, final FileChannel ch, final List<BlobId> chunks,
                      final long offset) throws IOException {
        long pos = offset;
        {
            for (final BlobId id : chunks) {
                if (id.equals(zero.id())) {
                    pos += zero.length(); // a hole: nothing to read or write
                    continue;
                }
                final byte[] data;
                try {
                    data = repo.loadBlob(BlobType.DATA, id);
                } catch (BackupException e) {
                    throw new UnrestorableDataException(e);
                }
                // Write only the runs of blocks that are not all zero: holes stay holes.
                int run = -1;
                for (int b = 0; b < data.length; b += BLOCK) {
                    if (!allZero(data, b, Math.min(BLOCK, data.length - b))) {
                        if (run < 0) {
                            run = b;
                        }
                    } else if (run >= 0) {
                        writeRange(ch, data, run, b, pos);
                        run = -1;
                    }
                }
                if (run >= 0) {
                    writeRange(ch, data, run, data.length, pos);
                }
                pos += data.length;
            }
        }
        return pos - offset;
    }

    private static void writeRange(final FileChannel ch, final byte[] data, final int from, final int to,
                                   final long chunkStart) throws IOException {
        final ByteBuffer buf = ByteBuffer.wrap(data, from, to - from);
        long at = chunkStart + from;
        while (buf.hasRemaining()) {
            at += ch.write(buf, at);
        }
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

    static boolean allZero(final byte[] data, final int from, final int length) {
        return Arrays.mismatch(data, from, from + length, ZEROS, 0, length) < 0;
    }
}
