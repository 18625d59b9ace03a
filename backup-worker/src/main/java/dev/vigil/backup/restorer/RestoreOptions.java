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
 */
public record RestoreOptions(List<String> include, boolean overwrite, int threads) {
    /** @return everything, no overwrite, one thread per core */
    public static RestoreOptions defaults() {
        return new RestoreOptions(List.of(), false, Runtime.getRuntime().availableProcessors());
    }
}
