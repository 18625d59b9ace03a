package dev.vigil.backup.archiver;

import dev.vigil.backup.repository.HostInfo;
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
 * @param lossRatio a share in [0, 1]: a backup that lost more than it of the dataset's last snapshot's files or bytes
 *     marks that snapshot protected so that no retention forgets it; 0 never does
 * @param allowEmpty back up an empty dataset directory even when the last snapshot had files (refused otherwise)
 * @param host the host name the snapshot records, the one retention groups a dataset's snapshots by; null for this
 *     machine's name. A worker gives its {@code host.name}, so that its snapshots keep one host however the machine
 *     is named (a container's name changes with each start)
 */
public record ArchiveOptions(String dataset, Level level, List<String> tags, boolean protect, String commandId,
                             ChangeJournal journal, Instant journalMustReach, int threads, Excludes excludes,
                             double lossRatio, boolean allowEmpty, String host) {
    /**
     * The default of {@link #lossRatio}: a backup that holds less than half the files or bytes of the last one. Most
     * datasets change by a few percent between backups; losing more than half is an incident (an unmounted or emptied dataset, a
     * truncation) or a deliberate clean-up, and either way the last snapshot holding it all is worth keeping.
     */
    public static final double DEFAULT_LOSS_RATIO = 0.5;

    /** Refuses a journal without the instant it must reach, and a loss ratio outside [0, 1]. */
    public ArchiveOptions {
        if (journal != null && journalMustReach == null) {
            throw new IllegalArgumentException("a journal needs the instant it must reach");
        }
        if (!(lossRatio >= 0 && lossRatio <= 1)) {
            throw new IllegalArgumentException("loss ratio " + lossRatio + ": not in [0, 1]");
        }
        if (excludes == null) {
            excludes = Excludes.NONE;
        }
        if (host == null) {
            host = HostInfo.hostName();
        }
    }

    /** The options with the default loss guard: a loss of {@link #DEFAULT_LOSS_RATIO}, an empty dataset refused. */
    public ArchiveOptions(final String dataset, final Level level, final List<String> tags, final boolean protect,
                          final String commandId, final ChangeJournal journal, final Instant journalMustReach,
                          final int threads, final Excludes excludes) {
        this(dataset, level, tags, protect, commandId, journal, journalMustReach, threads, excludes,
                DEFAULT_LOSS_RATIO, false, null);
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
        return new ArchiveOptions(dataset, level, tags, protect, commandId, j, mustReach, threads, excludes, lossRatio,
                allowEmpty, host);
    }

    /**
     * @param e paths to leave out
     * @return these options with them
     */
    public ArchiveOptions withExcludes(final Excludes e) {
        return new ArchiveOptions(dataset, level, tags, protect, commandId, journal, journalMustReach, threads, e,
                lossRatio, allowEmpty, host);
    }

    /**
     * @param ratio the loss that protects the last snapshot, in [0, 1]; 0 never
     * @param empty whether an empty dataset directory is backed up although the last snapshot had files
     * @return these options with that guard
     */
    public ArchiveOptions withLossGuard(final double ratio, final boolean empty) {
        return new ArchiveOptions(dataset, level, tags, protect, commandId, journal, journalMustReach, threads,
                excludes, ratio, empty, host);
    }

    /**
     * @param name the host name the snapshot records; null for this machine's
     * @return these options with it
     */
    public ArchiveOptions withHost(final String name) {
        return new ArchiveOptions(dataset, level, tags, protect, commandId, journal, journalMustReach, threads,
                excludes, lossRatio, allowEmpty, name);
    }
}
