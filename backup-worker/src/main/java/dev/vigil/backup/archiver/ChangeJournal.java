package dev.vigil.backup.archiver;

import dev.vigil.backup.BackupException;
import dev.vigil.schemas.FileActivity;
import dev.vigil.schemas.json.RecordJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A change journal: the collector's {@code FileActivity} intervals for datasets. An INCREMENTAL
 * backup may trust it instead of scanning the tree only when it provably covers every change since
 * the parent's coverage point: same watcher epoch throughout, no gap in the sequence nor in time,
 * every interval complete, the first interval starting at or before that point, and the last one ending
 * at or after the moment the backup must reflect (a change after the journal's end is not known yet).
 * Otherwise {@link #plan} says why not, and the archiver scans.
 */
public final class ChangeJournal {
    private final List<FileActivity> intervals;
    /** The end of the latest interval received, also when it was since forgotten as covered; null when unknown. */
    private final Instant lastEnd;

    /** @param intervals file activity records, in any order */
    public ChangeJournal(final List<FileActivity> intervals) {
        this(intervals, null);
    }

    /**
     * @param intervals file activity records, in any order
     * @param lastEnd the end of the latest interval received, kept or not, or null
     */
    public ChangeJournal(final List<FileActivity> intervals, final Instant lastEnd) {
        this.intervals = List.copyOf(intervals);
        this.lastEnd = lastEnd;
    }

    /**
     * @param file one {@code FileActivity} per line in {@code RecordJson} form; blank lines ignored
     * @return the journal
     * @throws BackupException naming the line that is not a FileActivity
     */
    public static ChangeJournal read(final Path file) {
        final List<FileActivity> out = new ArrayList<>();
        final List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new BackupException("journal " + file + ": cannot read: " + dev.vigil.schemas.IoErrors.reason(e), e);
        }
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            try {
                out.add(RecordJson.read(lines.get(i), FileActivity.class));
            } catch (IllegalArgumentException e) {
                throw new BackupException("journal " + file + ":" + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return new ChangeJournal(out);
    }

    /**
     * What a backup may do with the journal.
     *
     * @param usable whether it covers every change since the parent
     * @param reason why not, or a summary
     * @param changed paths created, modified or renamed-to, relative to the dataset root
     * @param deleted paths deleted or renamed-from
     * @param coveredUntil end of the last interval
     */
    public record Plan(boolean usable, String reason, Set<String> changed, Set<String> deleted,
                       Instant coveredUntil) {
        static Plan fallback(final String reason) {
            return new Plan(false, reason, Set.of(), Set.of(), null);
        }
    }

    /**
     * @param dataset the dataset being backed up
     * @param coveredFrom the parent's coverage point
     * @param mustReach the journal's last interval must end at or after this instant
     * @return whether and how the journal can replace the scan
     */
    public Plan plan(final String dataset, final Instant coveredFrom, final Instant mustReach) {
        final List<FileActivity> mine = intervals.stream().filter(a -> dataset.equals(a.getDataset()))
                .filter(a -> a.getIntervalEnd().isAfter(coveredFrom))
                .sorted(Comparator.comparingLong(FileActivity::getJournalSequence)).toList();
        if (mine.isEmpty()) {
            return Plan.fallback("journal has no interval of dataset " + dataset + " after " + coveredFrom);
        }
        final FileActivity first = mine.get(0);
        if (first.getIntervalStart().isAfter(coveredFrom)) {
            return Plan.fallback("journal starts at " + first.getIntervalStart() + ", after the parent's coverage "
                    + "point " + coveredFrom);
        }
        final Set<String> changed = new LinkedHashSet<>();
        final Set<String> deleted = new LinkedHashSet<>();
        FileActivity previous = null;
        for (final FileActivity a : mine) {
            if (!a.getWatcherEpoch().equals(first.getWatcherEpoch())) {
                return Plan.fallback("watcher restarted (epoch " + first.getWatcherEpoch() + " then "
                        + a.getWatcherEpoch() + ")");
            }
            if (previous != null && a.getJournalSequence() != previous.getJournalSequence() + 1) {
                return Plan.fallback("gap in the journal: interval " + previous.getJournalSequence() + " then "
                        + a.getJournalSequence());
            }
            if (previous != null && a.getIntervalStart().isAfter(previous.getIntervalEnd())) {
                return Plan.fallback("gap in the journal: interval " + previous.getJournalSequence() + " ended at "
                        + previous.getIntervalEnd() + ", interval " + a.getJournalSequence() + " started at "
                        + a.getIntervalStart());
            }
            if (!a.getComplete()) {
                return Plan.fallback("interval " + a.getJournalSequence() + " is incomplete (overflow or truncated)");
            }
            for (final String p : a.getChangedPaths()) {
                changed.add(normalize(p));
            }
            for (final String p : a.getDeletedPaths()) {
                deleted.add(normalize(p));
            }
            previous = a;
        }
        if (changed.contains(null) || deleted.contains(null)) {
            return Plan.fallback("journal names a path outside the dataset");
        }
        if (changed.stream().anyMatch(ChangeJournal::lossy) || deleted.stream().anyMatch(ChangeJournal::lossy)) {
            // the collector's JVM wrote U+FFFD for bytes that are not UTF-8: the file it means is not known exactly
            return Plan.fallback("journal names a path that is not valid UTF-8");
        }
        final Instant until = previous.getIntervalEnd();
        if (until.isBefore(mustReach)) {
            return Plan.fallback("journal ends at " + until + ", before " + mustReach + ": later changes are not "
                    + "known yet");
        }
        return new Plan(true, mine.size() + " intervals, " + changed.size() + " changed and " + deleted.size()
                + " deleted paths", Set.copyOf(changed), Set.copyOf(deleted), until);
    }

    /**
     * @param dataset a dataset
     * @param instant a moment
     * @return whether an interval of the dataset ends at or after it
     */
    public boolean reaches(final String dataset, final Instant instant) {
        return intervals.stream()
                .anyMatch(a -> dataset.equals(a.getDataset()) && !a.getIntervalEnd().isBefore(instant));
    }

    /**
     * @param dataset a dataset
     * @param instant a moment
     * @return whether an interval of the dataset ended after it: a collector was delivering then
     */
    public boolean activeSince(final String dataset, final Instant instant) {
        return lastEnd != null && lastEnd.isAfter(instant) || intervals.stream()
                .anyMatch(a -> dataset.equals(a.getDataset()) && a.getIntervalEnd().isAfter(instant));
    }

    private static boolean lossy(final String path) {
        return path.indexOf('\uFFFD') >= 0;
    }

    /**
     * @return the path without "./" and trailing slashes, or null when it leaves the dataset; a backslash is a byte of
     *     a name, as on any POSIX file system (the collector sends '/'-separated paths), not a separator
     */
    static String normalize(final String path) {
        String p = path;
        while (p.startsWith("./")) {
            p = p.substring(2);
        }
        while (p.endsWith("/") && p.length() > 1) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.startsWith("/") || p.isEmpty()) {
            return null;
        }
        for (final String part : p.split("/")) {
            if (part.equals("..")) {
                return null;
            }
        }
        return p;
    }
}
