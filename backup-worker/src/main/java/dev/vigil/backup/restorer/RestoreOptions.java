package dev.vigil.backup.restorer;

import java.util.List;

/**
 * What to restore and how.
 *
 * @param include paths relative to the snapshot root to restore (with everything under them);
 *     empty means everything
 * @param overwrite replace existing files (atomically: written beside, then renamed over);
 *     without it an existing file is an error
 * @param threads worker threads, &gt;= 1
 * @param missingOnly restore only what is missing in the target: files, links and FIFOs that exist are kept as they
 *     are, existing directories keep their metadata (for bringing deleted paths back without undoing later edits)
 */
public record RestoreOptions(List<String> include, boolean overwrite, int threads, boolean missingOnly) {
    /**
     * @param include paths to restore, empty for all
     * @param overwrite replace existing files
     * @param threads worker threads
     */
    public RestoreOptions(final List<String> include, final boolean overwrite, final int threads) {
        this(include, overwrite, threads, false);
    }

    /** @return everything, no overwrite, one thread per core */
    public static RestoreOptions defaults() {
        return new RestoreOptions(List.of(), false, Runtime.getRuntime().availableProcessors());
    }
}
