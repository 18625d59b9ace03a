package dev.vigil.analyzer.stats;

/**
 * The statistics windows: a tumbling window and a longer hopping window built from it, plus how
 * long a window waits for late points.
 *
 * @param tumblingMillis tumbling window size, milliseconds (e.g. 60 000)
 * @param hoppingSizeMillis hopping window size, a multiple of the tumbling size
 * @param hoppingAdvanceMillis hopping window advance, a multiple of the tumbling size, at most the size
 * @param graceMillis how long after its end a window still takes late points
 * @param sketchK KLL sketch k
 */
public record WindowSpec(long tumblingMillis, long hoppingSizeMillis, long hoppingAdvanceMillis, long graceMillis,
                         int sketchK) {
    /** Validates the relations between the sizes. */
    public WindowSpec {
        if (tumblingMillis < 1000) {
            throw new IllegalArgumentException("tumbling window must be at least 1 s, was " + tumblingMillis + " ms");
        }
        if (hoppingSizeMillis % tumblingMillis != 0 || hoppingAdvanceMillis % tumblingMillis != 0
                || hoppingAdvanceMillis <= 0 || hoppingAdvanceMillis > hoppingSizeMillis) {
            throw new IllegalArgumentException("hopping window " + hoppingSizeMillis + " ms advancing by "
                    + hoppingAdvanceMillis + " ms must be multiples of the tumbling " + tumblingMillis
                    + " ms, with advance <= size");
        }
        if (graceMillis < 0) {
            throw new IllegalArgumentException("grace must be >= 0, was " + graceMillis);
        }
        if (sketchK < 8 || sketchK > 65535) {
            throw new IllegalArgumentException("sketch k must be in [8, 65535], was " + sketchK);
        }
    }

    /** @return name of the tumbling window in StatsWindow.window, e.g. "1m" */
    public String tumblingName() {
        return duration(tumblingMillis);
    }

    /** @return name of the hopping window, size/advance, e.g. "15m/5m" */
    public String hoppingName() {
        return duration(hoppingSizeMillis) + "/" + duration(hoppingAdvanceMillis);
    }

    /**
     * @param millis a duration
     * @return it in the largest whole unit: 30s, 1m, 15m, 1h, 1d
     */
    public static String duration(final long millis) {
        final long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1000L};
        final String[] units = {"d", "h", "m", "s"};
        for (int i = 0; i < sizes.length; i++) {
            if (millis % sizes[i] == 0) {
                return millis / sizes[i] + units[i];
            }
        }
        return millis + "ms";
    }

    /**
     * @param time epoch milliseconds
     * @return start of the tumbling window holding it
     */
    public long tumblingStart(final long time) {
        return Math.floorDiv(time, tumblingMillis) * tumblingMillis;
    }
}
