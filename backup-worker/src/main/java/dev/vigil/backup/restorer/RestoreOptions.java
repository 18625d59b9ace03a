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
 * @param resume with missingOnly: the existing entries are a killed run's own, so directories get the snapshot's
 *     metadata all the same (that run never reached its last pass)
 */
public record RestoreOptions(List<String> include, boolean overwrite, int threads, boolean missingOnly,
                             boolean afterAKill, boolean resume) {
    /**
     * @param include paths to restore, empty for all
     * @param overwrite replace existing files
     * @param threads worker threads
     * @param missingOnly restore only what is missing in the target
     * @param afterAKill a killed run's temporary files are removed at once
     */
    public RestoreOptions(final List<String> include, final boolean overwrite, final int threads,
                          final boolean missingOnly, final boolean afterAKill) {
        this(include, overwrite, threads, missingOnly, afterAKill, false);
    }

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

    /**
     * @return a copy that finishes a killed run of this restore: what it renamed into place is whole and kept, the
     *     rest restored, every directory given the snapshot's metadata (see {@link #resume()})
     */
    public RestoreOptions resumeRun() {
        return new RestoreOptions(include, overwrite, threads, true, true, true);
    }

    /** @return everything, no overwrite, one thread per core */
    public static RestoreOptions defaults() {
        return new RestoreOptions(List.of(), false, Runtime.getRuntime().availableProcessors());
    }
}
