package dev.vigil.backup.archiver;

import dev.vigil.backup.snapshot.Snapshot;
import dev.vigil.backup.snapshot.SnapshotStore;
import dev.vigil.schemas.ByteSizes;
import java.util.Locale;

/**
 * Keeps a backup of an unmounted or emptied dataset from costing its good snapshots. Backups on a timer store what
 * they find, and retention (keep the last N) then forgets the snapshots that still hold the data: so an empty
 * dataset directory is refused while its last snapshot had files (nothing worth keeping is in it, and the refusal is
 * what a person sees), and a backup that lost most of the last snapshot's files or bytes is taken (what is left may be
 * evidence) after that snapshot is marked protected.
 */
final class LossGuard {
    private LossGuard() {
    }

    /** @return the files a snapshot holds, 0 when its figures are unknown */
    static long files(final Snapshot s) {
        return s.figures() == null ? 0 : files(s.figures());
    }

    /** @return the files a backup's figures say its snapshot holds (removed ones are not in it) */
    static long files(final Snapshot.SnapshotFigures f) {
        return f.filesNew() + f.filesChanged() + f.filesUnchanged();
    }

    /** @return the bytes of the files a snapshot holds, 0 when unknown */
    static long bytes(final Snapshot s) {
        return s.figures() == null ? 0 : s.figures().bytesTotal();
    }

    /** @return "12,345 files (2.0 GiB)" */
    private static String holding(final long files, final long bytes) {
        return String.format(Locale.ROOT, "%,d %s (%s)", files, files == 1 ? "file" : "files",
                ByteSizes.format(bytes));
    }

    /** @return "snapshot 1a2b3c4d of 2026-11-27T03:00:00Z" */
    static String named(final Snapshot s) {
        return "snapshot " + s.shortId() + " of " + s.time();
    }

    /**
     * @param dataset the dataset id
     * @param root its directory, found empty
     * @param last the dataset's last snapshot, which has files
     * @param moved whether the directory is on another device than at that snapshot
     * @return the refusal
     */
    static EmptySourceException empty(final String dataset, final String root, final Snapshot last,
                                      final boolean moved) {
        return new EmptySourceException("dataset " + dataset + ": " + root + " is empty, but its last "
                + named(last) + " holds " + holding(files(last), bytes(last))
                + (moved ? ", and it is on another file system than then" : "") + ": not mounted, or emptied by "
                + "mistake? Nothing was backed up, so retention cannot forget the snapshots that hold the data");
    }

    /**
     * @param last the dataset's last snapshot before this backup
     * @param now this backup's figures
     * @param ratio the share of files or bytes a loss of more than which counts, in [0, 1]; 0 never
     * @return what was lost, for people ("holds 10 files (1 KiB); snapshot 1a2b3c4d of ... held 12,345 files ..."),
     *     or null when less than that share was
     */
    static String lost(final Snapshot last, final Snapshot.SnapshotFigures now, final double ratio) {
        if (ratio <= 0) {
            return null;
        }
        final long files = files(last);
        final long bytes = bytes(last);
        final long nowFiles = files(now);
        final boolean lostFiles = files > 0 && files - nowFiles > ratio * files;
        final boolean lostBytes = bytes > 0 && bytes - now.bytesTotal() > ratio * bytes;
        if (!lostFiles && !lostBytes) {
            return null;
        }
        return "holds " + holding(nowFiles, now.bytesTotal()) + ", its last " + named(last) + " held "
                + holding(files, bytes) + " (more than " + Math.round(100 * ratio) + "% of its files or bytes gone)";
    }

    /**
     * @param store the repository's snapshots
     * @param s a snapshot to keep
     * @return it protected ({@link SnapshotStore#protect}): a new id, which the old one still resolves to; itself when
     *     protected already
     */
    static Snapshot protect(final SnapshotStore store, final Snapshot s) {
        return store.protect(s);
    }
}
