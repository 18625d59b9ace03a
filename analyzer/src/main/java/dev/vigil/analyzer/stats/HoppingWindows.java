package dev.vigil.analyzer.stats;

import dev.vigil.analyzer.store.BinaryReader;
import dev.vigil.analyzer.store.BinaryWriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.TreeSet;

/**
 * The hopping windows of one series, merged from its closed tumbling windows: keeps the closed
 * summaries of the last hopping-size of event time, and when a closed window passes an advance
 * boundary, merges the summaries inside [boundary - size, boundary). Holds at most size / tumbling
 * summaries.
 */
public final class HoppingWindows {
    private final Deque<WindowSummary> closed = new ArrayDeque<>();
    private long lastEnd = Long.MIN_VALUE;

    /**
     * @param window a tumbling window that just closed (they close in start order)
     * @param spec window sizes
     * @return hopping windows that end now, oldest first, each with its start
     */
    public List<WindowSummary> onClosed(final WindowSummary window, final WindowSpec spec) {
        final long end = window.start() + spec.tumblingMillis();
        final long size = spec.hoppingSizeMillis();
        final long advance = spec.hoppingAdvanceMillis();
        closed.addLast(window);
        // The hopping windows that hold a closed summary and have ended by now, each once.
        final TreeSet<Long> boundaries = new TreeSet<>();
        for (final WindowSummary w : closed) {
            for (long b = Math.floorDiv(w.start(), advance) * advance + advance; b <= w.start() + size && b <= end;
                 b += advance) {
                if (b > lastEnd) {
                    boundaries.add(b);
                }
            }
        }
        final List<WindowSummary> hops = new ArrayList<>(boundaries.size());
        for (final long boundary : boundaries) {
            hops.add(merge(boundary - size, boundary, spec.sketchK()));
        }
        lastEnd = Math.max(lastEnd, Math.floorDiv(end, advance) * advance);
        while (!closed.isEmpty() && closed.peekFirst().start() < end - size) {
            closed.removeFirst();
        }
        return hops;
    }

    private WindowSummary merge(final long from, final long to, final int sketchK) {
        final WindowSummary merged = WindowSummary.empty(from, sketchK);
        for (final WindowSummary w : closed) {
            if (w.start() >= from && w.start() < to) {
                merged.merge(w);
            }
        }
        return merged;
    }

    /** @param out where to write */
    public void write(final BinaryWriter out) {
        out.writeLong(lastEnd).writeLong(closed.size());
        for (final WindowSummary w : closed) {
            w.write(out);
        }
    }

    /**
     * @param in where to read
     * @return the state written
     */
    public static HoppingWindows read(final BinaryReader in) {
        final HoppingWindows h = new HoppingWindows();
        h.lastEnd = in.readLong();
        final int n = in.readInt();
        for (int i = 0; i < n; i++) {
            h.closed.addLast(WindowSummary.read(in));
        }
        return h;
    }
}
