package dev.vigil.analyzer.logseries;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.analyzer.clean.IdHash;
import dev.vigil.analyzer.clean.RecentIds;
import dev.vigil.analyzer.store.BinaryWriter;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogMinutesTest {
    private static final long WINDOW = 300_000;
    private static final String HOST = "web-1";

    /** The id store as bytes, as the changelog has them: every bucket goes through its codec. */
    private static final class StoredBuckets implements HostIds.Buckets {
        final Map<String, byte[]> bytes = new HashMap<>();
        /** Bytes put (keys and values) and keys deleted since the last reset. */
        long written;

        @Override
        public HostIds.Bucket get(final String key) {
            final byte[] b = bytes.get(key);
            return b == null ? null : HostIds.CODEC.decode(b);
        }

        @Override
        public void put(final String key, final HostIds.Bucket bucket) {
            final byte[] b = HostIds.CODEC.encode(bucket);
            bytes.put(key, b);
            written += key.length() + b.length;
        }

        @Override
        public void delete(final String key) {
            bytes.remove(key);
            written += key.length();
        }

        long total() {
            return bytes.values().stream().mapToLong(b -> b.length).sum();
        }
    }

    private final StoredBuckets buckets = new StoredBuckets();
    private final HostIds ids = new HostIds(buckets);

    private void add(final LogMinutes m, final String id, final long time) {
        m.watermark = Math.max(m.watermark, time);
        ids.add(HOST, m, time, IdHash.of(id), WINDOW);
    }

    private boolean contains(final LogMinutes m, final String id) {
        return ids.contains(HOST, m, IdHash.of(id));
    }

    @Test
    void shouldKeepTheRecentIdsWhenEncodedAndDecoded() {
        final LogMinutes m = new LogMinutes();
        add(m, "a", 1_000);
        add(m, "b", 900); // a late line: its time goes back
        add(m, "c", 2_000);
        final LogMinutes back = LogMinutes.CODEC.decode(LogMinutes.CODEC.encode(m));
        assertEquals(3, HostIds.size(back));
        for (final String id : new String[] {"a", "b", "c"}) {
            assertTrue(contains(back, id), id);
        }
        assertFalse(contains(back, "d"));
        assertEquals(2_000, back.watermark);
    }

    @Test
    void shouldReadStateOfVersion2WithNoIdsRemembered() {
        final BinaryWriter out = new BinaryWriter(64);
        out.writeByte(2).writeLong(120_000).writeLong(0).writeLong(1); // watermark, last closed, one open window
        out.writeLong(60_000).writeLong(5).writeLong(1).writeLong(0).writeLong(1).writeString("t1").writeLong(5);
        out.writeLong(1).writeString("t1").writeLong(60_000); // active
        out.writeLong(1).writeString("t1").writeLong(0); // since
        final LogMinutes m = LogMinutes.CODEC.decode(out.toByteArray());
        assertEquals(120_000, m.watermark);
        assertEquals(5, m.open.get(60_000L).lines);
        assertEquals(5L, m.open.get(60_000L).perTemplate.get("t1"));
        assertEquals(0L, m.since.get("t1"));
        assertEquals(0, HostIds.size(m));
        add(m, "a", 120_500);
        final LogMinutes back = LogMinutes.CODEC.decode(LogMinutes.CODEC.encode(m));
        assertTrue(ids.contains(HOST, back, IdHash.of("a")));
    }

    @Test
    void shouldRememberAWholeCollectorBatchAndAtMostTheBoundPerHost() {
        final LogMinutes m = new LogMinutes();
        // the collector's default batch, sent again whole: every id of it is still remembered at its end
        for (int i = 0; i < 5_000; i++) {
            add(m, "line-" + i, 1_000 + i);
        }
        assertTrue(contains(m, "line-0"));
        for (int i = 5_000; i < LogMinutes.MAX_IDS + 1; i++) {
            add(m, "line-" + i, 1_000 + i);
        }
        assertEquals(LogMinutes.MAX_IDS, HostIds.size(m));
        assertFalse(contains(m, "line-0"), "the oldest goes first");
        assertTrue(contains(m, "line-1"));
        final long total = buckets.total();
        assertTrue(total < 80_000, "a full host's ids, the figure docs/ANALYZER.md gives: " + total);
        assertTrue(buckets.bytes.size() <= HostIds.MAX_BUCKETS, buckets.bytes.keySet()::toString);
        final LogMinutes back = LogMinutes.CODEC.decode(LogMinutes.CODEC.encode(m));
        assertEquals(LogMinutes.MAX_IDS, HostIds.size(back));
        assertTrue(contains(back, "line-1"));
        // an hour later, the old ids have left the dedup window, and their buckets are deleted
        add(m, "later", 3_600_000);
        assertEquals(1, HostIds.size(m));
        assertEquals(1, buckets.bytes.size(), buckets.bytes.keySet()::toString);
        assertTrue(contains(m, "later"));
        assertFalse(contains(m, "line-8000"));
    }

    @Test
    void shouldWriteOnlyTheNewestBucketWhenAFullHostGetsOneMoreId() {
        final LogMinutes m = new LogMinutes();
        for (int i = 0; i < LogMinutes.MAX_IDS + HostIds.BUCKET_IDS - 1; i++) {
            add(m, "line-" + i, 1_000 + i);
        }
        assertEquals(LogMinutes.MAX_IDS, HostIds.size(m));
        final long full = buckets.total();
        // the worst case: the newest bucket one id short of full, rewritten whole; before, the whole ring was
        buckets.written = 0;
        add(m, "one-more", 20_000);
        final long written = buckets.written + LogMinutes.CODEC.encode(m).length;
        assertTrue(full > 70_000, "a full host's ids: " + full);
        assertTrue(written < 2_600, "bytes written for one more id on a full host (ids and counts): " + written);
        // the next id starts a bucket: a few bytes, and the oldest bucket's key as a tombstone
        buckets.written = 0;
        add(m, "and-another", 20_001);
        assertTrue(buckets.written < 100, "bytes written when a bucket starts: " + buckets.written);
        assertTrue(contains(m, "one-more") && contains(m, "and-another") && !contains(m, "line-255"));
    }

    @Test
    void shouldMoveTheIdsOfVersion3StateIntoBuckets() {
        final RecentIds old = new RecentIds(LogMinutes.MAX_IDS);
        for (int i = 0; i < 300; i++) {
            old.add(1_000 + i, IdHash.of("line-" + i), 1_000 + i, WINDOW);
        }
        final BinaryWriter out = new BinaryWriter(64);
        out.writeByte(3).writeLong(1_299).writeLong(Long.MIN_VALUE).writeLong(0); // watermark, none closed, no window
        out.writeLong(0).writeLong(0); // no active templates, no since
        old.write(out);
        final LogMinutes m = LogMinutes.CODEC.decode(out.toByteArray());
        assertTrue(ids.migrate(HOST, m, WINDOW));
        assertFalse(ids.migrate(HOST, m, WINDOW), "once");
        assertEquals(300, HostIds.size(m));
        assertEquals(2, buckets.bytes.size());
        final LogMinutes back = LogMinutes.CODEC.decode(LogMinutes.CODEC.encode(m));
        assertTrue(contains(back, "line-0") && contains(back, "line-299"));
        assertFalse(contains(back, "line-300"));
    }

    @Test
    void shouldForgetTheHostsIdsAndGoOnWhenItsNewestBucketIsLost() {
        final LogMinutes m = new LogMinutes();
        for (int i = 0; i < 300; i++) {
            add(m, "line-" + i, 1_000 + i);
        }
        buckets.bytes.remove(HostIds.key(HOST, 1)); // unreadable: the live store deleted it
        add(m, "next", 2_000);
        assertTrue(contains(m, "next"));
        assertFalse(contains(m, "line-0"));
        assertEquals(1, HostIds.size(m));
        assertEquals(1, buckets.bytes.size(), "the older bucket is deleted too: " + buckets.bytes.keySet());
        assertEquals(1, HostIds.size(LogMinutes.CODEC.decode(LogMinutes.CODEC.encode(m))));
    }
}
