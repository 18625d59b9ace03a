package dev.vigil.analyzer.clean;

import dev.vigil.analyzer.store.BinaryReader;
import dev.vigil.analyzer.store.BinaryWriter;
import java.util.Arrays;

/**
 * The record ids one series (or one host's log records) saw within the dedup window, to drop
 * retried duplicates. A duplicate metric point carries its original's event time, so only a point
 * that is not newer than the series' latest needs a lookup; ids are kept while their event time is
 * within the window of the latest, at most {@link #MAX_IDS} per series by default, or the bound
 * given (a faster source has a shorter effective window: the oldest ids go first).
 */
public final class RecentIds {
    /** Most ids remembered per series: 16 bytes each in memory, about 10 encoded. */
    public static final int MAX_IDS = 512;
    private final int maxIds;
    private long[] times = new long[8];
    private long[] hashes = new long[8];
    private int head;
    private int size;

    /** Remembers at most {@link #MAX_IDS} ids. */
    public RecentIds() {
        this(MAX_IDS);
    }

    /** @param maxIds most ids remembered, at least 8: 16 bytes each in memory, about 10 encoded */
    public RecentIds(final int maxIds) {
        if (maxIds < 8) {
            throw new IllegalArgumentException("recent ids: bound " + maxIds + " below 8");
        }
        this.maxIds = maxIds;
    }

    /**
     * @param hash an id hash, not 0
     * @return whether it was seen within the window
     */
    public boolean contains(final long hash) {
        // The ring as its two runs, without a division per id: a log host's ring holds thousands.
        final int first = Math.min(size, hashes.length - head);
        for (int i = head; i < head + first; i++) {
            if (hashes[i] == hash) {
                return true;
            }
        }
        for (int i = 0; i < size - first; i++) {
            if (hashes[i] == hash) {
                return true;
            }
        }
        return false;
    }

    /**
     * Remembers an id and forgets those older than the window.
     *
     * @param time the point's event time
     * @param hash its id hash; 0 is ignored
     * @param latest the series' latest event time, this point included
     * @param windowMillis the dedup window
     */
    public void add(final long time, final long hash, final long latest, final long windowMillis) {
        while (size > 0 && times[head] < latest - windowMillis) {
            head = (head + 1) % times.length;
            size--;
        }
        if (hash == 0) {
            return;
        }
        if (size == maxIds) {
            head = (head + 1) % times.length;
            size--;
        }
        if (size == times.length) {
            grow();
        }
        final int tail = (head + size) % times.length;
        times[tail] = time;
        hashes[tail] = hash;
        size++;
    }

    private void grow() {
        final int n = Math.min(maxIds, times.length * 2);
        final long[] t = new long[n];
        final long[] h = new long[n];
        for (int i = 0; i < size; i++) {
            t[i] = times[(head + i) % times.length];
            h[i] = hashes[(head + i) % hashes.length];
        }
        times = t;
        hashes = h;
        head = 0;
    }

    /** What {@link #forEach} gives each id to. */
    @FunctionalInterface
    public interface IdVisitor {
        /**
         * @param time the id's event time
         * @param hash its hash
         */
        void accept(long time, long hash);
    }

    /** @param visitor given every id remembered, the oldest first */
    public void forEach(final IdVisitor visitor) {
        for (int i = 0; i < size; i++) {
            final int at = (head + i) % times.length;
            visitor.accept(times[at], hashes[at]);
        }
    }

    /** @return ids remembered now */
    public int size() {
        return size;
    }

    /** @param out where to write: count, then per id the time delta and the hash */
    public void write(final BinaryWriter out) {
        out.writeLong(size);
        long previous = 0;
        for (int i = 0; i < size; i++) {
            final int at = (head + i) % times.length;
            out.writeLong(times[at] - previous).writeFixed64(hashes[at]);
            previous = times[at];
        }
    }

    /**
     * @param in where to read
     * @return the ids written, at most {@link #MAX_IDS}
     */
    public static RecentIds read(final BinaryReader in) {
        return read(in, MAX_IDS);
    }

    /**
     * @param in where to read
     * @param maxIds the bound they were written under
     * @return the ids written
     */
    public static RecentIds read(final BinaryReader in, final int maxIds) {
        final RecentIds ids = new RecentIds(maxIds);
        final int n = in.readInt();
        if (n < 0 || n > maxIds) {
            throw new IllegalArgumentException("recent ids: bad count " + n);
        }
        final int capacity = Math.max(8, Integer.highestOneBit(Math.max(1, n - 1)) << 1);
        ids.times = new long[Math.min(maxIds, capacity)];
        ids.hashes = new long[ids.times.length];
        long time = 0;
        for (int i = 0; i < n; i++) {
            time += in.readLong();
            ids.times[i] = time;
            ids.hashes[i] = in.readFixed64();
        }
        ids.size = n;
        return ids;
    }

    @Override
    public String toString() {
        return "RecentIds" + Arrays.toString(Arrays.copyOf(hashes, size));
    }
}
