package dev.vigil.backup.archiver;

import java.time.Instant;
import java.util.List;

/**
 * What to back up and how.
 *
 * @param dataset dataset id
 * @param level requested level; INCREMENTAL or DIFFERENTIAL without a parent becomes FULL
 * @param tags free tags recorded in the snapshot
 * @param protect mark the snapshot protected from retention
 * @param commandId the worker command, or null
 * @param journal a change journal, or null to scan
 * @param journalMustReach the journal's last interval must end at or after this instant, else the backup scans:
 *     changes after the journal's end are not in it
 * @param threads worker threads, &gt;= 1
 * @param excludes paths left out
 */
public record ArchiveOptions(String dataset, Level level, List<String> tags, boolean protect, String commandId,
                             ChangeJournal journal, Instant journalMustReach, int threads, Excludes excludes) {
    /** Refuses a journal without the instant it must reach. */
    public ArchiveOptions {
        if (journal != null && journalMustReach == null) {
            throw new IllegalArgumentException("a journal needs the instant it must reach");
        }
        if (excludes == null) {
            excludes = Excludes.NONE;
        }
    }

    /**
     * @param dataset dataset id
     * @param level requested level, or null for INCREMENTAL
     * @return defaults: no tags, no journal, one thread per core, nothing excluded
     */
    public static ArchiveOptions of(final String dataset, final Level level) {
        return new ArchiveOptions(dataset, level == null ? Level.INCREMENTAL : level, List.of(), false, null, null,
                null, Runtime.getRuntime().availableProcessors(), Excludes.NONE);
    }

    /**
     * @param j a journal
     * @param mustReach the instant its last interval must reach
     * @return these options with it
     */
    public ArchiveOptions withJournal(final ChangeJournal j, final Instant mustReach) {
        return new ArchiveOptions(dataset, level, tags, protect, commandId, j, mustReach, threads, excludes);
    }

    /**
     * @param e paths to leave out
     * @return these options with them
     */
    public ArchiveOptions withExcludes(final Excludes e) {
        return new ArchiveOptions(dataset, level, tags, protect, commandId, journal, journalMustReach, threads, e);
    }
}
