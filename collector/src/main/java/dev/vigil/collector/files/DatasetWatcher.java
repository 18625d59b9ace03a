package dev.vigil.collector.files;

import dev.vigil.schemas.FileActivity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one dataset tree and turns its changes into one {@link FileActivity} per interval.
 *
 * <p>The watcher keeps an index of the tree (inode, size, mtime, ctime per path, per directory: {@link PathIndex},
 * about 90 bytes of heap per path, bounded by {@code files.max.indexed.paths}). Change
 * notifications (inotify, through the JDK WatchService: {@link Watches}) only say where to look; at the end of an
 * interval each notified path is compared with the index ({@link NotificationReconciler}), and directories that
 * appeared are walked ({@link TreeScan}), so a directory created, renamed or deleted is reported as every path under
 * it. What notifications cannot tell is looked at too: directories that cannot be read ({@link UnreadableDirs}), a
 * swapped dataset link or a mount inside the dataset ({@link TreeSwaps}), and, now and then, anything they missed
 * ({@link VerificationScan}). In scan mode
 * (filesystems without notifications) the whole tree is compared with the index every interval. When a directory
 * cannot be watched (inotify watches ran out: {@code fs.inotify.max_user_watches}) the watcher scans, and tries watch
 * mode again every {@link Options#watchRetryMillis()} with a walk that registers every directory.
 *
 * <p>Journal: intervals of one watcher run share a {@code watcherEpoch} and have contiguous
 * {@code journalSequence} numbers from 1. An interval is {@code complete} only when no notification
 * was lost (queue overflow), no directory could not be watched or read, the path lists were not
 * cut, and the periodic verification scan found nothing the notifications missed. A change made
 * near the end of an interval may be reported in the next one; none is left out of both.
 */
public final class DatasetWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DatasetWatcher.class);
    private static final Set<String> LOCAL_FS = Set.of("ext2", "ext3", "ext4", "xfs", "btrfs", "tmpfs", "overlay",
            "zfs", "f2fs", "jfs", "reiserfs", "bcachefs", "vfat", "exfat", "ntfs3", "ramfs");

    /** How changes are found. */
    public enum Mode {
        /** Notifications through the JDK WatchService. */
        WATCH,
        /** A full comparison with the previous scan every interval. */
        SCAN
    }

    /**
     * @param mode "auto", "watch" or "scan"
     * @param verifyMillis in watch mode, how often a full scan checks the notifications; 0 never
     * @param maxPaths most paths listed per interval
     * @param sampling entropy budgets
     * @param maxIndexedPaths most paths of the dataset indexed (heap: about {@value PathIndex#BYTES_PER_PATH} bytes each)
     * @param watchRetryMillis after a directory could not be watched (inotify watches ran out) and the watcher fell
     *     back to scanning, how long until watch mode is tried again; 0 never
     */
    public record Options(String mode, long verifyMillis, int maxPaths, Changes.Sampling sampling,
                          int maxIndexedPaths, long watchRetryMillis) {
        /** Default of {@link #maxIndexedPaths}: 300,000 paths, about 26 MiB of heap, within the agent's 64 MiB. */
        public static final int DEFAULT_MAX_INDEXED_PATHS = 300_000;
        /** Default of {@link #watchRetryMillis}: 10 minutes. */
        public static final long DEFAULT_WATCH_RETRY_MILLIS = 600_000L;

        /**
         * @param mode "auto", "watch" or "scan"
         * @param verifyMillis verification scan period; 0 never
         * @param maxPaths most paths per interval
         * @param entropyIntervalBytes most bytes sampled per interval
         * @param entropyFileBytes most bytes sampled per file
         * @return the options
         */
        public static Options of(final String mode, final long verifyMillis, final int maxPaths,
                                 final int entropyIntervalBytes, final int entropyFileBytes) {
            return new Options(mode, verifyMillis, maxPaths,
                    new Changes.Sampling(entropyIntervalBytes, entropyFileBytes), DEFAULT_MAX_INDEXED_PATHS,
                    DEFAULT_WATCH_RETRY_MILLIS);
        }

        /**
         * @return most changed paths one interval keeps in memory (about {@value Changes#BYTES_PER_PATH} bytes each),
         *     and most notified paths waiting for the end of an interval: twice the paths an interval may list, so
         *     that changes undone within it rarely reach it. Beyond it changes are counted only, or (notifications)
         *     the tree is rescanned as after an overflow; either way the interval is incomplete
         */
        public int maxKeptPaths() {
            return Math.max(2 * maxPaths, 1000);
        }

        /** @param max most paths indexed @return these options with that bound */
        public Options withMaxIndexedPaths(final int max) {
            return new Options(mode, verifyMillis, maxPaths, sampling, max, watchRetryMillis);
        }

        /** @param millis after a fall back to scanning, when watch mode is tried again; 0 never @return new options */
        public Options withWatchRetryMillis(final long millis) {
            return new Options(mode, verifyMillis, maxPaths, sampling, maxIndexedPaths, millis);
        }
    }

    private final String dataset;
    private final Path root;
    private final Options options;
    private final Clock clock;
    private final String epoch = UUID.randomUUID().toString();
    /** Per directory, so that a deletion or a walk of one subtree touches that subtree's entries only. */
    private final PathIndex index;
    /** The change notifications, and the mode they decide. */
    private final Watches watches;
    private final UnreadableDirs unreadable;
    private final TreeScan tree;
    private final NotificationReconciler notifications;
    private final VerificationScan verification;
    private final TreeSwaps swaps;
    /** Whether the interval is incomplete for a reason the walks do not see (index full, a directory not watched). */
    private boolean troubled;
    private boolean refusedLogged;
    /** Whether the dataset directory's loss was said: a directory gone for hours is one WARN, not one an interval. */
    private boolean lostSaid;
    /** Whether the latest interval's walk failed unexpectedly: the next walks the whole tree. */
    private boolean rescan;
    private boolean failing;
    private long sequence;
    private Instant intervalStart;

    private DatasetWatcher(final String dataset, final Path root, final Options options, final Clock clock,
                           final Registrar registrar) {
        this.dataset = dataset;
        this.root = root;
        this.options = options;
        this.clock = clock;
        this.index = new PathIndex(options.maxIndexedPaths());
        this.watches = new Watches(dataset, root, options.watchRetryMillis(), registrar, options.maxKeptPaths());
        this.unreadable = new UnreadableDirs(dataset);
        this.tree = new TreeScan(dataset, root, index, watches, unreadable);
        this.notifications = new NotificationReconciler(root, index, watches, tree);
        this.verification = new VerificationScan(dataset, root, options, watches, tree);
        this.swaps = new TreeSwaps(root);
    }

    /**
     * Starts watching: registers notifications (watch mode) and indexes the tree. The first
     * interval starts when this returns.
     *
     * @param dataset dataset id
     * @param root the tree's root directory
     * @param options how to watch
     * @param clock interval times
     * @return the running watcher
     * @throws IOException when the root cannot be read
     */
    public static DatasetWatcher start(final String dataset, final Path root, final Options options,
                                       final Clock clock) throws IOException {
        return start(dataset, root, options, clock, Registrar.JDK);
    }

    /** As {@link #start(String, Path, Options, Clock)}, directories registered through {@code registrar}; for tests. */
    static DatasetWatcher start(final String dataset, final Path root, final Options options, final Clock clock,
                                final Registrar registrar) throws IOException {
        final DatasetWatcher w = prepare(dataset, root, options, clock, registrar);
        w.begin();
        return w;
    }

    /**
     * A watcher that has not touched its tree yet: {@link #begin()} starts it, and {@link #cancel()} can stop that
     * first walk, which takes as long as the tree (or for good, on a filesystem that does not answer).
     */
    static DatasetWatcher prepare(final String dataset, final Path root, final Options options, final Clock clock,
                                  final Registrar registrar) {
        return new DatasetWatcher(dataset, root.toAbsolutePath().normalize(), options, clock, registrar);
    }

    /**
     * Registers notifications (watch mode) and indexes the tree; the first interval starts when this returns.
     *
     * @throws IOException when the root is not a directory or cannot be read; nothing was started, begin may be tried
     *     again
     * @throws TreeScan.Cancelled when {@link #cancel()} stopped the walk; close the watcher
     */
    synchronized void begin() throws IOException {
        tree.reading(root);
        if (!Files.isDirectory(root)) {
            throw new NoSuchFileException(root.toString(), null, "dataset " + dataset + ": not a directory");
        }
        swaps.baseline();
        watches.start(chooseMode());
        try {
            // Notifications that arrive during this first walk are compared at the end of the first interval.
            tree.scan(root, Changes.discarding()); // what is there at start is no change: nothing to keep
        } catch (TreeScan.Cancelled e) {
            throw e;
        } catch (RuntimeException e) {
            watches.close(); // begin is tried again, with a watch service of its own
            throw e;
        }
        if (index.takeRefused()) {
            refusedPaths();
        }
        troubled |= watches.reportFailure(tree.datasetDirs());
        intervalStart = clock.instant();
        LOG.info("watching dataset {} at {} in {} mode ({} paths, epoch {})", dataset, root,
                watches.mode().name().toLowerCase(), index.size(), epoch);
    }

    private Mode chooseMode() throws IOException {
        switch (options.mode()) {
            case "watch":
                return Mode.WATCH;
            case "scan":
                return Mode.SCAN;
            default:
                final String type = Files.getFileStore(root).type();
                if (LOCAL_FS.contains(type)) {
                    return Mode.WATCH;
                }
                LOG.info("dataset {}: filesystem type '{}' may not deliver change notifications; scanning", dataset,
                        type);
                return Mode.SCAN;
        }
    }

    /** @return the id of this watcher run */
    public String epoch() {
        return epoch;
    }

    /** @return the current mode */
    public synchronized Mode mode() {
        return watches.mode();
    }

    /** @return the dataset id */
    public String dataset() {
        return dataset;
    }

    /** @return the watched root */
    public Path root() {
        return root;
    }

    /**
     * Ends the current interval and starts the next.
     *
     * @return the interval's activity, with its sequence number and epoch
     */
    public synchronized FileActivity closeInterval() {
        // A clock stepped back (NTP, a VM restored) must not end an interval before it starts: the analyzer and the
        // engine refuse such an interval whole (FileActivities.problem), paths and all. It ends where it starts
        // until the clock passes that point again, and the intervals stay contiguous.
        final Instant now = clock.instant();
        final Instant end = now.isBefore(intervalStart) ? intervalStart : now;
        final Changes changes = new Changes(options.maxKeptPaths());
        try {
            return closeInterval(changes, end);
        } finally {
            changes.release();
        }
    }

    private FileActivity closeInterval(final Changes changes, final Instant end) {
        boolean complete;
        try {
            complete = findChanges(changes);
        } catch (TreeScan.Cancelled e) {
            // Stopping: the walk was cut short, so the interval may miss changes; the run ends with it.
            complete = false;
        } catch (RuntimeException e) {
            // Unexpected (a filesystem's surprise, a bug): the walk stopped midway, so what it found is published and
            // the rest is looked for by a walk of the whole tree next interval; both may miss changes. Thrown on, the
            // changes found would be lost while the index holds them, and the next interval would claim it has all.
            complete = false;
            rescan = true;
            if (!failing) {
                failing = true;
                LOG.warn("dataset {}: the walk of an interval failed at {}: {}; the tree is walked whole next interval, "
                        + "both intervals marked incomplete. Said again once an interval succeeds", dataset,
                        tree.reading(), e, e);
            }
            return activity(changes, end, false);
        }
        if (failing) {
            failing = false;
            LOG.info("dataset {}: an interval's walk succeeds again", dataset);
        }
        return activity(changes, end, complete);
    }

    private FileActivity activity(final Changes changes, final Instant end, final boolean found) {
        boolean complete = found;
        changes.deleted.forEach((rel, before) -> {
            if (before.directory()) {
                watches.forget(root.resolve(rel));
            }
        });
        if (index.takeRefused()) {
            refusedPaths();
        }
        troubled |= watches.reportFailure(tree.datasetDirs());
        troubled |= tree.takeTroubled();
        troubled |= !unreadable.isEmpty();
        complete &= !troubled;
        troubled = false;
        final FileActivity activity = changes.toActivity(root, options.sampling(), options.maxPaths(), complete,
                intervalStart, end)
                .setDataset(dataset).setJournalSequence(++sequence).setWatcherEpoch(epoch).build();
        intervalStart = end;
        return activity;
    }

    /** @return whether nothing was missed (no overflow, no lost root, the verification found nothing) */
    private boolean findChanges(final Changes changes) {
        boolean complete = true;
        unreadable.forgetGone();
        final Set<Path> remounted = watches.mode() == Mode.WATCH ? swaps.remounted() : Set.of();
        final boolean replaced = watches.mode() == Mode.WATCH && swaps.rootReplaced();
        if (replaced) {
            watches.restart(); // the old tree's watches would notify its changes under this dataset's paths
        }
        final boolean lost = watches.rootLost() || replaced;
        final boolean failed = rescan;
        rescan = false;
        if (watches.takeOverflow() || lost || failed) {
            if (!failed && !(lost && lostSaid)) {
                LOG.warn(lost ? "dataset {}: its directory was removed, replaced or unmounted; rescanning, intervals "
                        + "marked incomplete until it is watched again" : "dataset {}: change notifications "
                        + "overflowed; rescanning, interval marked incomplete", dataset);
            }
            lostSaid |= lost;
            complete = false;
            watches.notified().clear();
            tree.scan(root, changes); // watches the directory again when it is there
            if (lost) {
                watches.rootRescanned();
            }
            if (lostSaid && !watches.rootLost()) {
                LOG.info("dataset {}: its directory is watched again", dataset);
                lostSaid = false;
            }
        } else if (watches.retryDue()) {
            // Tries watch mode again: a walk of the whole tree that registers every directory, compared as a scan.
            watches.retry(() -> tree.scan(root, changes));
        } else if (watches.mode() == Mode.SCAN) {
            tree.scan(root, changes);
        } else {
            notifications.reconcile(changes);
            unreadable.relist(dir -> tree.scan(dir, changes));
            remounted.forEach(dir -> tree.scan(dir, changes));
            complete &= verification.verifyIfDue(changes);
        }
        return complete;
    }

    /** Paths beyond {@code files.max.indexed.paths} are not tracked: said once, and every such interval is incomplete. */
    private void refusedPaths() {
        troubled = true;
        if (!refusedLogged) {
            refusedLogged = true;
            LOG.error("dataset {}: more than {} paths, the most one dataset's index holds (files.max.indexed.paths; "
                    + "about {} bytes of heap each); paths beyond it are not watched and every interval is marked "
                    + "incomplete. Watch a smaller tree, or raise files.max.indexed.paths together with -Xmx "
                    + "(collector/jvm.options)", dataset, options.maxIndexedPaths(), PathIndex.BYTES_PER_PATH);
        }
    }

    /** Registers a directory for notifications; a seam for tests, which cannot safely run out of inotify watches. */
    interface Registrar {
        /** Through the JDK WatchService: inotify on Linux. */
        Registrar JDK = (dir, ws) -> dir.register(ws, StandardWatchEventKinds.ENTRY_CREATE,
                StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY);

        /**
         * @param dir a directory
         * @param ws the watch service
         * @return its key
         * @throws IOException when it cannot be watched ("User limit of inotify watches reached")
         */
        WatchKey register(Path dir, WatchService ws) throws IOException;
    }

    /** @return how many paths the index holds */
    synchronized int indexedPaths() {
        return index.size();
    }

    /** @return notified paths not yet compared with the index; lets tests wait for notifications */
    int pendingNotifications() {
        return watches.notified().size();
    }

    /**
     * Stops taking notifications, so that the JDK queues them (and overflows), as on a filesystem
     * that does not deliver them; for tests.
     */
    void suspendEvents() {
        watches.suspend();
    }

    /** Takes notifications again. */
    void resumeEvents() {
        watches.resume();
    }

    /**
     * Makes a walk in progress stop at its next directory (its interval is then marked incomplete) and every later
     * one at once; takes no lock, so a shutdown need not wait for a long scan. Close after.
     */
    public void cancel() {
        tree.cancel();
    }

    /** @return how far the walks got: grows with every directory listed and path read; read without the lock */
    long progress() {
        return tree.progress();
    }

    /** @return the path the walk in progress reads, or last read; read without the lock */
    Path reading() {
        return tree.reading();
    }

    /** @param hook run before each directory a walk lists; for tests */
    void beforeDirectory(final Runnable hook) {
        tree.beforeDirectory(hook);
    }

    @Override
    public void close() {
        cancel();
        synchronized (this) {
            watches.close();
        }
    }
}
