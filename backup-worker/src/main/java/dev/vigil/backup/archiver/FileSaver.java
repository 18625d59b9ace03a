package dev.vigil.backup.archiver;

import dev.vigil.backup.chunker.Chunker;
import dev.vigil.backup.chunker.ZeroChunk;
import dev.vigil.backup.fs.NativeFs;
import dev.vigil.backup.fs.OpenDirectory;
import dev.vigil.backup.pack.BlobId;
import dev.vigil.backup.pack.BlobType;
import dev.vigil.backup.repository.Repository;
import dev.vigil.schemas.IoErrors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads one file, cuts it into chunks and stores the new ones. Files up to twice the largest
 * chunk are read whole and processed on the calling thread; larger ones are streamed through a
 * buffer of that size and their chunks are hashed, compressed and encrypted on the pool, so one
 * big file keeps every core busy. A file whose size, mtime or ctime changed while it was read is
 * read again, up to three times.
 *
 * <p>A changed file whose parent version had several chunks is <em>guided</em> by them ({@link
 * ParentChunks}): where a parent chunk started, its length of bytes is hashed first, and if the id is the
 * parent's the chunk is taken without running the chunker over it. After a chunk that differs, the
 * chunker runs until one of its cuts lands on a parent chunk's start again (same offset, or shifted by an
 * insertion, found by the id of the chunk before it). An in-place edit of a disk image thus costs one
 * hash per unchanged chunk and the chunker only around the edit; the chunks are the same either way.
 * After each run of matches the next run is hashed speculatively, up to twice as long, on the idle
 * threads of the pool too, so that a large file the walk ends with does not leave a core idle.
 */
final class FileSaver {
    /** Reads of a file that keeps changing before it is stored as the last read found it. */
    static final int ATTEMPTS = 3;
    /** Chunks in a row that match nothing in the parent before a guided file is chunked as a new one. */
    private static final int GIVE_UP_AFTER = 8;
    private final Repository repo;
    /** Zero regions (holes): neither chunked nor hashed. */
    private final ZeroChunk zero;
    private final Chunker chunker;
    private final ThreadPoolExecutor pool;
    private final BackupProgress progress;
    /** The dataset's real path: a file opened elsewhere was reached through a link swapped in, and is not read. */
    private final Path dataset;

    /**
     * @param dataset the dataset's real path (no link in it), or null to read files wherever their path leads
     */
    FileSaver(final Repository repo, final Chunker chunker, final ThreadPoolExecutor pool,
              final BackupProgress progress, final Path dataset) {
        this.repo = repo;
        this.dataset = dataset;
        this.chunker = chunker;
        this.zero = new ZeroChunk(chunker, repo.hasher());
        this.pool = pool;
        this.progress = progress;
    }

    /**
     * A file as stored.
     *
     * @param chunks its chunk ids in order
     * @param stat its stat, unchanged while it was read, with the size of what was read (a pseudo-file's stat says 0);
     *     when torn, its stat before the last read with the size of what that read found
     * @param torn whether it kept changing while it was read: stored as its last read found it, which may mix old
     *     and new content (a log appended to all the time is a prefix of itself, as it should be)
     */
    record FileContent(List<BlobId> chunks, FileStat stat, boolean torn) {
    }

    /**
     * Thrown when reading a file fails after it was opened (EIO from a bad sector, EINVAL from a pseudo-file): the
     * JDK's message does not name the file, and the failure is the file's, not the repository's, so it costs the
     * file and not the backup.
     */
    static final class UnreadableFileException extends IOException {
        private static final long serialVersionUID = 1L;

        UnreadableFileException(final Path path, final IOException cause) {
            super(path + ": cannot read: " + dev.vigil.schemas.IoErrors.reason(cause), cause);
        }
    }

    /**
     * @param path the file
     * @param before its stat when the walk saw it
     * @param parent the chunks of its version in the parent snapshot, or null
     * @return its chunk ids and its stat while it was read, once every chunk is stored; after {@value #ATTEMPTS} reads
     *     during which it changed, what the last one found, marked torn (leaving it out instead would never protect
     *     a file that is always being written, a busy log)
     * @throws IOException when it cannot be read
     */
    CompletableFuture<FileContent> save(final Path path, final FileStat before, final ParentChunks parent)
            throws IOException {
        return save(path, null, null, before, parent);
    }

