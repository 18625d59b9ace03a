package dev.vigil.backup.archiver;

import dev.vigil.backup.chunker.Chunker;
import dev.vigil.backup.pack.BlobId;
import dev.vigil.backup.pack.BlobType;
import dev.vigil.backup.repository.Repository;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Reads one file, cuts it into chunks and stores the new ones. Files up to twice the largest
 * chunk are read whole and processed on the calling thread; larger ones are streamed through a
 * buffer of that size and their chunks are hashed, compressed and encrypted on the pool, so one
 * big file keeps every core busy. A file whose size, mtime or ctime changed while it was read is
 * read again, up to three times.
 */
final class FileSaver {
    private static final int ATTEMPTS = 3;
    private final Repository repo;
    private final Chunker chunker;
    private final Executor pool;
    private final BackupProgress progress;

    FileSaver(final Repository repo, final Chunker chunker, final Executor pool, final BackupProgress progress) {
        this.repo = repo;
        this.chunker = chunker;
        this.pool = pool;
        this.progress = progress;
    }

    /**
     * A file as stored.
     *
     * @param chunks its chunk ids in order
     * @param stat its stat, unchanged while it was read
     */
    record FileContent(List<BlobId> chunks, FileStat stat) {
    }

    /** Thrown when a file kept changing while it was read. */
    static final class TornFileException extends IOException {
        private static final long serialVersionUID = 1L;

        TornFileException(final Path path) {
            super(path + ": changed while being read, " + ATTEMPTS + " times");
        }
    }

    /**
     * @param path the file
     * @param before its stat when the walk saw it
     * @return its chunk ids and its stat while it was read, once every chunk is stored
     * @throws IOException when it cannot be read, or kept changing ({@link TornFileException})
     */
    CompletableFuture<FileContent> save(final Path path, final FileStat before) throws IOException {
        FileStat expected = before;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            final List<CompletableFuture<BlobId>> chunks = new ArrayList<>();
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                if (expected.size() <= 2L * chunker.max()) {
                    readWhole(ch, expected.size(), chunks);
                } else {
                    stream(ch, chunks);
                }
            }
            final FileStat after = FileStat.of(path);
            if (!expected.changedSince(after)) {
                return CompletableFuture.allOf(chunks.toArray(new CompletableFuture<?>[0]))
                        .thenApply(v -> new FileContent(chunks.stream().map(CompletableFuture::join).toList(), after));
            }
            expected = after;
        }
        throw new TornFileException(path);
    }

    private void readWhole(final FileChannel ch, final long size, final List<CompletableFuture<BlobId>> out)
            throws IOException {
        // One byte more than expected: a file that grew is caught here, not only by the stat after.
        byte[] buf = new byte[(int) size + 1];
        int n = 0;
        while (true) {
            if (n == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            final int r = ch.read(ByteBuffer.wrap(buf, n, buf.length - n));
            if (r < 0) {
                break;
            }
            n += r;
        }
        progress.bytesRead.addAndGet(n);
        int pos = 0;
        while (pos < n) {
            final int len = chunker.next(buf, pos, n, true);
            out.add(CompletableFuture.completedFuture(repo.saveBlob(BlobType.DATA, buf, pos, len).id()));
            pos += len;
        }
    }

    private void stream(final FileChannel ch, final List<CompletableFuture<BlobId>> out) throws IOException {
        final byte[] buf = new byte[2 * chunker.max()];
        int start = 0;
        int end = 0;
        boolean eof = false;
        while (true) {
            if (!eof && end < buf.length) {
                final int r = ch.read(ByteBuffer.wrap(buf, end, buf.length - end));
                if (r < 0) {
                    eof = true;
                } else {
                    end += r;
                    progress.bytesRead.addAndGet(r);
                    continue;
                }
            }
            if (start == end && eof) {
                return;
            }
            final int len = chunker.next(buf, start, end, eof);
            if (len < 0) {
                System.arraycopy(buf, start, buf, 0, end - start);
                end -= start;
                start = 0;
                continue;
            }
            final byte[] chunk = Arrays.copyOfRange(buf, start, start + len);
            out.add(CompletableFuture.supplyAsync(() -> repo.saveBlob(BlobType.DATA, chunk, 0, chunk.length).id(),
                    pool));
            start += len;
            // Move the rest to the front only when less than a largest chunk is left behind start.
            if (!eof && buf.length - start < chunker.max()) {
                System.arraycopy(buf, start, buf, 0, end - start);
                end -= start;
                start = 0;
            }
        }
    }
}
