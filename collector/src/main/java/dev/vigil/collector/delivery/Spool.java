package dev.vigil.collector.delivery;

import dev.vigil.collector.CollectorException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded on-disk queue of serialized records, one ordered queue per {@link RecordKind}.
 *
 * <p>Layout: {@code <kind>-<seq>.seg} segment files of frames {@code [int length][int crc32c]
 * [int keyLength][key][value]} and a {@code <kind>.cursor} file with the position of the first
 * record not yet acknowledged by Kafka. A record appended here survives a crash of the agent
 * (kill -9: it is in the page cache) and, after {@link #sync()}, a crash of the host. Torn frames
 * at the end of the last segment are cut off when the spool is opened.
 *
 * <p>Bound: when an append would exceed {@code maxBytes}, whole segments are dropped, the oldest
 * metric segment first, then the oldest log segment, events last; the segment being sent is never
 * dropped. Dropped records are counted per kind ({@link #takeDropped()}). A full disk (ENOSPC) is the same bound:
 * segments are dropped in that order until the write fits, and when nothing more can be dropped the new records
 * are (counted too); {@link DiskFull} says it once, not once per refused write.
 *
 * <p>Thread-safe: appenders and the single sender share one lock; sending happens outside it.
 */
public final class Spool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Spool.class);

    private final Path dir;
    private final long maxBytes;
    private final int segmentBytes;
    private final int recentBytes;
    private final Map<RecordKind, Queue> queues = new EnumMap<>(RecordKind.class);
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition appended = lock.newCondition();
    private final Writes writes;
    private final DiskFull diskFull;
    private long totalBytes;

    /** How frames reach a segment file: the file channel, or in tests a disk that fills up. */
    interface Writes {
        /** Writes some of {@code data} at {@code position}. @return bytes written @throws IOException as the channel */
        int write(FileChannel channel, ByteBuffer data, long position) throws IOException;
    }

    private Spool(final Path dir, final long maxBytes, final int segmentBytes, final int recentBytes,
                  final Writes writes) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.segmentBytes = segmentBytes;
        this.recentBytes = recentBytes;
        this.writes = writes;
        this.diskFull = new DiskFull(dir, System::nanoTime);
    }

    /**
     * Opens (creating if needed) the spool in a directory and recovers its state.
     *
     * @param dir the directory, owned by this spool
     * @param maxBytes bound of all segments together, in bytes
     * @param segmentBytes size of one segment, in bytes; at most a quarter of maxBytes
     * @return the spool
     */
    public static Spool open(final Path dir, final long maxBytes, final int segmentBytes) {
        return open(dir, maxBytes, segmentBytes, Math.min(segmentBytes, 1 << 20));
    }

    /**
     * As {@link #open(Path, long, int)}, with the bound of the frames kept in memory per kind for
     * {@link #take} (0: every take reads the segment file).
     */
    static Spool open(final Path dir, final long maxBytes, final int segmentBytes, final int recentBytes) {
        return open(dir, maxBytes, segmentBytes, recentBytes, FileChannel::write);
    }

    /** As {@link #open(Path, long, int, int)}, writing segments through {@code writes}. */
    static Spool open(final Path dir, final long maxBytes, final int segmentBytes, final int recentBytes,
                      final Writes writes) {
        if (segmentBytes * 4L > maxBytes) {
            throw new IllegalArgumentException("segmentBytes * 4 must be <= maxBytes, was " + segmentBytes + " and "
                    + maxBytes);
        }
        final Spool spool = new Spool(dir, maxBytes, segmentBytes, recentBytes, writes);
        try {
            Files.createDirectories(dir);
            for (final RecordKind kind : RecordKind.values()) {
                final Queue q = spool.recover(kind);
                spool.queues.put(kind, q);
                spool.totalBytes += q.bytes();
            }
        } catch (IOException e) {
            throw new CollectorException("spool " + dir + ": cannot open: " + e.getMessage(), e);
        }
        return spool;
    }

    /**
     * Appends one record, dropping older records if the spool is full.
     *
     * @param kind which queue
     * @param key the Kafka key
     * @param value the serialized value
     * @return false when the record could not be stored (it is counted as dropped)
     */
    public boolean append(final RecordKind kind, final String key, final byte[] value) {
        return appendAll(kind, List.of(new Entry(key, value))) == 1;
    }

    /**
     * Appends records in order, with one write per segment they land in, dropping older records
     * if the spool is full.
     *
     * @param kind which queue
     * @param entries the records
     * @return how many were stored; the others were counted as dropped
     */
    public int appendAll(final RecordKind kind, final List<Entry> entries) {
        lock.lock();
        try {
            final Queue q = queues.get(kind);
            // Frames for `target`, not yet written; one buffer for the whole call.
            ByteBuffer out = null;
            Segment target = null;
            int stored = 0;
            int buffered = 0;
            final List<Recent> recent = new ArrayList<>(entries.size());
            for (final Entry e : entries) {
                final byte[] key = e.key().getBytes(StandardCharsets.UTF_8);
                final int frameBytes = Frames.HEADER + key.length + e.value().length;
                while (totalBytes + (out == null ? 0 : out.position()) + frameBytes > maxBytes) {
                    if (out != null && out.position() > 0) {
                        stored -= flush(q, target, out, buffered, recent);
                        buffered = 0;
                    }
                    if (!evictOne(null)) {
                        break;
                    }
                }
                if (totalBytes + frameBytes > maxBytes) {
                    q.dropped++;
                    continue;
                }
                if (out != null && out.position() > 0 && target.size + out.position() + frameBytes > segmentBytes) {
                    stored -= flush(q, target, out, buffered, recent); // the segment is full: flush before it rolls
                    buffered = 0;
                }
                final Segment active = activeWithRoom(q, frameBytes);
                if (active == null) {
                    q.dropped++;
                    diskFull.recordsDropped(1);
                    continue;
                }
                if (out == null) {
                    out = ByteBuffer.allocate(Math.max(frameBytes, (int) Math.min(segmentBytes, bytesOf(entries))));
                } else if (out.remaining() < frameBytes) {
                    out = ByteBuffer.allocate(Math.max(out.capacity() * 2, out.position() + frameBytes))
                            .put(out.flip());
                }
                if (out.position() == 0) {
                    target = active;
                }
                final long start = target.size + out.position();
                recent.add(new Recent(target.seq, start, start + frameBytes, e));
                Frames.put(out, key, e.value());
                stored++;
                buffered++;
            }
            if (out != null && out.position() > 0) {
                stored -= flush(q, target, out, buffered, recent);
            }
            for (final Recent r : recent) {
                if (q.segments.containsKey(r.seq)) { // not evicted by a later record of this call
                    q.remember(r);
                }
            }
            q.pending += stored;
            if (stored > 0) {
                appended.signalAll();
            }
            return stored;
        } catch (IOException e) {
            throw new CollectorException("spool " + dir + ": cannot append " + kind.label() + " records: "
                    + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes the buffered frames, dropping other segments (metrics first) while the disk is full.
     *
     * @param frames how many frames the buffer holds: the last ones of {@code recent}
     * @return how many of them were dropped, because the disk stayed full with nothing left to drop (0 or frames)
     */
    private int flush(final Queue q, final Segment target, final ByteBuffer out, final int frames,
                      final List<Recent> recent) throws IOException {
        while (true) {
            try {
                write(target, out);
                diskFull.wrote();
                return 0;
            } catch (IOException e) {
                if (!DiskFull.is(e)) {
                    throw e;
                }
                diskFull.refused(e);
                target.channel.truncate(target.size); // a partial write takes room and would read as a torn frame
                if (!evictOne(target)) {
                    out.clear();
                    recent.subList(recent.size() - frames, recent.size()).clear();
                    q.dropped += frames;
                    diskFull.recordsDropped(frames);
                    return frames;
                }
            }
        }
    }

    /** @return the segment to append to, dropping other segments while the disk has no room to open one; or null */
    private Segment activeWithRoom(final Queue q, final int frameBytes) throws IOException {
        while (true) {
            try {
                return q.activeFor(frameBytes);
            } catch (IOException e) {
                if (!DiskFull.is(e)) {
                    throw e;
                }
                diskFull.refused(e);
                if (!evictOne(null)) {
                    return null;
                }
            }
        }
    }

    /** @return about the bytes the frames of these records take (exact for ASCII keys) */
    private static long bytesOf(final List<Entry> entries) {
        long n = 0;
        for (final Entry e : entries) {
            n += Frames.HEADER + e.key().length() + e.value().length;
        }
        return n;
    }

    /** Writes the buffered frames at the end of a segment and empties the buffer; on failure it still holds them. */
    private void write(final Segment segment, final ByteBuffer out) throws IOException {
        final ByteBuffer data = out.duplicate().flip();
        final int n = data.remaining();
        while (data.hasRemaining()) {
            writes.write(segment.channel, data, segment.size + data.position());
        }
        segment.size += n;
        totalBytes += n;
        out.clear();
    }

    /** Forces every appended record to the disk, so it survives a crash of the host. */
    public void sync() {
        lock.lock();
        try {
            for (final Queue q : queues.values()) {
                final Segment active = q.segments.isEmpty() ? null : q.segments.lastEntry().getValue();
                if (active != null && active.channel != null && active.channel.isOpen()) {
                    active.channel.force(false);
                }
            }
        } catch (IOException e) {
            throw new CollectorException("spool " + dir + ": cannot sync: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes the next records of one queue for sending; they stay in the spool until {@link
     * #commit(Batch)}. At most one batch per kind is out at a time.
     *
     * @param kind which queue
     * @param maxRecords most records
     * @return the batch, empty when nothing waits
     */
    public Batch take(final RecordKind kind, final int maxRecords) {
        lock.lock();
        try {
            final Queue q = queues.get(kind);
            if (q.inFlight >= 0) {
                throw new IllegalStateException("a " + kind.label() + " batch is already out");
            }
            final Segment seg = q.head();
            if (seg == null || q.cursorOffset >= seg.size) {
                return Batch.empty(kind);
            }
            final List<Entry> entries = new ArrayList<>();
            final long end = q.takeRecent(seg.seq, maxRecords, entries);
            final long batchEnd = end >= 0 ? end
                    : Frames.read(seg.path, seg.size, q.cursorOffset, maxRecords, entries);
            q.inFlight = seg.seq;
            return new Batch(kind, seg.seq, batchEnd, entries);
        } catch (IOException e) {
            throw new CollectorException("spool " + dir + ": cannot read " + kind.label() + " segment: "
                    + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /** Marks a batch as delivered: its records leave the spool. @param batch a batch from take */
    public void commit(final Batch batch) {
        lock.lock();
        try {
            final Queue q = queues.get(batch.kind());
            q.inFlight = -1;
            if (batch.isEmpty() || q.cursorSeq != batch.segment()) {
                return;
            }
            q.cursorOffset = batch.end();
            q.pending -= batch.entries().size();
            q.head();
            writeCursor(batch.kind(), q);
        } finally {
            lock.unlock();
        }
    }

    /** Gives a batch back unsent; it is taken again next time. @param batch a batch from take */
    public void release(final Batch batch) {
        lock.lock();
        try {
            queues.get(batch.kind()).inFlight = -1;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until a record is appended or the time passes.
     *
     * @param millis longest wait
     * @throws InterruptedException when interrupted
     */
    public void awaitAppend(final long millis) throws InterruptedException {
        lock.lock();
        try {
            if (queues.values().stream().allMatch(q -> q.pending == 0)) {
                appended.await(millis, TimeUnit.MILLISECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * @return bytes of records not yet delivered: from each kind's cursor to its end (the segment files also hold
     *     delivered records until the segment is done, so {@link #bytes()} overstates the backlog)
     */
    public long waitingBytes() {
        lock.lock();
        try {
            long n = 0;
            for (final Queue q : queues.values()) {
                for (final Segment seg : q.segments.tailMap(q.cursorSeq, true).values()) {
                    n += seg.seq == q.cursorSeq ? Math.max(0, seg.size - q.cursorOffset) : seg.size;
                }
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** @return bytes of all segment files */
    public long bytes() {
        lock.lock();
        try {
            return totalBytes;
        } finally {
            lock.unlock();
        }
    }

    /** @param kind which queue @return records waiting to be delivered (exact after a clean start) */
    public long pending(final RecordKind kind) {
        lock.lock();
        try {
            return queues.get(kind).pending;
        } finally {
            lock.unlock();
        }
    }

    /** @return whether the disk under the spool was full within the last minute (drops are its doing then) */
    public boolean diskFull() {
        lock.lock();
        try {
            return diskFull.active();
        } finally {
            lock.unlock();
        }
    }

    /** @return records dropped per kind since the last call, and resets the counts */
    public Map<RecordKind, Long> takeDropped() {
        lock.lock();
        try {
            final Map<RecordKind, Long> out = new EnumMap<>(RecordKind.class);
            for (final Map.Entry<RecordKind, Queue> e : queues.entrySet()) {
                if (e.getValue().dropped > 0) {
                    out.put(e.getKey(), e.getValue().dropped);
                    e.getValue().dropped = 0;
                }
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            for (final Queue q : queues.values()) {
                for (final Segment s : q.segments.values()) {
                    s.close();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Drops the oldest droppable segment, metrics first.
     *
     * @param keep a segment being written to, never dropped (null: any); given when the disk is full
     * @return false when nothing could be dropped
     */
    private boolean evictOne(final Segment keep) throws IOException {
        for (final RecordKind kind : RecordKind.values()) {
            final Queue q = queues.get(kind);
            for (final Segment seg : List.copyOf(q.segments.values())) {
                if (seg.seq == q.inFlight || seg.size == 0 || seg == keep) {
                    continue;
                }
                final long from = seg.seq == q.cursorSeq ? q.cursorOffset : 0;
                final List<Entry> lost = new ArrayList<>();
                Frames.read(seg.path, seg.size, from, Integer.MAX_VALUE, lost);
                q.dropped += lost.size();
                q.pending -= lost.size();
                if (seg == q.segments.lastEntry().getValue()) {
                    q.nextSeq = seg.seq + 1;
                }
                q.delete(seg);
                if (keep != null || diskFull.active()) {
                    diskFull.segmentDropped(); // in the summary: a full disk drops a segment every few seconds
                } else {
                    LOG.warn("spool {} full ({} of {} bytes): dropped {} {} records of segment {}", dir, totalBytes,
                            maxBytes, lost.size(), kind.label(), seg.path.getFileName());
                }
                return true;
            }
        }
        return false;
    }

    private Queue recover(final RecordKind kind) throws IOException {
        final Queue q = new Queue(kind);
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(p -> p.getFileName().toString().matches(kind.label() + "-\\d{20}\\.seg")).forEach(p -> {
                final String name = p.getFileName().toString();
                final long seq = Long.parseLong(name.substring(kind.label().length() + 1, name.length() - 4));
                q.segments.put(seq, new Segment(seq, p));
            });
        }
        final Path cursor = dir.resolve(kind.label() + ".cursor");
        if (Files.exists(cursor)) {
            final String[] parts = Files.readString(cursor).strip().split(" ");
            q.cursorSeq = Long.parseLong(parts[0]);
            q.cursorOffset = Long.parseLong(parts[1]);
        }
        for (final Segment seg : q.segments.values()) {
            seg.size = Files.size(seg.path);
        }
        if (!q.segments.isEmpty()) {
            final Segment last = q.segments.lastEntry().getValue();
            final long valid = Frames.validEnd(last.path, last.size);
            if (valid < last.size) {
                LOG.warn("spool {}: cut a torn record at the end of {} ({} -> {} bytes)", dir,
                        last.path.getFileName(), last.size, valid);
                try (var ch = java.nio.channels.FileChannel.open(last.path, StandardOpenOption.WRITE)) {
                    ch.truncate(valid);
                }
                last.size = valid;
            }
            q.nextSeq = last.seq + 1;
        }
        // Numbers are never reused: when every segment of the kind is gone (the full spool dropped its last one), a new
        // one numbered from 1 again would lie before the cursor, and be skipped by the sender, or read from the old
        // segment's offset.
        q.nextSeq = Math.max(q.nextSeq, q.cursorSeq + 1);
        q.head();
        for (final Segment seg : q.segments.values()) {
            final List<Entry> waiting = new ArrayList<>();
            Frames.read(seg.path, seg.size, seg.seq == q.cursorSeq ? q.cursorOffset : 0, Integer.MAX_VALUE, waiting);
            q.pending += waiting.size();
        }
        return q;
    }

    private void writeCursor(final RecordKind kind, final Queue q) {
        final Path cursor = dir.resolve(kind.label() + ".cursor");
        final Path tmp = dir.resolve(kind.label() + ".cursor.tmp");
        try {
            Files.writeString(tmp, q.cursorSeq + " " + q.cursorOffset + "\n");
            Files.move(tmp, cursor, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // The records are delivered; a stale cursor only repeats them (same ids) after a restart.
            if (DiskFull.is(e)) {
                diskFull.refused(e);
            } else {
                LOG.warn("spool {}: cannot write {}: {}", dir, cursor, e.getMessage());
            }
        }
    }

    /** One record as stored: Kafka key and serialized value. @param key key @param value value bytes */
    public record Entry(String key, byte[] value) {
    }

    /**
     * Records taken for sending, all from one segment.
     *
     * @param kind queue
     * @param segment segment number
     * @param end position after the last record
     * @param entries the records, in order
     */
    public record Batch(RecordKind kind, long segment, long end, List<Entry> entries) {
        static Batch empty(final RecordKind kind) {
            return new Batch(kind, -1, 0, List.of());
        }

        /** @return whether nothing was taken */
        public boolean isEmpty() {
            return entries.isEmpty();
        }
    }

    /** A frame appended at {@code [start, end)} of segment {@code seq}, kept in memory until sent. */
    private record Recent(long seq, long start, long end, Entry entry) {
    }

    /** The segments and cursor of one kind. */
    private final class Queue {
        final RecordKind kind;
        final TreeMap<Long, Segment> segments = new TreeMap<>();
        long nextSeq = 1;
        long cursorSeq;
        long cursorOffset;
        long inFlight = -1;
        long pending;
        long dropped;
        /**
         * The last frames appended, not yet sent, so that the sender need not read back what was just
         * written: a suffix of the queue (of each segment's frames too), at most {@code recentBytes}.
         */
        final ArrayDeque<Recent> recent = new ArrayDeque<>();
        long recentSize;

        Queue(final RecordKind kind) {
            this.kind = kind;
        }

        void remember(final Recent r) {
            if (recentBytes == 0) {
                return;
            }
            recent.addLast(r);
            recentSize += r.end - r.start;
            while (recentSize > recentBytes) {
                forgetFirst();
            }
        }

        private void forgetFirst() {
            final Recent r = recent.removeFirst();
            recentSize -= r.end - r.start;
        }

        /**
         * Takes the frames from the cursor on out of memory, when they are all there.
         *
         * @param seq the segment the cursor is in
         * @return the position after the last frame taken, or -1 when the frames must be read from the file
         */
        long takeRecent(final long seq, final int maxRecords, final List<Entry> out) {
            while (!recent.isEmpty() && (recent.peekFirst().seq < cursorSeq
                    || recent.peekFirst().seq == cursorSeq && recent.peekFirst().start < cursorOffset)) {
                forgetFirst(); // sent
            }
            final Recent first = recent.peekFirst();
            if (first == null || first.seq != seq || first.start != cursorOffset) {
                return -1;
            }
            long end = -1;
            for (final Recent r : recent) {
                if (r.seq != seq || out.size() >= maxRecords) {
                    break;
                }
                out.add(r.entry);
                end = r.end;
            }
            return end;
        }

        long bytes() {
            return segments.values().stream().mapToLong(s -> s.size).sum();
        }

        /**
         * Moves the cursor past consumed and missing segments, deleting consumed closed ones.
         *
         * @return the segment the cursor is in, or null when the queue is empty
         */
        Segment head() {
            while (true) {
                final Map.Entry<Long, Segment> e = segments.ceilingEntry(cursorSeq);
                if (e == null) {
                    return null;
                }
                if (e.getKey() != cursorSeq) {
                    cursorSeq = e.getKey();
                    cursorOffset = 0;
                }
                final Segment seg = e.getValue();
                final boolean closed = seg != segments.lastEntry().getValue() || seg.size >= segmentBytes;
                if (cursorOffset < seg.size || !closed || seg.seq == inFlight) {
                    return seg;
                }
                try {
                    delete(seg);
                } catch (IOException ex) {
                    throw new CollectorException("spool " + dir + ": cannot delete " + seg.path, ex);
                }
            }
        }

        /** @return the segment to append a frame of this size to, rolling to a new one when full */
        Segment activeFor(final int frameBytes) throws IOException {
            Segment active = segments.isEmpty() ? null : segments.lastEntry().getValue();
            if (active != null && active.size > 0 && active.size + frameBytes > segmentBytes) {
                if (active.channel != null && active.channel.isOpen()) {
                    active.channel.force(false);
                }
                active.close();
                if (active.seq == cursorSeq && cursorOffset >= active.size && active.seq != inFlight) {
                    delete(active);
                }
                active = null;
            }
            if (active == null) {
                final long seq = Math.max(nextSeq, segments.isEmpty() ? 1 : segments.lastKey() + 1);
                nextSeq = seq + 1;
                active = new Segment(seq, dir.resolve(String.format("%s-%020d.seg", kind.label(), seq)));
                segments.put(seq, active);
            }
            if (active.channel == null || !active.channel.isOpen()) {
                active.channel = java.nio.channels.FileChannel.open(active.path, StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE);
            }
            return active;
        }

        void delete(final Segment seg) throws IOException {
            if (recent.removeIf(r -> r.seq == seg.seq)) {
                recentSize = recent.stream().mapToLong(r -> r.end - r.start).sum();
            }
            seg.close();
            Files.deleteIfExists(seg.path);
            segments.remove(seg.seq);
            totalBytes -= seg.size;
        }
    }
}