    /**
     * {@link #save(Path, FileStat, ParentChunks)} of an entry of an {@link OpenDirectory}, which must stay open until
     * this returns: the file opened and stat'ed after its read is the one in the directory the walk listed, whatever
     * its path leads to since.
     *
     * @param path the file, as named in messages
     * @param dir its directory, or null to open and stat {@code path}
     * @param name its name in {@code dir}
     * @param before its stat when the walk saw it
     * @param parent the chunks of its version in the parent snapshot, or null
     * @return as {@link #save(Path, FileStat, ParentChunks)}
     * @throws IOException when it cannot be read (the exception names {@code path})
     */
    CompletableFuture<FileContent> save(final Path path, final OpenDirectory dir, final String name,
                                        final FileStat before, final ParentChunks parent) throws IOException {
        FileStat expected = before;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            final List<CompletableFuture<BlobId>> chunks = new ArrayList<>();
            final long[] read = {0};
            try (FileChannel ch = dir == null ? NativeFs.openRegularFile(path, dataset)
                    : dir.openRegularFile(name, dataset)) {
                final Reader in = buf -> {
                    try {
                        final int r = ch.read(buf);
                        read[0] += Math.max(r, 0);
                        return r;
                    } catch (java.nio.channels.ClosedByInterruptException e) {
                        throw e;
                    } catch (IOException e) {
                        throw new UnreadableFileException(path, e);
                    }
                };
                if (parent == null && !large(expected.size())) {
                    readWhole(in, expected.size(), chunks);
                } else {
                    stream(in, parent == null ? null : new Guide(parent, expected.size()), chunks);
                }
            }
            final FileStat after = dir == null ? FileStat.of(path) : statAfter(path, dir, name);
            final boolean torn = expected.changedSince(after);
            if (!torn || attempt == ATTEMPTS) {
                // A torn file keeps the stat from before its last read: the file as it is now differs from it, so
                // the next backup reads it again instead of taking what was read for unchanged.
                // Its size is what was read: a file of procfs, sysfs or FUSE says 0 (or a page) and holds more, or less.
                final FileStat stored = !torn && after.size() == read[0] ? after : new FileStat(expected.type(),
                        expected.mode(), expected.uid(), expected.gid(), expected.mtimeNanos(), expected.ctimeNanos(),
                        expected.inode(), expected.device(), expected.links(), read[0]);
                return CompletableFuture.allOf(chunks.toArray(new CompletableFuture<?>[0])).thenApply(v ->
                        new FileContent(chunks.stream().map(CompletableFuture::join).toList(), stored, torn));
            }
            expected = after;
        }
        throw new IllegalStateException("unreachable: the last attempt returns");
    }

    /** @return the file's stat after its read, an exception naming {@code path}, not the path it is reached by */
    private static FileStat statAfter(final Path path, final OpenDirectory dir, final String name)
            throws IOException {
        try {
            return FileStat.of(dir, name);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(path.toString());
        } catch (IOException e) {
            throw new FileSystemException(path.toString(), null, IoErrors.reason(e));
        }
    }

    /** @return whether a file of this size is streamed (its chunks stored on the pool) rather than read whole */
    boolean large(final long size) {
        return size > 2L * chunker.max();
    }

    /** The file's reads; anything but an interruption fails as {@link UnreadableFileException}. */
    private interface Reader {
        int read(ByteBuffer buf) throws IOException;
    }

    private void readWhole(final Reader ch, final long size, final List<CompletableFuture<BlobId>> out)
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
            if (zero.at(buf, pos, n)) {
                out.add(CompletableFuture.completedFuture(repo.saveBlob(BlobType.DATA, zero.id(), buf, pos,
                        zero.length()).id()));
                pos += zero.length();
                continue;
            }
            final int len = chunker.next(buf, pos, n, true);
            out.add(CompletableFuture.completedFuture(repo.saveBlob(BlobType.DATA, buf, pos, len).id()));
            pos += len;
        }
    }

    private void stream(final Reader ch, final Guide guide, final List<CompletableFuture<BlobId>> out)
            throws IOException {
        final byte[] buf = new byte[2 * chunker.max()];
        long bufOffset = 0;
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
            final int matched = guide == null ? 0 : guide.confirm(buf, start, end, bufOffset + start);
            if (matched > 0) {
                for (int i = guide.first; i < guide.first + matched; i++) {
                    final int len = guide.parent.length(i);
                    progress.bytesMatched.addAndGet(len);
                    out.add(CompletableFuture.completedFuture(
                            repo.saveBlob(BlobType.DATA, guide.parent.id(i), buf, start, len).id()));
                    start += len;
                }
            } else if (zero.at(buf, start, end)) {
                final long chunkEnd = bufOffset + start + zero.length();
                if (guide != null && guide.active() && !guide.realignAt(chunkEnd)) {
                    guide.realignAfter(chunkEnd, zero.id());
                }
                out.add(CompletableFuture.completedFuture(repo.saveBlob(BlobType.DATA, zero.id(), buf, start,
                        zero.length()).id()));
                start += zero.length();
            } else {
                final int len = chunker.next(buf, start, end, eof);
                if (len < 0) {
                    System.arraycopy(buf, start, buf, 0, end - start);
                    end -= start;
                    bufOffset += start;
                    start = 0;
                    continue;
                }
                final byte[] chunk = Arrays.copyOfRange(buf, start, start + len);
                final long chunkEnd = bufOffset + start + len;
                // Bytes the guide hashed already, as a parent chunk they turned out not to be, are not hashed again.
                BlobId known = guide == null ? null : guide.idOf(bufOffset + start, len);
                if (guide != null && guide.active() && !guide.realignAt(chunkEnd)) {
                    // The id is needed now: the chunk that follows an insertion or a deletion finds its parent by it.
                    if (known == null) {
                        known = BlobId.wrap(repo.hasher().id(chunk, 0, len));
                    }
                    guide.realignAfter(chunkEnd, known);
                }
                final BlobId id = known;
                out.add(CompletableFuture.supplyAsync(() -> (id == null ? repo.saveBlob(BlobType.DATA, chunk, 0,
                        chunk.length) : repo.saveBlob(BlobType.DATA, id, chunk, 0, chunk.length)).id(), pool));
                start += len;
            }
            // Move the rest to the front only when less than a largest chunk is left behind start.
            if (!eof && buf.length - start < chunker.max()) {
                System.arraycopy(buf, start, buf, 0, end - start);
                end -= start;
                bufOffset += start;
                start = 0;
            }
        }
    }

    /** Where a guided file stands against its parent version's chunks. */
    private final class Guide {
        private final ParentChunks parent;
        private final long size;
        /** The parent chunk expected to start at the next position, or -1. */
        private int expect = 0;
        /** This file's offset minus the parent version's offset, for the region being matched. */
        private long shift = 0;
        private int misses = 0;
        /** The first chunk of the run {@link #confirm} found last. */
        private int first;
        /** Parent chunks confirmed in a row. */
        private int streak = 0;
        /**
         * Ranges of this file hashed by {@link #confirm} that were not what the parent had there, by offset: the chunk
         * cut there is often the same range (an edit in place), and a run hashed ahead past an edit is met again once
         * the chunker is back in step; neither is hashed twice. Ranges behind the current position are dropped.
         */
        private final TreeMap<Long, Hashed> hashed = new TreeMap<>();

        private record Hashed(int length, BlobId id) {
        }

        /** @return the id of the bytes at this offset and length when {@link #confirm} hashed them, else null */
        BlobId idOf(final long offset, final int length) {
            final Hashed h = hashed.get(offset);
            return h != null && h.length() == length ? h.id() : null;
        }

        Guide(final ParentChunks parent, final long size) {
            this.parent = parent;
            this.size = size;
        }

        boolean active() {
            return misses < GIVE_UP_AFTER;
        }

        /**
         * Hashes the expected parent chunk and, after a run of matches, the ones after it that the buffer holds
         * (one more than the run so far: an edit wastes little), on this thread and any idle ones of the pool.
         *
         * @return how many of them, from {@link #first}, the bytes at {@code start} are ({@code expect} then
         *     moves past them); 0 when not even the expected one
         */
        int confirm(final byte[] buf, final int start, final int end, final long offset) {
            if (expect < 0) {
                return 0;
            }
            final int from = expect;
            expect = -1;
            int n = 0;
            int len = 0;
            for (int i = from; i < parent.count() && n <= streak; i++) {
                final int l = parent.length(i);
                // The parent's last chunk was cut by the end of that version: only an end here cuts it the same.
                final boolean fits = i < parent.count() - 1 ? end - start - len >= l
                        : offset + len + l == size && end - start - len == l;
                if (!fits) {
                    break;
                }
                len += l;
                n++;
            }
            if (n == 0) {
                streak = 0;
                return 0;
            }
            hashed.headMap(offset).clear();
            final BlobId[] ids = hash(buf, start, offset, from, n);
            int k = 0;
            while (k < n && parent.id(from + k).equals(ids[k])) {
                k++;
            }
            for (int j = k, at = len(from, k); j < n; at += parent.length(from + j), j++) {
                hashed.put(offset + at, new Hashed(parent.length(from + j), ids[j]));
            }
            streak = k == n ? streak + k : 0;
            if (k > 0) {
                misses = 0;
                first = from;
                expect = k == n && from + k < parent.count() ? from + k : -1;
            }
            return k;
        }

        /** @return the length of parent chunks {@code from .. from + n - 1} */
        private int len(final int from, final int n) {
            int sum = 0;
            for (int j = 0; j < n; j++) {
                sum += parent.length(from + j);
            }
            return sum;
        }

        /**
         * The ids of parent chunks {@code from .. from + n - 1} laid end to end from {@code start}, file offset
         * {@code offset}; ranges hashed before are taken from {@link #hashed}.
         */
        private BlobId[] hash(final byte[] buf, final int start, final long offset, final int from, final int n) {
            final BlobId[] ids = new BlobId[n];
            final int[] at = new int[n];
            for (int j = 0, p = start; j < n; p += parent.length(from + j), j++) {
                at[j] = p;
                ids[j] = idOf(offset + p - start, parent.length(from + j));
            }
            final AtomicInteger next = new AtomicInteger();
            final CountDownLatch done = new CountDownLatch(n);
            final AtomicReference<RuntimeException> failed = new AtomicReference<>();
            final Runnable work = () -> {
                for (int j = next.getAndIncrement(); j < n; j = next.getAndIncrement()) {
                    if (ids[j] != null) {
                        done.countDown();
                        continue;
                    }
                    try {
                        final int len = parent.length(from + j);
                        ids[j] = len == zero.length() && zero.at(buf, at[j], at[j] + len) ? zero.id()
                                : BlobId.wrap(repo.hasher().id(buf, at[j], len));
                    } catch (RuntimeException e) {
                        failed.compareAndSet(null, e);
                    } finally {
                        done.countDown();
                    }
                }
            };
            // Helpers take what this thread has not; it waits only for hashes already running, never for a task
            // still queued behind a busy pool, so this cannot deadlock when the pool's threads are all here. One
            // helper per other thread of the pool: more would only sit in its queue.
            for (int h = 1; h < Math.min(n, pool.getMaximumPoolSize()); h++) {
                pool.execute(work);
            }
            work.run();
            boolean interrupted = false;
            while (true) {
                try {
                    done.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (failed.get() != null) {
                throw failed.get();
            }
            return ids;
        }

        /**
         * After a chunk the parent did not have, ending at {@code end}: expects the parent chunk that
         * started there (at the current shift), as after an edit in place.
         *
         * @return whether one did
         */
        boolean realignAt(final long end) {
            expect = parent.startingAt(end - shift);
            if (expect >= 0) {
                misses = 0;
            }
            return expect >= 0;
        }

        /** When {@link #realignAt} found nothing: the parent chunk after the one with this id, at a new shift. */
        void realignAfter(final long end, final BlobId id) {
            final int same = parent.indexOf(id);
            if (same >= 0 && same + 1 < parent.count()) {
                expect = same + 1;
                shift = end - parent.end(same);
                misses = 0;
            } else {
                misses++;
            }
        }
    }
}
