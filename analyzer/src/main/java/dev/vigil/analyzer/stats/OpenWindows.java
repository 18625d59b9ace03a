package dev.vigil.analyzer.stats;

import dev.vigil.analyzer.store.BinaryReader;
import dev.vigil.analyzer.store.BinaryWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The tumbling windows of one series still open: the current one, and earlier ones while their
 * grace lasts. A window closes when the series' event time reaches its end plus the grace; points
 * within the grace are placed in their own window by event time. Holds at most {@code grace /
 * size + 2} windows.
 */
public final class OpenWindows {
    private final List<WindowSummary> open = new ArrayList<>(2);

    /**
     * @param time event time of the value
     * @param value the value
     * @param imputed whether a gap filler made it up
     * @param spec window sizes
     */
    public void add(final long time, final double value, final boolean imputed, final WindowSpec spec) {
        final long start = spec.tumblingStart(time);
        int i = open.size() - 1;
        while (i >= 0 && open.get(i).start() > start) {
            i--;
        }
        if (i >= 0 && open.get(i).start() == start) {
            open.get(i).add(value, imputed);
            return;
        }
        final WindowSummary window = new WindowSummary(start, spec.sketchK());
        window.add(value, imputed);
        open.add(i + 1, window);
    }

    /**
     * @param watermark the series' latest event time
     * @param spec window sizes
     * @return the windows that close now (end + grace <= watermark), oldest first
     */
    public List<WindowSummary> close(final long watermark, final WindowSpec spec) {
        List<WindowSummary> closed = List.of();
        while (!open.isEmpty() && open.get(0).start() + spec.tumblingMillis() + spec.graceMillis() <= watermark) {
            if (closed.isEmpty()) {
                closed = new ArrayList<>(2);
            }
            closed.add(open.remove(0));
        }
        return closed;
    }

    /** @return the windows still open, oldest first; a view */
    public List<WindowSummary> windows() {
        return open;
    }

    /** @param out where to write */
    public void write(final BinaryWriter out) {
        out.writeLong(open.size());
        for (final WindowSummary w : open) {
            w.write(out);
        }
    }

    /**
     * @param in where to read
     * @return the windows written
     */
    public static OpenWindows read(final BinaryReader in) {
        final OpenWindows windows = new OpenWindows();
        final int n = in.readInt();
        for (int i = 0; i < n; i++) {
            windows.open.add(WindowSummary.read(in));
        }
        return windows;
    }
}
