package dev.vigil.analyzer.logseries;

import dev.vigil.analyzer.clean.RecentIds;
import dev.vigil.analyzer.store.BinaryReader;
import dev.vigil.analyzer.store.BinaryWriter;
import dev.vigil.analyzer.store.Codec;
import java.util.Arrays;

/**
 * One host's recent log record ids, to drop a record delivered again: the same rule as {@link RecentIds} (ids in the
 * order they came, the oldest forgotten while its event time is more than the dedup window behind the host's latest
 * log time, and beyond {@link LogMinutes#MAX_IDS}), kept in buckets of {@link #BUCKET_IDS} ids so that a commit
 * rewrites only the newest bucket (about 2.3 KB when it is full) instead of all the host's ids (under 80 KB).
 *
 * <p>Ids are numbered per host as they come; id {@code n} lives in bucket {@code n / BUCKET_IDS}, stored under
 * {@link #key}. The host's {@link LogMinutes} holds the range remembered ({@code idsFirst} inclusive, {@code idsNext}
 * exclusive), so both change in the same transaction. A bucket is deleted once every id in it is forgotten.
 */
final class HostIds {
    /** Ids per bucket: 16 bytes each on the heap (4 KB per full bucket), about 9 encoded (about 2.3 KB). */
    static final int BUCKET_IDS = 256;
    /** Most buckets a host has at once: the full ones and the newest, partly forgotten or partly filled. */
    static final int MAX_BUCKETS = LogMinutes.MAX_IDS / BUCKET_IDS + 1;

    /** Where buckets are kept: the analyzer's {@code log-ids-store}, a map in tests. */
    interface Buckets {
        /**
         * @param key the bucket's key
         * @return the bucket, or null if absent
         */
        Bucket get(String key);

        /**
         * @param key the bucket's key
         * @param bucket the new or changed bucket
         */
        void put(String key, Bucket bucket);

        /** @param key the bucket's key */
        void delete(String key);
    }

    private final Buckets buckets;

    /** @param buckets where the buckets are kept */
    HostIds(final Buckets buckets) {
        this.buckets = buckets;
    }

    /**
     * @param host the host
     * @param bucket the bucket's number
     * @return its key in the store: the host, a NUL, the number
     */
    static String key(final String host, final long bucket) {
        return host + '\u0000' + bucket;
    }

    /** @return ids remembered for the host */
    static int size(final LogMinutes m) {
        return (int) (m.idsNext - m.idsFirst);
    }

