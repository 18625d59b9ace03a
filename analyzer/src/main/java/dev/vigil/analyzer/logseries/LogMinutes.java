package dev.vigil.analyzer.logseries;

import dev.vigil.analyzer.clean.RecentIds;
import dev.vigil.analyzer.store.BinaryReader;
import dev.vigil.analyzer.store.BinaryWriter;
import dev.vigil.analyzer.store.Codec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One host's log counts: the open one-minute windows (lines, error-level lines, lines of
 * never-seen templates, lines per template), the host's active templates, least recently seen
 * first (at most the configured number; each gets its own count series), and which of its recent record ids
 * are remembered, to drop a record delivered again (the ids themselves are in {@link HostIds}' buckets).
 */
final class LogMinutes {
    /**
     * 4 holds the range of ids remembered ({@link #idsFirst}, {@link #idsNext}; the ids are in {@link HostIds}'
     * buckets), 3 held the ids themselves (read into {@link #legacyIds}, moved to buckets on first use), 2 adds
     * {@link #since}; 1 and 2 are still read (without ids remembered).
     */
    private static final int VERSION = 4;
    /**
     * Most record ids remembered per host: 16 bytes each in memory (128 KB when full), about 9 encoded (under 80 KB
     * when full, in {@link HostIds}' buckets of which a commit rewrites only the newest).
     * At least the collector's {@code delivery.batch.records} (5,000 by default): a batch sent again is sent whole,
     * so up to that many other ids come between a record and its repeat. A host with more lines than this within
     * {@code clean.dedup.window.ms} remembers them for a shorter time.
     */
    static final int MAX_IDS = 8192;
    /** Open windows by start. */
    final TreeMap<Long, Counts> open = new TreeMap<>();
    /** Active template id to the last window it was seen in, in access order. */
    final LinkedHashMap<String, Long> active = new LinkedHashMap<>(16, 0.75f, true);
    /**
     * Active template id to the first window it was seen in: its count series starts there, with a zero for every
     * window after it that lacks it (the last window seen says nothing about the windows before it). An id without
     * an entry (state written by version 1) counts as seen long ago.
     */
    final Map<String, Long> since = new java.util.HashMap<>();
    /** Latest event time seen. */
    long watermark = Long.MIN_VALUE;
    /** Start of the last window published. */
    long lastClosed = Long.MIN_VALUE;
    /** Number of the oldest id remembered (the host's ids are numbered as they come, from 0). */
    long idsFirst;
    /** Number the next id gets: ids {@link #idsFirst} to this one, exclusive, are remembered. */
    long idsNext;
    /** The ids of a state of format version 3, until {@link HostIds#migrate} moves them; never written. */
    RecentIds legacyIds;

    /** The counts of one window. */
    static final class Counts {
        long lines;
        long errors;
        long newTemplates;
        final Map<String, Long> perTemplate = new TreeMap<>();
    }

    /**
     * Templates merged into another: their open counts go on under the one that remains, which takes their
     * place among the active templates, so the host's series of it continues without a gap.
     *
     * @param gone the ids merged away
     * @param into the id that remains
     * @return whether this host had any of them
     */
    boolean absorb(final List<String> gone, final String into) {
        boolean changed = false;
        for (final String id : gone) {
            for (final Counts c : open.values()) {
                final Long n = c.perTemplate.remove(id);
                if (n != null) {
                    c.perTemplate.merge(into, n, Long::sum);
                }
            }
            final Long seen = active.remove(id);
            final Long first = since.remove(id);
            if (seen != null) {
                final Long own = active.get(into);
                active.put(into, own == null ? seen : Math.max(own, seen));
                since.merge(into, first == null ? Long.MIN_VALUE : first, Math::min);
                changed = true;
            }
        }
        return changed;
    }

    static final Codec<LogMinutes> CODEC = new Codec<>() {
        @Override
        public byte[] encode(final LogMinutes m) {
            final BinaryWriter out = new BinaryWriter(256);
            out.writeByte(VERSION).writeLong(m.watermark).writeLong(m.lastClosed).writeLong(m.open.size());
            for (final Map.Entry<Long, Counts> e : m.open.entrySet()) {
                final Counts c = e.getValue();
                out.writeLong(e.getKey()).writeLong(c.lines).writeLong(c.errors).writeLong(c.newTemplates)
                        .writeLong(c.perTemplate.size());
                c.perTemplate.forEach((id, n) -> out.writeString(id).writeLong(n));
            }
            out.writeLong(m.active.size());
            // Iterating an access-ordered map with forEach does not reorder it.
            m.active.forEach((id, window) -> out.writeString(id).writeLong(window));
            out.writeLong(m.since.size());
            m.since.forEach((id, window) -> out.writeString(id).writeLong(window));
            out.writeLong(m.idsFirst).writeLong(m.idsNext);
            return out.toByteArray();
        }

        @Override
        public LogMinutes decode(final byte[] bytes) {
            final BinaryReader in = new BinaryReader(bytes);
            final int version = in.readByte();
            if (version < 1 || version > VERSION) {
                throw new IllegalArgumentException("log counts: unknown version " + version);
            }
            final LogMinutes m = new LogMinutes();
            m.watermark = in.readLong();
            m.lastClosed = in.readLong();
            final int windows = in.readInt();
            for (int i = 0; i < windows; i++) {
                final Counts c = new Counts();
                final long start = in.readLong();
                c.lines = in.readLong();
                c.errors = in.readLong();
                c.newTemplates = in.readLong();
                final int templates = in.readInt();
                for (int j = 0; j < templates; j++) {
                    c.perTemplate.put(in.readString(), in.readLong());
                }
                m.open.put(start, c);
            }
            final int active = in.readInt();
            for (int i = 0; i < active; i++) {
                m.active.put(in.readString(), in.readLong());
            }
            final int since = version == 1 ? 0 : in.readInt();
            for (int i = 0; i < since; i++) {
                m.since.put(in.readString(), in.readLong());
            }
            if (version == 3) {
                m.legacyIds = RecentIds.read(in, MAX_IDS);
            } else if (version >= 4) {
                m.idsFirst = in.readLong();
                m.idsNext = in.readLong();
                if (m.idsFirst < 0 || m.idsNext < m.idsFirst || m.idsNext - m.idsFirst > MAX_IDS) {
                    throw new IllegalArgumentException("log counts: bad id range " + m.idsFirst + "-" + m.idsNext);
                }
            }
            return m;
        }
    };
}
