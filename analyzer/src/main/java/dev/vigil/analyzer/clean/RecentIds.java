package dev.vigil.analyzer.clean;

import dev.vigil.analyzer.store.BinaryReader;
import dev.vigil.analyzer.store.BinaryWriter;
import java.util.Arrays;

/**
 * The record ids one series saw within the dedup window, to drop retried duplicates. A duplicate
 * carries its original's event time, so only a point that is not newer than the series' latest
 * needs a lookup; ids are kept while their event time is within the window of the latest, at
 * most {@link #MAX_IDS} per series (a faster series has a shorter effective window).
 */
public final class RecentIds {
    /** Most ids remembered per series: 16 bytes each in memory, about 10 encoded. */
    public static final int MAX_IDS = 512;
    private long[] times = new long[8];
    private long[] hashes = new long[8];
    private int head;
    private int size;

    /**
     * @param hash an id hash, not 0
     * @return whether it was seen within the window
     */
    public boolean contains(final long hash) {
        for (int i = 0; i < size; i++) {
            if (hashes[(head + i) % hashes.length] == hash) {
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
        if (size == MAX_IDS) {
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
        final int n = Math.min(MAX_IDS, times.length * 2);
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
     * @return the ids written
     */
    public static RecentIds read(final BinaryReader in) {
        final RecentIds ids = new RecentIds();
        final int n = in.readInt();
        if (n < 0 || n > MAX_IDS) {
            throw new IllegalArgumentException("recent ids: bad count " + n);
        }
        final int capacity = Math.max(8, Integer.highestOneBit(Math.max(1, n - 1)) << 1);
        ids.times = new long[Math.min(MAX_IDS, capacity)];
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
