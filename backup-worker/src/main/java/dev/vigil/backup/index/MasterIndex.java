package dev.vigil.backup.index;

import dev.vigil.backup.pack.BlobId;
import dev.vigil.backup.pack.BlobType;
import dev.vigil.backup.pack.PackedBlob;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;

/**
 * Every indexed blob of a repository in memory: an open-addressing table over primitive arrays
 * (49 bytes per slot, 82 to 163 bytes per blob between doublings, no object per blob), so a repository of
 * millions of chunks fits in a modest heap. Keyed by (type, id). Thread-safe: many readers, one
 * writer at a time.
 */
public final class MasterIndex {
    private static final int TYPE_MASK = 1;
    private static final int COMPRESSED = 2;
    private static final int USED = 4;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final List<String> packNames = new ArrayList<>();
    private final Map<String, Integer> packNumbers = new HashMap<>();
    private long[] w0;
    private long[] w1;
    private long[] w2;
    private long[] w3;
    private int[] pack;
    private int[] offset;
    private int[] stored;
    private int[] raw;
    private byte[] meta;
    private int count;

    /** An empty index. */
    public MasterIndex() {
        allocate(1024);
    }

    /** Forgets every entry, to load the index files again. */
    public void clear() {
        lock.writeLock().lock();
        try {
            packNames.clear();
            packNumbers.clear();
            allocate(1024);
            count = 0;
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void allocate(final int capacity) {
        w0 = new long[capacity];
        w1 = new long[capacity];
        w2 = new long[capacity];
        w3 = new long[capacity];
        pack = new int[capacity];
        offset = new int[capacity];
        stored = new int[capacity];
        raw = new int[capacity];
        meta = new byte[capacity];
    }

    /**
     * A blob's location.
     *
     * @param pack the pack file's name
     * @param blob where it is in the pack
     */
    public record Location(String pack, PackedBlob blob) {
    }

    /**
     * Adds a pack's blobs; blobs already indexed elsewhere keep their first location.
     *
     * @param packName the pack
     * @param blobs its blobs
     */
    public void add(final String packName, final List<PackedBlob> blobs) {
        lock.writeLock().lock();
        try {
            final int p = packNumbers.computeIfAbsent(packName, n -> {
                packNames.add(n);
                return packNames.size() - 1;
            });
            for (final PackedBlob b : blobs) {
                insert(b, p);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void insert(final PackedBlob b, final int p) {
        final long a = b.id().word(0);
        final long bb = b.id().word(1);
        final long c = b.id().word(2);
        final long d = b.id().word(3);
        final int t = b.type().ordinal();
        if (find(b.type(), b.id()) >= 0) {
            return;
        }
        if ((count + 1) * 10 > w0.length * 6) {
            // only for a new entry: a blob indexed again (prune's repacking) leaves every slot where it was
            rehash(w0.length * 2);
        }
        final int mask = w0.length - 1;
        int i = slot(a, t) & mask;
        while ((meta[i] & USED) != 0) {
            i = (i + 1) & mask;
        }
        w0[i] = a;
        w1[i] = bb;
        w2[i] = c;
        w3[i] = d;
        pack[i] = p;
        offset[i] = b.offset();
        stored[i] = b.storedLength();
        raw[i] = b.rawLength();
        meta[i] = (byte) (USED | t | (b.compressed() ? COMPRESSED : 0));
        count++;
    }

    private static int slot(final long w, final int type) {
        final long h = (w ^ (w >>> 29)) * 0x9E3779B97F4A7C15L + type;
        return (int) (h ^ (h >>> 32));
    }

    /**
     * Makes room for this many blobs in all, so that adding them moves no entry: loading the index files into a table
     * sized for all of them at once, rather than doubling it as it fills, never holds the old and the new table
     * together (half again the final table, at the moment it matters most).
     *
     * @param blobs how many blobs the index will hold, at least; an estimate above the final count wastes slots
     */
    public void reserve(final int blobs) {
        lock.writeLock().lock();
        try {
            int capacity = w0.length;
            while ((long) blobs * 10 > (long) capacity * 6) {
                capacity *= 2;
            }
            if (capacity > w0.length) {
                rehash(capacity);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void rehash(final int capacity) {
        final long[] o0 = w0;
        final long[] o1 = w1;
        final long[] o2 = w2;
        final long[] o3 = w3;
        final int[] op = pack;
        final int[] oo = offset;
        final int[] os = stored;
        final int[] or = raw;
        final byte[] om = meta;
        allocate(capacity);
        count = 0;
        final int mask = w0.length - 1;
        for (int j = 0; j < o0.length; j++) {
            if ((om[j] & USED) == 0) {
                continue;
            }
            int i = slot(o0[j], om[j] & TYPE_MASK) & mask;
            while ((meta[i] & USED) != 0) {
                i = (i + 1) & mask;
            }
            w0[i] = o0[j];
            w1[i] = o1[j];
            w2[i] = o2[j];
            w3[i] = o3[j];
            pack[i] = op[j];
            offset[i] = oo[j];
            stored[i] = os[j];
            raw[i] = or[j];
            meta[i] = om[j];
            count++;
        }
    }

    private int find(final BlobType type, final BlobId id) {
        final long a = id.word(0);
        final int t = type.ordinal();
        final int mask = w0.length - 1;
        int i = slot(a, t) & mask;
        while ((meta[i] & USED) != 0) {
            if (w0[i] == a && (meta[i] & TYPE_MASK) == t && w1[i] == id.word(1) && w2[i] == id.word(2)
                    && w3[i] == id.word(3)) {
                return i;
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    /**
     * @param type blob type
     * @param id blob id
     * @return whether it is indexed
     */
    public boolean has(final BlobType type, final BlobId id) {
        lock.readLock().lock();
        try {
            return find(type, id) >= 0;
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * @param type blob type
     * @param id blob id
     * @return where it is, or null
     */
    public Location lookup(final BlobType type, final BlobId id) {
        lock.readLock().lock();
        try {
            final int i = find(type, id);
            return i < 0 ? null : location(i, id);
        } finally {
            lock.readLock().unlock();
        }
    }

    private Location location(final int i, final BlobId id) {
        return new Location(packNames.get(pack[i]), new PackedBlob(BlobType.of(meta[i] & TYPE_MASK), id,
                (meta[i] & COMPRESSED) != 0, offset[i], stored[i], raw[i]));
    }

    /** @return indexed blobs */
    public int size() {
        lock.readLock().lock();
        try {
            return count;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** @param action called once per indexed blob with its location */
    public void forEach(final BiConsumer<BlobId, Location> action) {
        lock.readLock().lock();
        try {
            final byte[] id = new byte[BlobId.LENGTH];
            for (int i = 0; i < w0.length; i++) {
                if ((meta[i] & USED) == 0) {
                    continue;
                }
                putLong(id, 0, w0[i]);
                putLong(id, 8, w1[i]);
                putLong(id, 16, w2[i]);
                putLong(id, 24, w3[i]);
                final BlobId blob = BlobId.wrap(id.clone());
                action.accept(blob, location(i, blob));
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    private static void putLong(final byte[] dst, final int at, final long v) {
        for (int k = 0; k < 8; k++) {
            dst[at + k] = (byte) (v >>> (56 - 8 * k));
        }
    }

    /**
     * @return how many slots the table has: a slot, in [0, slots()), names one entry for as long as no new blob is
     *     added (a blob indexed again moves nothing)
     */
    public int slots() {
        lock.readLock().lock();
        try {
            return w0.length;
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * @param type blob type
     * @param id blob id
     * @return the slot of its entry, or -1 when it is not indexed
     */
    public int slotOf(final BlobType type, final BlobId id) {
        lock.readLock().lock();
        try {
            return find(type, id);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * @param slot a slot that holds an entry
     * @return its entry
     */
    public PackedBlob blob(final int slot) {
        lock.readLock().lock();
        try {
            final byte[] id = new byte[BlobId.LENGTH];
            putLong(id, 0, w0[slot]);
            putLong(id, 8, w1[slot]);
            putLong(id, 16, w2[slot]);
            putLong(id, 24, w3[slot]);
            return location(slot, BlobId.wrap(id)).blob();
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * The indexed blobs grouped by pack, as slots (4 bytes per blob): what check and prune go through pack by pack,
     * with no object per blob.
     *
     * @return the groups, valid while no new blob is added
     */
    public ByPack byPack() {
        lock.readLock().lock();
        try {
            final int[] start = new int[packNames.size() + 1];
            for (int i = 0; i < w0.length; i++) {
                if ((meta[i] & USED) != 0) {
                    start[pack[i] + 1]++;
                }
            }
            for (int p = 0; p < packNames.size(); p++) {
                start[p + 1] += start[p];
            }
            final int[] next = java.util.Arrays.copyOf(start, packNames.size());
            final int[] slots = new int[count];
            for (int i = 0; i < w0.length; i++) {
                if ((meta[i] & USED) != 0) {
                    slots[next[pack[i]]++] = i;
                }
            }
            return new ByPack(this, List.copyOf(packNames), start, slots);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The indexed blobs of each pack, by pack number (see {@link #byPack()}). */
    public static final class ByPack {
        private final MasterIndex index;
        private final List<String> names;
        private final int[] start;
        private final int[] slots;

        private ByPack(final MasterIndex index, final List<String> names, final int[] start, final int[] slots) {
            this.index = index;
            this.names = names;
            this.start = start;
            this.slots = slots;
        }

        /** @return how many packs are numbered, those with no indexed blob (each also elsewhere) included */
        public int packs() {
            return names.size();
        }

        /**
         * @param p a pack number, in [0, packs())
         * @return its name
         */
        public String name(final int p) {
            return names.get(p);
        }

        /**
         * @param p a pack number
         * @return how many of its blobs are indexed there
         */
        public int size(final int p) {
            return start[p + 1] - start[p];
        }

        /**
         * @param p a pack number
         * @param i which of its blobs, in [0, size(p))
         * @return that blob's slot
         */
        public int slot(final int p, final int i) {
            return slots[start[p] + i];
        }

        /**
         * @param p a pack number
         * @return its blobs, each made when it is read: a view that holds nothing per blob
         */
        public List<PackedBlob> blobs(final int p) {
            final int size = size(p);
            return new java.util.AbstractList<>() {
                @Override
                public PackedBlob get(final int i) {
                    java.util.Objects.checkIndex(i, size);
                    return index.blob(slot(p, i));
                }

                @Override
                public int size() {
                    return size;
                }
            };
        }
    }

    /** @return names of every pack that holds an indexed blob */
    public List<String> packs() {
        lock.readLock().lock();
        try {
            return List.copyOf(packNames);
        } finally {
            lock.readLock().unlock();
        }
    }
}
