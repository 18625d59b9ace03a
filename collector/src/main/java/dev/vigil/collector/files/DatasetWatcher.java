package dev.vigil.collector.files;

import dev.vigil.schemas.FileActivity;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one dataset tree and turns its changes into one {@link FileActivity} per interval.
 *
 * <p>The watcher keeps an index of the tree (inode, size, mtime, ctime per path, per directory: {@link PathIndex},
 * about 90 bytes of heap per path, bounded by {@code files.max.indexed.paths}). Change
 * notifications (inotify, through the JDK WatchService: {@link Watches}) only say where to look; at the end of an
 * interval each notified path is compared with the index, and directories that appeared are walked,
 * so a directory created, renamed or deleted is reported as every path under it. In scan mode
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
    /** Set by {@link #cancel()} without the lock: a walk running under it stops at its next directory. */
    private volatile boolean cancelled;
    /** Called before each directory a walk lists; for tests that need a walk to be in progress. */
    private volatile Runnable beforeDirectory = () -> { };
    private boolean troubled;
    /**
     * Directories that could not be listed (typically: the agent's user may not read them), with why: said once, listed
     * again every interval, and every interval is incomplete while one is, since what changes in it is not seen.
     */
    private final Map<Path, String> unreadable = new HashMap<>();
    private boolean refusedLogged;
    /** Directories walked in all, and in the latest walk of the whole tree: how many watches the dataset needs. */
    private long walkedDirs;
    private long datasetDirs;
    /** The identity of the directory the dataset's path leads to, when last walked whole. */
    private Object rootKey;
    /** The mounts, to see a filesystem mounted or unmounted inside the dataset. */
    private final MountTable mounts = new MountTable();
    private long sequence;
    private Instant intervalStart;
    private long lastVerify = System.nanoTime();

    private DatasetWatcher(final String dataset, final Path root, final Options options, final Clock clock,
                           final Registrar registrar) {
        this.dataset = dataset;
        this.root = root;
        this.options = options;
        this.clock = clock;
        this.index = new PathIndex(options.maxIndexedPaths());
        this.watches = new Watches(dataset, root, options.watchRetryMillis(), registrar, options.maxKeptPaths());
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
        if (!Files.isDirectory(root)) {
            throw new NoSuchFileException(root.toString(), null, "dataset " + dataset + ": not a directory");
        }
        final DatasetWatcher w = new DatasetWatcher(dataset, root.toAbsolutePath().normalize(), options, clock,
                registrar);
        w.watches.start(w.chooseMode());
        w.rootKey = fileKey(w.root);
        w.mounts.changed();
        // Notifications that arrive during this first walk are compared at the end of the first interval.
        w.scan(w.root, Changes.discarding()); // what is there at start is no change: nothing to keep
        if (w.index.takeRefused()) {
            w.refusedPaths();
        }
        w.troubled |= w.watches.reportFailure(w.datasetDirs);
        w.intervalStart = clock.instant();
        LOG.info("watching dataset {} at {} in {} mode ({} paths, epoch {})", dataset, w.root,
                w.watches.mode().name().toLowerCase(), w.index.size(), w.epoch);
        return w;
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
        boolean complete = true;
        try {
            complete = findChanges(changes);
        } catch (Cancelled e) {
            // Stopping: the walk was cut short, so the interval may miss changes; the run ends with it.
            complete = false;
        }
        changes.deleted.forEach((rel, before) -> {
            if (before.directory()) {
                watches.forget(root.resolve(rel));
            }
        });
        if (index.takeRefused()) {
            refusedPaths();
        }
        troubled |= watches.reportFailure(datasetDirs);
        troubled |= !unreadable.isEmpty();
        complete &= !troubled;
        troubled = false;
        final FileActivity activity = changes.toActivity(root, options.sampling(), options.maxPaths(), complete,
                intervalStart, end)
                .setDataset(dataset).setJournalSequence(++sequence).setWatcherEpoch(epoch).build();
        intervalStart = end;
        return activity;
    }

    /** Thrown inside a walk when the watcher is cancelled. */
    private static final class Cancelled extends RuntimeException {
        Cancelled() {
            super(null, null, false, false);
        }
    }

    /** @return whether nothing was missed (no overflow, no lost root, the verification found nothing) */
    private boolean findChanges(final Changes changes) {
        boolean complete = true;
        // Gone or replaced by a file: its parent's notification or listing tells the index
        unreadable.keySet().removeIf(d -> !Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS));
        final Set<Path> remounted = watches.mode() == Mode.WATCH ? mounts.changed() : Set.of();
        final boolean replaced = watches.mode() == Mode.WATCH && rootReplaced();
        if (replaced) {
            watches.restart(); // the old tree's watches would notify its changes under this dataset's paths
        }
        final boolean lost = watches.rootLost() || replaced;
        if (watches.takeOverflow() || lost) {
            LOG.warn(lost ? "dataset {}: its directory was removed or replaced; rescanning, interval marked incomplete"
                    : "dataset {}: change notifications overflowed; rescanning, interval marked incomplete", dataset);
            complete = false;
            watches.notified().clear();
            scan(root, changes); // watches the directory again when it is there
            if (lost) {
                watches.rootRescanned();
            }
        } else if (watches.retryDue()) {
            // Tries watch mode again: a walk of the whole tree that registers every directory, compared as a scan.
            watches.retry(() -> scan(root, changes));
        } else if (watches.mode() == Mode.SCAN) {
            scan(root, changes);
        } else {
            reconcileNotified(changes);
            relistUnreadable(changes);
            rescanMounts(remounted, changes);
            if (options.verifyMillis() > 0
                    && System.nanoTime() - lastVerify >= TimeUnit.MILLISECONDS.toNanos(options.verifyMillis())) {
                lastVerify = System.nanoTime();
                complete &= verify(changes);
            }
        }
        return complete;
    }

    /**
     * Compares every notified path with the index, directory by directory: one pass over a directory's entries
     * for all of its notified paths. Directories that appeared, and files whose directory is not indexed yet, are
     * walked.
     */
    private void reconcileNotified(final Changes changes) {
        final List<Path> paths = new ArrayList<>(watches.notified());
        watches.notified().removeAll(paths);
        final Map<String, List<Path>> byDir = new TreeMap<>(); // a directory before what is under it
        final Set<Long> linked = new HashSet<>();
        for (final Path p : paths) {
            final String rel = rel(p);
            if (rel.isEmpty()) {
                scan(root, changes);
            } else {
                byDir.computeIfAbsent(parent(rel), k -> new ArrayList<>()).add(p);
            }
        }
        for (final Map.Entry<String, List<Path>> e : byDir.entrySet()) {
            final PathIndex.Dir dir = index.dir(e.getKey());
            if (dir == null) {
                // Walked from its nearest indexed directory; the notified path's parent is the directory itself,
                // where e.getKey() would not be when its name is not UTF-8.
                scan(e.getValue().get(0).getParent(), changes);
                continue;
            }
            final List<Path> inDir = e.getValue();
            inDir.sort(Comparator.comparing(p -> PathIndex.bytes(p.getFileName().toString()), Arrays::compareUnsigned));
            final List<byte[]> names = new ArrayList<>();
            final List<FileState> states = new ArrayList<>();
            final List<Path> dirs = new ArrayList<>();
            for (final Path p : inDir) {
                final FileState now;
                try {
                    now = FileState.of(p);
                } catch (NoSuchFileException x) {
                    names.add(PathIndex.bytes(p.getFileName().toString()));
                    states.add(null);
                    continue;
                } catch (IOException x) {
                    LOG.warn("dataset {}: cannot read {}: {}", dataset, p, x.getMessage());
                    troubled = true;
                    continue;
                }
                if (now.directory()) {
                    dirs.add(p);
                } else {
                    names.add(PathIndex.bytes(p.getFileName().toString()));
                    states.add(now);
                    if (hardLinked(p)) {
                        linked.add(now.inode());
                    }
                }
            }
            index.apply(dir, e.getKey(), names, states, changes);
            dirs.forEach(d -> scan(d, changes));
        }
        if (!linked.isEmpty()) {
            // A write through one name of a hard-linked file notifies that name's directory only: its other names
            // (an inode the index holds under several paths) are compared too, in one pass over the index.
            final Set<String> notifiedRels = new HashSet<>();
            paths.forEach(p -> notifiedRels.add(rel(p)));
            final List<String> others = new ArrayList<>();
            index.pathsOf(linked, rel -> {
                if (!notifiedRels.contains(rel)) {
                    others.add(rel);
                }
            });
            others.forEach(rel -> scan(root.resolve(rel), changes));
        }
    }

    /** @return whether a file has other names (hard links); false when that cannot be read */
    private static boolean hardLinked(final Path file) {
        try {
            return ((Number) Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS)).intValue() > 1;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Lists again the directories that could not be listed: no notification comes from inside one (it cannot be
     * watched either), so this is how the watcher sees that it became readable, or went away.
     */
    private void relistUnreadable(final Changes changes) {
        for (final Path dir : List.copyOf(unreadable.keySet())) {
            if (unreadable.containsKey(dir)) { // not listed meanwhile, as part of another
                scan(dir, changes);
            }
        }
    }

    /**
     * Walks again each directory of the dataset on which a filesystem was mounted or unmounted: it holds other
     * entries now, and nothing notified it (the watch is on the directory below the mount, or on the filesystem
     * gone). The walk compares them with the index and watches the filesystem now there.
     */
    private void rescanMounts(final Set<Path> points, final Changes changes) {
        if (points.isEmpty()) {
            return;
        }
        final Path real;
        try {
            real = root.toRealPath();
        } catch (IOException e) {
            return; // gone: the end of its watch tells
        }
        for (final Path p : points) {
            if (p.startsWith(real) && !p.equals(real)) {
                scan(root.resolve(real.relativize(p)), changes);
            }
        }
    }

    /**
     * @return whether the dataset's path leads to another directory than the one watched: a symbolic link swapped
     *     to another tree (a deployment's {@code current -> releases/N}), or a directory made anew. Notifications come
     *     from the directories watched, so nothing tells it otherwise.
     */
    private boolean rootReplaced() {
        final Object key = fileKey(root);
        if (key == null || key.equals(rootKey)) {
            return false; // gone: the end of its watch tells
        }
        rootKey = key;
        return true;
    }

    /** @return a directory's identity (device and inode), through symbolic links; null when it cannot be read */
    private static Object fileKey(final Path dir) {
        try {
            return Files.readAttributes(dir, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /** Full comparison after the notifications were applied: what differs was missed by them. */
    private boolean verify(final Changes changes) {
        final Changes missed = new Changes(options.maxKeptPaths());
        scan(root, missed);
        try {
            // Notifications of changes made during the scan take a moment to arrive; those are not misses.
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        final Set<String> pending = new HashSet<>();
        watches.notified().forEach(p -> pending.add(rel(p)));
        // A path under a notified one is no miss either: a directory renamed or deleted while the scan walked it
        // makes its whole subtree differ, and the next interval walks a notified directory whole.
        final Predicate<String> notified = rel -> {
            for (String r = rel; ; r = parent(r)) {
                if (pending.contains(r)) {
                    return true;
                }
                if (r.isEmpty()) {
                    return false;
                }
            }
        };
        final boolean clean = missed.created.keySet().stream().allMatch(notified)
                && missed.modified.keySet().stream().allMatch(notified)
                && missed.deleted.keySet().stream().allMatch(notified);
        changes.addAll(missed);
        if (!clean) {
            LOG.warn("dataset {}: the verification scan found changes the notifications missed; interval marked "
                    + "incomplete{}", dataset, "auto".equals(options.mode()) ? ", switching to scan mode" : "");
            if ("auto".equals(options.mode())) {
                watches.abandon(); // notifications are unreliable here: not tried again
            }
        }
        return clean;
    }

    /**
     * Compares a path and everything under it with the index, recording the differences, and registers its
     * directories in watch mode. A path whose directory is not indexed yet is compared from that directory.
     */
    private void scan(final Path start, final Changes changes) {
        final String rel = rel(start);
        if (rel.isEmpty()) {
            final long before = walkedDirs;
            walk(start, rel, index.root(), changes);
            datasetDirs = walkedDirs - before;
            return;
        }
        if (index.dir(parent(rel)) == null) {
            scan(start.getParent(), changes);
            return;
        }
        final FileState before = index.get(rel);
        final FileState now;
        try {
            now = FileState.of(start);
        } catch (NoSuchFileException e) {
            index.remove(rel, changes);
            return;
        } catch (IOException e) {
            LOG.warn("dataset {}: cannot read {}: {}", dataset, start, e.getMessage());
            troubled = true;
            return;
        }
        if (!index.put(rel, now, changes)) {
            return; // the index is full
        }
        if (before == null) {
            changes.created(rel, now);
        } else if (!before.equals(now) && !(now.directory() && before.directory())) {
            changes.modified(rel, before, now);
        }
        if (now.directory()) {
            walk(start, rel, index.dir(rel), changes);
        }
    }

    /** A directory still to walk. */
    private record Pending(Path path, String rel, PathIndex.Dir node) {
    }

    /** A directory's entry as listed. */
    private record Listed(byte[] name, Path path) {
    }

    /**
     * Walks a directory's subtree, one directory at a time: each is listed and merged with its node of the index,
     * so a walk holds one directory's names besides the index (no set of every path seen).
     */
    private void walk(final Path start, final String startRel, final PathIndex.Dir startNode, final Changes changes) {
        final Deque<Pending> todo = new ArrayDeque<>();
        todo.push(new Pending(start, startRel, startNode));
        while (!todo.isEmpty()) {
            final Pending d = todo.pop();
            beforeDirectory.run();
            if (cancelled) {
                throw new Cancelled();
            }
            walkedDirs++;
            watches.register(d.path());
            final List<Listed> listed;
            try {
                listed = list(d.path());
            } catch (IOException e) {
                // Unreadable: its entries stay as indexed (not reported deleted), and intervals are incomplete until
                // it is read. Said once: a scan meets it every interval.
                if (unreadable.put(d.path(), why(e)) == null) {
                    LOG.warn("dataset {}: cannot read {} ({}); every interval is marked incomplete until it can be "
                            + "read, said again only then", dataset, d.path(), why(e));
                }
                continue;
            }
            if (unreadable.remove(d.path()) != null) {
                LOG.info("dataset {}: {} can be read again", dataset, d.path());
            }
            final List<byte[]> names = new ArrayList<>(listed.size());
            listed.forEach(l -> names.add(l.name()));
            index.merge(d.node(), d.rel(), names, j -> stat(listed.get(j).path()), changes,
                    (j, rel, node) -> todo.push(new Pending(listed.get(j).path(), rel, node)));
        }
    }

    /** @return why a path could not be read, in words (an AccessDeniedException's message is the path alone) */
    private static String why(final IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** @return a directory's entries sorted as the index sorts them; none when it is gone */
    private static List<Listed> list(final Path dir) throws IOException {
        final List<Listed> out = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (final Path p : entries) {
                out.add(new Listed(PathIndex.bytes(p.getFileName().toString()), p));
            }
        } catch (NoSuchFileException e) {
            return List.of(); // gone while walking: everything under it is deleted
        } catch (DirectoryIteratorException e) {
            if (e.getCause() instanceof NoSuchFileException) {
                return List.of();
            }
            throw e.getCause();
        }
        out.sort((a, b) -> Arrays.compareUnsigned(a.name(), b.name()));
        return out;
    }

    private FileState stat(final Path p) {
        try {
            return FileState.of(p);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            LOG.warn("dataset {}: cannot read {}: {}", dataset, p, e.getMessage());
            troubled = true;
            return PathIndex.UNREADABLE;
        }
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

    private static String parent(final String rel) {
        final int slash = rel.lastIndexOf('/');
        return slash < 0 ? "" : rel.substring(0, slash);
    }

    private String rel(final Path p) {
        return root.relativize(p).toString();
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
        cancelled = true;
    }

    /** @param hook run before each directory a walk lists; for tests */
    void beforeDirectory(final Runnable hook) {
        beforeDirectory = hook;
    }

    @Override
    public void close() {
        cancel();
        synchronized (this) {
            watches.close();
        }
    }
}
