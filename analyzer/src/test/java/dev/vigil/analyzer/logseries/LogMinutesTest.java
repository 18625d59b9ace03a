package dev.vigil.analyzer.logseries;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.analyzer.clean.IdHash;
import dev.vigil.analyzer.store.BinaryWriter;
import org.junit.jupiter.api.Test;

class LogMinutesTest {
    private static final long WINDOW = 300_000;

    private static void add(final LogMinutes m, final String id, final long time) {
        m.watermark = Math.max(m.watermark, time);
        m.ids.add(time, IdHash.of(id), m.watermark, WINDOW);
    }

    @Test
    void shouldKeepTheRecentIdsWhenEncodedAndDecoded() {
        final LogMinutes m = new LogMinutes();
        add(m, "a", 1_000);
        add(m, "b", 900); // a late line: its time goes back
        add(m, "c", 2_000);
        final LogMinutes back = LogMinutes.CODEC.decode(LogMinutes.CODEC.encode(m));
        assertEquals(3, back.ids.size());
        for (final String id : new String[] {"a", "b", "c"}) {
            assertTrue(back.ids.contains(IdHash.of(id)), id);
        }
        assertFalse(back.ids.contains(IdHash.of("d")));
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
        assertEquals(0, m.ids.size());
        add(m, "a", 120_500);
        assertTrue(LogMinutes.CODEC.decode(LogMinutes.CODEC.encode(m)).ids.contains(IdHash.of("a")));
    }

    @Test
    void shouldRememberAWholeCollectorBatchAndAtMostTheBoundPerHost() {
        final LogMinutes m = new LogMinutes();
        // the collector's default batch, sent again whole: every id of it is still remembered at its end
        for (int i = 0; i < 5_000; i++) {
            add(m, "line-" + i, 1_000 + i);
        }
        assertTrue(m.ids.contains(IdHash.of("line-0")));
        for (int i = 5_000; i < LogMinutes.MAX_IDS + 1; i++) {
            add(m, "line-" + i, 1_000 + i);
        }
        assertEquals(LogMinutes.MAX_IDS, m.ids.size());
        assertFalse(m.ids.contains(IdHash.of("line-0")), "the oldest goes first");
        assertTrue(m.ids.contains(IdHash.of("line-1")));
        final byte[] bytes = LogMinutes.CODEC.encode(m);
        assertTrue(bytes.length < 80_000, "a full host's state, the figure docs/ANALYZER.md gives: " + bytes.length);
        final LogMinutes back = LogMinutes.CODEC.decode(bytes);
        assertEquals(LogMinutes.MAX_IDS, back.ids.size());
        assertTrue(back.ids.contains(IdHash.of("line-1")));
        // an hour later, the old ids have left the dedup window
        add(m, "later", 3_600_000);
        assertEquals(1, m.ids.size());
    }
}
