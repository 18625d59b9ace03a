package dev.vigil.backup.repository;

import dev.vigil.backup.BackupException;
import dev.vigil.backup.RetriableBackupException;
import dev.vigil.backup.backend.Backend;
import dev.vigil.backup.backend.FileType;
import dev.vigil.backup.backend.Handle;
import dev.vigil.backup.crypto.Envelope;
import dev.vigil.backup.index.IndexFile;
import dev.vigil.backup.index.MasterIndex;
import dev.vigil.backup.pack.BlobId;
import dev.vigil.backup.pack.BlobType;
import dev.vigil.backup.pack.PackedBlob;
import dev.vigil.backup.pack.Packer;
import java.io.IOException;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Fills packs with sealed blobs and writes them in the background: one open packer per blob type,
 * a full one is finished and saved by a writer thread while the callers go on filling the next.
 * After every few packs (and on flush) it writes an index file naming them, so a killed run leaves
 * its finished packs indexed for the next; a run that fails otherwise indexes every pack it wrote whole
 * ({@link #indexWrittenPacks}). A failed write breaks the manager for good (restic's
 * Packer ErrBroken): every later call rethrows it.
 */
final class PackerManager {
    private static final int PACKS_PER_INDEX = 4;
    /** Pack buffers kept for reuse: as many as packs are filled (data, trees) and written at once. */
    private static final int SPARE_BUFFERS = 4;
    private final Backend backend;
    private final Envelope envelope;
    private final MasterIndex index;
    private final int packSize;
    private final Map<BlobType, Packer> open = new EnumMap<>(BlobType.class);
    private final Map<BlobType, Map<BlobId, Boolean>> pending = new EnumMap<>(BlobType.class);
    private final Map<String, List<PackedBlob>> unindexed = new LinkedHashMap<>();
    private final ExecutorService writer;
    private final AtomicReference<Throwable> broken = new AtomicReference<>();
    /** Set when a failed run indexes what it wrote ({@link #indexWrittenPacks}): no pack is written after that. */
    private volatile boolean abandoned;
    private final AtomicLong bytesWritten = new AtomicLong();
    /**
     * The packs written since {@link #recordWritten()}, with their blobs, for prune and repair, which index them
     * themselves. Not kept otherwise: a backup of many small files would hold an object per blob on top of the index.
     */
    private volatile Map<String, List<PackedBlob>> written;
    /**
     * Buffers of written packs, for the next packs: allocating 18 MiB per pack cost more than the data it held (new
     * memory to fault in, and a copy each time a young collection promoted a pack being filled).
     */
    private final java.util.concurrent.BlockingQueue<byte[]> spare = new ArrayBlockingQueue<>(SPARE_BUFFERS);

    /** Told the name of each index file written. */
    private final java.util.function.Consumer<String> indexWritten;

    /** Told before each index file is written; throws to refuse it (a lost lock). */
    private final java.util.function.Consumer<String> beforeIndex;

    PackerManager(final Backend backend, final Envelope envelope, final MasterIndex index, final int packSize,
                  final java.util.function.Consumer<String> indexWritten,
                  final java.util.function.Consumer<String> beforeIndex) {
        this.backend = backend;
        this.beforeIndex = beforeIndex;
        this.indexWritten = indexWritten;
        this.envelope = envelope;
        this.index = index;
        this.packSize = packSize;
        for (final BlobType t : BlobType.values()) {
            pending.put(t, new ConcurrentHashMap<>());
        }
        // One writer, two packs queued: memory stays bounded and callers wait when the disk is slower.
        this.writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(2), r -> {
            final Thread t = new Thread(r, "vigil-pack-writer");
            t.setDaemon(true);
            return t;
        }, (r, pool) -> {
            try {
                pool.getQueue().put(r);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BackupException("interrupted while waiting for the pack writer", e);
            }
        });
    }

    /**
     * Claims an id for storing: false when it is indexed or another thread stores it already.
     */
    boolean claim(final BlobType type, final BlobId id) {
        if (index.has(type, id)) {
            return false;
        }
        return pending.get(type).putIfAbsent(id, Boolean.TRUE) == null;
    }

    /** Releases a claim whose blob will not be stored after all. */
    void release(final BlobType type, final BlobId id) {
        pending.get(type).remove(id);
    }

    void add(final BlobType type, final BlobId id, final boolean compressed, final int rawLength,
             final byte[] sealed) {
        rethrowIfBroken();
        if (abandoned) {
            // the run failed or was stopped: the archiver's threads still reading files stop at their next blob
            // retriable: a stopped run (SIGTERM of the worker) may run again, and a failed one reports its own failure
            throw new RetriableBackupException("the backup failed or was stopped; no more blobs are stored", null);
        }
        Packer full = null;
        synchronized (open) {
            final Packer p = open.computeIfAbsent(type, t -> new Packer(buffer()));
            p.add(type, id, compressed, rawLength, sealed);
            // A pack of tiny blobs (files of a few bytes: 29 bytes stored each) held 200,000 and more in its 16 MiB,
            // and an index file names a pack whole: its file, read whole and decoded an object per blob, and its
            // header broke the bound of the index files, for which reading one holds a few MB
            if (p.size() >= packSize || p.count() >= IndexFile.MAX_BLOBS) {
                full = p;
                open.remove(type);
            }
        }
        if (full != null) {
            submit(full);
        }
    }

    /** @return a spare buffer, or a new one with room for a full pack's blobs and header */
    private byte[] buffer() {
        final byte[] b = spare.poll();
        return b != null ? b : new byte[packSize + (packSize >> 3)];
    }

    private void submit(final Packer packer) {
        writer.execute(() -> {
            if (broken.get() != null || abandoned) {
                return;
            }
            try {
                write(packer);
            } catch (Throwable t) {
                broken.compareAndSet(null, t);
            }
        });
    }

    private void write(final Packer packer) throws IOException {
        final Packer.Pack pack = packer.finish(envelope);
        backend.save(new Handle(FileType.PACK, pack.name()), pack.buffer(), pack.length());
        spare.offer(pack.buffer()); // written: free for the next pack (dropped when enough are kept)
        bytesWritten.addAndGet(pack.length());
        index.add(pack.name(), pack.blobs());
        final Map<String, List<PackedBlob>> record = written;
        if (record != null) {
            record.put(pack.name(), pack.blobs());
        }
        for (final PackedBlob b : pack.blobs()) {
            pending.get(b.type()).remove(b.id());
        }
        final Map<String, List<PackedBlob>> batch;
        synchronized (unindexed) {
            unindexed.put(pack.name(), pack.blobs());
            // packs of small files' blobs hold up to 50,000 each: the blobs bound an index file too
            if (unindexed.size() < PACKS_PER_INDEX
                    && unindexed.values().stream().mapToInt(List::size).sum() < IndexFile.MAX_BLOBS) {
                return;
            }
            batch = new LinkedHashMap<>(unindexed);
            unindexed.clear();
        }
        writeIndexOrKeep(batch);
    }

    /** @return the packs written whole that no index file names yet, no longer kept as such */
    private Map<String, List<PackedBlob>> drainUnindexed() {
        synchronized (unindexed) {
            final Map<String, List<PackedBlob>> batch = new LinkedHashMap<>(unindexed);
            unindexed.clear();
            return batch;
        }
    }

    /**
     * Writes the index of these packs; when that fails those no file names yet stay unindexed, for {@link
     * #indexWrittenPacks} to try.
     */
    private void writeIndexOrKeep(final Map<String, List<PackedBlob>> packs) throws IOException {
        final Map<String, List<PackedBlob>> left = new LinkedHashMap<>(packs);
        try {
            writeIndex(left);
        } catch (IOException | RuntimeException e) {
            synchronized (unindexed) {
                unindexed.putAll(left);
            }
            throw e;
        }
    }

    /**
     * Writes index files naming these packs, of at most {@link IndexFile#MAX_BLOBS} blobs each (reading a larger one
     * holds an object per blob of it at once), and takes the packs of each file written out of the map.
     */
    private void writeIndex(final Map<String, List<PackedBlob>> packs) throws IOException {
        for (final Map<String, List<PackedBlob>> part : IndexFile.parts(packs)) {
            writeIndexFile(part);
            packs.keySet().removeAll(part.keySet());
        }
    }

    private void writeIndexFile(final Map<String, List<PackedBlob>> packs) throws IOException {
        beforeIndex.accept("the index file of " + packs.size() + " packs");
        final byte[] sealed = envelope.seal(IndexFile.KIND, IndexFile.encode(packs), true);
        final Handle h = new Handle(FileType.INDEX, Repository.fileId(sealed));
        backend.save(h, sealed);
        indexWritten.accept(h.name());
        bytesWritten.addAndGet(sealed.length);
    }

    /**
     * Finishes the open packs, waits for every write, and indexes what is not indexed yet.
     */
    void flush() {
        final List<Packer> rest;
        synchronized (open) {
            rest = List.copyOf(open.values());
            open.clear();
        }
        for (final Packer p : rest) {
            if (p.count() > 0) {
                submit(p);
            }
        }
        // The writer runs tasks in order: once this no-op ran, every pack submitted before it is written.
        final Future<?> done = writer.submit(() -> { });
        try {
            done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackupException("interrupted while writing packs", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new BackupException("pack writer: " + e.getCause(), e.getCause());
        }
        rethrowIfBroken();
        synchronized (this) {
            final Map<String, List<PackedBlob>> batch = drainUnindexed();
            try {
                writeIndexOrKeep(batch);
                backend.sync();
            } catch (IOException e) {
                throw BackupException.ofWrite("index in " + backend.location(), e);
            }
        }
    }

    /**
     * After a failed run (a file that cannot be read, a full disk, a lost lock): writes no more packs, waits for the
     * one being written, and writes the index of every pack written whole that no index file names yet, so that the
     * next run re-uses their blobs instead of storing them again (else up to {@code PACKS_PER_INDEX - 1} packs stay in
     * the store unindexed until a prune removes them). Packs still being filled are dropped: nothing of them is stored.
     *
     * <p>Called by the failed run and by a stop (Ctrl-C) at once, which sets off that failure: one at a time, so that
     * neither returns while the other still writes the index, and a stop releases the lock only once it is written.
     *
     * @throws BackupException when that index file cannot be written either (the disk is full, the lock lost: the
     *     guard refuses it); its packs then stay unindexed, as after kill -9
     */
    void indexWrittenPacks() {
        abandoned = true; // at once: the archiver's threads stop, also while the other caller writes the index
        synchronized (this) {
            try {
                if (writer.isShutdown()) {
                    return; // closed: its writes were stopped midway, none is known to be whole
                }
                // the writer runs tasks in order and skips packs from now on: once this no-op ran, none is written
                writer.submit(() -> { }).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BackupException("interrupted while waiting for the pack writer", e);
            } catch (java.util.concurrent.ExecutionException e) {
                // a no-op does not fail
            }
            final Map<String, List<PackedBlob>> batch = drainUnindexed();
            try {
                writeIndex(batch);
                backend.sync();
            } catch (IOException e) {
                throw BackupException.ofWrite("index in " + backend.location(), e);
            }
        }
    }

    private void rethrowIfBroken() {
        final Throwable t = broken.get();
        if (t != null) {
            if (t instanceof BackupException be) {
                throw be;
            }
            if (t instanceof IOException io) {
                throw BackupException.ofWrite("pack in " + backend.location(), io);
            }
            throw new RetriableBackupException("writing a pack to " + backend.location() + " failed: " + t, t);
        }
    }

    /** From now on, {@link #written()} lists the packs written (once called, later calls change nothing). */
    synchronized void recordWritten() {
        if (written == null) {
            written = new ConcurrentHashMap<>();
        }
    }

    /** @return every pack written since {@link #recordWritten()}, with its blobs; none before it was called */
    Map<String, List<PackedBlob>> written() {
        final Map<String, List<PackedBlob>> record = written;
        return record == null ? Map.of() : Map.copyOf(record);
    }

    /** @return bytes of packs and index files written so far */
    long bytesWritten() {
        return bytesWritten.get();
    }

    void close() {
        writer.shutdownNow();
    }
}
