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
 * @param afterAKill a run of this same restore into this target was killed, and none runs beside this one (the
 *     worker knows it from its ledger): every temporary file it left is removed, not only those untouched for 10
 *     minutes
 */
public record RestoreOptions(List<String> include, boolean overwrite, int threads, boolean missingOnly,
                             boolean afterAKill) {
    /**
     * @param include paths to restore, empty for all
     * @param overwrite replace existing files
     * @param threads worker threads
     * @param missingOnly restore only what is missing in the target
     */
    public RestoreOptions(final List<String> include, final boolean overwrite, final int threads,
                          final boolean missingOnly) {
        this(include, overwrite, threads, missingOnly, false);
    }

    /**
     * @param include paths to restore, empty for all
     * @param overwrite replace existing files
     * @param threads worker threads
     */
    public RestoreOptions(final List<String> include, final boolean overwrite, final int threads) {
        this(include, overwrite, threads, false);
    }

    /** @return a copy for a run after a killed one (see {@link #afterAKill()}) */
    public RestoreOptions afterKilledRun() {
        return new RestoreOptions(include, overwrite, threads, missingOnly, true);
    }

    /** @return a copy that restores only what is missing in the target (see {@link #missingOnly()}) */
    public RestoreOptions missingOnlyRun() {
        return new RestoreOptions(include, overwrite, threads, true, afterAKill);
    }

    /** @return everything, no overwrite, one thread per core */
    public static RestoreOptions defaults() {
        return new RestoreOptions(List.of(), false, Runtime.getRuntime().availableProcessors());
    }
}
