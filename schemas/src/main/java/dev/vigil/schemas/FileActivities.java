package dev.vigil.schemas;

import java.util.Arrays;

/** What makes a {@link FileActivity} impossible for a watcher to report: the one check its readers share. */
public final class FileActivities {
    /** Highest Shannon entropy of bytes, in bits per byte. */
    public static final double MAX_ENTROPY = 8.0;

    private FileActivities() {
    }

    /**
     * @param a an interval of file activity
     * @return why no watcher could have reported it (an interval that ends before it starts, a negative count, an
     *     entropy outside [0, 8], a path that is not relative to the dataset root), or null when it is possible
     */
    public static String problem(final FileActivity a) {
        if (a.getIntervalEnd().isBefore(a.getIntervalStart())) {
            return "interval ends at " + a.getIntervalEnd() + ", before it starts at " + a.getIntervalStart();
        }
        final long[] counts = {a.getCreated(), a.getModified(), a.getDeleted(), a.getRenamed(), a.getBytesWritten()};
        final String[] names = {"created", "modified", "deleted", "renamed", "bytesWritten"};
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] < 0) {
                return names[i] + " is negative (" + counts[i] + ")";
            }
        }
        final Double entropy = a.getWriteEntropy();
        if (entropy != null && !(entropy >= 0 && entropy <= MAX_ENTROPY)) {
            return "write entropy " + entropy + " outside [0, 8] bits per byte";
        }
        for (final String path : a.getDeletedPaths()) {
            if (!relative(path)) {
                return "deleted path '" + path + "' is not relative to the dataset root (empty, absolute, or with ..)";
            }
        }
        for (final String path : a.getChangedPaths()) {
            if (!relative(path)) {
                return "changed path '" + path + "' is not relative to the dataset root (empty, absolute, or with ..)";
            }
        }
        return null;
    }

    private static boolean relative(final String path) {
        return !path.isEmpty() && !path.startsWith("/") && path.indexOf('\0') < 0
                && !Arrays.asList(path.split("/", -1)).contains("..");
    }
}