    /**
     * @param host the host
     * @param m its state
     * @param hash an id hash, not 0
     * @return whether it is remembered
     */
    boolean contains(final String host, final LogMinutes m, final long hash) {
        if (m.idsFirst == m.idsNext) {
            return false;
        }
        final long first = m.idsFirst / BUCKET_IDS;
        final long last = (m.idsNext - 1) / BUCKET_IDS;
        for (long b = first; b <= last; b++) {
            final Bucket bucket = buckets.get(key(host, b));
            final int from = b == first ? (int) (m.idsFirst % BUCKET_IDS) : 0;
            if (bucket != null && bucket.contains(hash, from)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Remembers an id and forgets the oldest ones outside the window or beyond the bound.
     *
     * @param host the host
     * @param m its state, its watermark already moved to this record's time
     * @param time the record's event time
     * @param hash its id hash; 0 is ignored
     * @param windowMillis the dedup window
     */
    void add(final String host, final LogMinutes m, final long time, final long hash, final long windowMillis) {
        while (m.idsFirst < m.idsNext) {
            final Bucket oldest = buckets.get(key(host, m.idsFirst / BUCKET_IDS));
            if (oldest != null && oldest.size > m.idsFirst % BUCKET_IDS
                    && oldest.times[(int) (m.idsFirst % BUCKET_IDS)] >= m.watermark - windowMillis) {
                break;
            }
            forgetOldest(host, m); // also a bucket lost (unreadable): its ids are forgotten
        }
        if (hash == 0) {
            return;
        }
        if (size(m) == LogMinutes.MAX_IDS) {
            forgetOldest(host, m);
        }
        final long b = m.idsNext / BUCKET_IDS;
        Bucket newest = m.idsNext % BUCKET_IDS == 0 ? null : buckets.get(key(host, b));
        if (newest == null || newest.size != m.idsNext % BUCKET_IDS) {
            // a new bucket (one left from a state started over is replaced), or the newest was lost (unreadable): the
            // host's ids are forgotten, their buckets deleted, and the rest of its numbers skipped
            if (m.idsNext % BUCKET_IDS != 0) {
                while (m.idsFirst < m.idsNext) {
                    forgetOldest(host, m);
                }
                buckets.delete(key(host, b));
                m.idsNext = (b + 1) * BUCKET_IDS;
                m.idsFirst = m.idsNext;
            }
            newest = new Bucket();
        }
        newest.add(time, hash);
        buckets.put(key(host, m.idsNext / BUCKET_IDS), newest);
        m.idsNext++;
    }

    /**
     * Forgets all the host's ids and deletes its buckets (the host is being forgotten).
     *
     * @param host the host
     * @param m its state
     */
    void forgetAll(final String host, final LogMinutes m) {
        // The newest bucket stays while its ids are all forgotten but it is not full (idsFirst == idsNext, not a
        // multiple of the bucket size): it goes too.
        final long last = (m.idsNext + BUCKET_IDS - 1) / BUCKET_IDS;
        for (long b = m.idsFirst / BUCKET_IDS; b < last; b++) {
            buckets.delete(key(host, b));
        }
        m.idsFirst = m.idsNext;
        m.legacyIds = null;
    }

    /** Forgets the oldest id; a bucket left with none is deleted. */
    private void forgetOldest(final String host, final LogMinutes m) {
        final long b = m.idsFirst / BUCKET_IDS;
        m.idsFirst++;
        if (m.idsFirst % BUCKET_IDS == 0) {
            buckets.delete(key(host, b));
        }
    }

    /**
     * Moves the ids of a state of format version 3 (all in {@link LogMinutes}) into buckets, once.
     *
     * @param host the host
     * @param m its state
     * @param windowMillis the dedup window
     * @return whether there was anything to move (the state changed)
     */
    boolean migrate(final String host, final LogMinutes m, final long windowMillis) {
        final RecentIds legacy = m.legacyIds;
        if (legacy == null) {
            return false;
        }
        m.legacyIds = null;
        legacy.forEach((time, hash) -> add(host, m, time, hash, windowMillis));
        return true;
    }

    /** Up to {@link #BUCKET_IDS} ids, as they came, with their event times. */
    static final class Bucket {
        private static final int VERSION = 1;
        long[] times = new long[8];
        long[] hashes = new long[8];
        int size;

        void add(final long time, final long hash) {
            if (size == BUCKET_IDS) {
                throw new IllegalStateException("log id bucket: full");
            }
            if (size == times.length) {
                times = Arrays.copyOf(times, Math.min(BUCKET_IDS, size * 2));
                hashes = Arrays.copyOf(hashes, times.length);
            }
            times[size] = time;
            hashes[size] = hash;
            size++;
        }

        boolean contains(final long hash, final int from) {
            for (int i = from; i < size; i++) {
                if (hashes[i] == hash) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Format 1: count, then per id the time delta and the hash. */
    static final Codec<Bucket> CODEC = new Codec<>() {
        @Override
        public byte[] encode(final Bucket bucket) {
            final BinaryWriter out = new BinaryWriter(16 + bucket.size * 10);
            out.writeByte(Bucket.VERSION).writeLong(bucket.size);
            long previous = 0;
            for (int i = 0; i < bucket.size; i++) {
                out.writeLong(bucket.times[i] - previous).writeFixed64(bucket.hashes[i]);
                previous = bucket.times[i];
            }
            return out.toByteArray();
        }

        @Override
        public Bucket decode(final byte[] bytes) {
            final BinaryReader in = new BinaryReader(bytes);
            final int version = in.readByte();
            if (version != Bucket.VERSION) {
                throw new IllegalArgumentException("log id bucket: unknown version " + version);
            }
            final int n = in.readInt();
            if (n < 0 || n > BUCKET_IDS) {
                throw new IllegalArgumentException("log id bucket: bad count " + n);
            }
            final Bucket bucket = new Bucket();
            bucket.times = new long[Math.max(8, n)];
            bucket.hashes = new long[bucket.times.length];
            long time = 0;
            for (int i = 0; i < n; i++) {
                time += in.readLong();
                bucket.times[i] = time;
                bucket.hashes[i] = in.readFixed64();
            }
            bucket.size = n;
            return bucket;
        }
    };
}
