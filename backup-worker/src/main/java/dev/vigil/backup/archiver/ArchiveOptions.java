package dev.vigil.backup.archiver;

import java.time.Duration;
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
 * @param journalMaxLag how old the journal's last interval may be
 * @param threads worker threads, &gt;= 1
 */
public record ArchiveOptions(String dataset, Level level, List<String> tags, boolean protect, String commandId,
                             ChangeJournal journal, Duration journalMaxLag, int threads) {
    /**
     * @param dataset dataset id
     * @param level requested level, or null for INCREMENTAL
     * @return defaults: no tags, no journal, one thread per core
     */
    public static ArchiveOptions of(final String dataset, final Level level) {
        return new ArchiveOptions(dataset, level == null ? Level.INCREMENTAL : level, List.of(), false, null, null,
                Duration.ofMinutes(10), Runtime.getRuntime().availableProcessors());
    }

    /**
     * @param j a journal
     * @return these options with it
     */
    public ArchiveOptions withJournal(final ChangeJournal j) {
        return new ArchiveOptions(dataset, level, tags, protect, commandId, j, journalMaxLag, threads);
    }

    /**
     * @param id a command id
     * @param newTags tags
     * @param protectIt whether to protect
     * @return these options for a worker command
     */
    public ArchiveOptions forCommand(final String id, final List<String> newTags, final boolean protectIt) {
        return new ArchiveOptions(dataset, level, newTags, protectIt, id, journal, journalMaxLag, threads);
    }
}
