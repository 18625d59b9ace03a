package dev.vigil.collector.files;

import dev.vigil.collector.files.DatasetWatcher.Mode;
import dev.vigil.collector.files.DatasetWatcher.Registrar;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The change notifications of one {@link DatasetWatcher}: its WatchService (inotify on Linux), one key per registered
 * directory, and the thread that turns notifications into paths to compare. Owns the watcher's {@link Mode}: a
 * directory that cannot be watched (inotify watches ran out) switches it to scanning, and watch mode is tried again
 * every {@code files.watch.retry.ms}.
 *
 * <p>Called under the watcher's lock, except the notification results, the keys and {@link #suspend()}, which the
 * event thread shares.
 */
final class Watches {
    /** The watcher's logger: its messages keep one logger name, the one log configurations select. */
    private static final Logger LOG = LoggerFactory.getLogger(DatasetWatcher.class);

    private final String dataset;
    private final Path root;
    private final long retryMillis;
    /** How directories are registered for notifications. */
    private final Registrar registrar;
    private final Set<Path> notified = ConcurrentHashMap.newKeySet();
    /**
     * Most paths {@link #notified} holds: a burst (a whole tree deleted or unpacked between two intervals) would
     * otherwise hold one path per file besides the index. Beyond it, as the kernel's own queue does, an overflow: the
     * interval rescans the tree, which takes one directory's entries at a time.
     */
    private final int maxNotified;
    private final AtomicBoolean overflow = new AtomicBoolean();
    /**
     * Set when the dataset directory's own watch ended (removed, or replaced by a new one): no notification comes from
     * it any more, so every interval rescans, incomplete, until a rescan finds it and watches it again.
     */
    private volatile boolean rootLost;
    private final Map<WatchKey, Path> keys = new ConcurrentHashMap<>();
    /**
     * The key of each watched directory by its path, to drop the watch of a directory that left the dataset: moved
     * out, it keeps its watch, whose notifications would name paths of the dataset (the key's path) and which counts
     * against the user's inotify limit. Under the watcher's lock only.
     */
    private final Map<Path, WatchKey> byPath = new HashMap<>();
    private Mode mode;
    private WatchService watchService;
    private Thread eventThread;
    private volatile boolean suspended;
    /** Whether watch mode was chosen, so that it is tried again after a registration failed. */
    private boolean watchWanted;
    /** When watch mode is tried again ({@link System#nanoTime()}), after registrations failed. */
    private long watchRetryAt;
    /** Whether the current walk tries watch mode again: a failure then is not news, and loses nothing. */
    private boolean retrying;
    /** Whether a failed retry was said; cleared once watching works again. */
    private boolean retryFailureSaid;
    /** The registration failure to report once the walk that met it has counted the directories. */
    private WatchFailure watchFailure;

    /**
     * @param dataset dataset id, for messages
     * @param root the watched root
     * @param retryMillis after a fall back to scanning, when watch mode is tried again; 0 never
     * @param registrar how directories are registered
     * @param maxNotified most notified paths held until the end of an interval; beyond, an overflow
     */
    Watches(final String dataset, final Path root, final long retryMillis, final Registrar registrar,
            final int maxNotified) {
        this.dataset = dataset;
        this.root = root;
        this.retryMillis = retryMillis;
        this.registrar = registrar;
        this.maxNotified = maxNotified;
    }

    /** Starts in the chosen mode: in watch mode the watch service and its thread; when that fails, scans. */
    void start(final Mode chosen) {
        mode = chosen;
        if (mode == Mode.WATCH) {
            watchWanted = true;
            try {
                startWatching();
            } catch (IOException e) {
                mode = Mode.SCAN; // typically fs.inotify.max_user_instances: scan, and try again later
                watchFailed(root, e, 0);
            }
        }
    }

    /** @return the current mode */
    Mode mode() {
        return mode;
    }

    /** @return whether notifications overflowed since the last call (some were lost); clears it */
    boolean takeOverflow() {
        return overflow.getAndSet(false);
    }

    /** @return whether the dataset directory's own watch ended, and no rescan watched it again yet */
    boolean rootLost() {
        return rootLost;
    }

    /** Clears {@link #rootLost()} once a rescan watches the dataset directory again. */
    void rootRescanned() {
        if (keys.containsValue(root)) {
            rootLost = false;
        }
    }

    /** @return notified paths not yet compared with the index; the live set, which the event thread adds to */
    Set<Path> notified() {
        return notified;
    }

    /** @return whether watch mode is tried again now: it was chosen, registrations failed, and the retry time came */
    boolean retryDue() {
        return mode == Mode.SCAN && watchWanted && retryMillis > 0 && System.nanoTime() - watchRetryAt >= 0;
    }

    /**
     * Registers a directory in watch mode; when that fails (typically the inotify watch limit) the watcher scans from
     * now on.
     */
    void register(final Path dir) {
        if (mode != Mode.WATCH || watchService == null) {
            return;
        }
        try {
            final WatchKey key = registrar.register(dir, watchService);
            final Path was = keys.put(key, dir);
            if (was != null && !was.equals(dir) && key.equals(byPath.get(was))) {
                byPath.remove(was); // the same directory, renamed within the dataset
            }
            final WatchKey before = byPath.put(dir, key);
            if (before != null && !before.equals(key) && dir.equals(keys.get(before))) {
                drop(before); // the path leads to another directory now: the one watched left or was replaced
            }
        } catch (NoSuchFileException | NotDirectoryException e) {
            // Gone or replaced since it was listed: its listing finds it so.
        } catch (AccessDeniedException e) {
            // This directory only (inotify needs read permission): its listing fails the same way, and the watcher
            // lists it again every interval, each incomplete, until it can be read, then watched.
        } catch (IOException e) {
            // Typically the inotify watch limit (fs.inotify.max_user_watches): fall back to scanning.
            final int watched = keys.size();
            mode = Mode.SCAN;
            close();
            watchFailed(dir, e, watched);
        }
    }

    /**
     * The dataset's path leads to another directory now: drops every watch of the old tree, which may live on
     * elsewhere (its notifications would name this dataset's paths, and its watches count against the user's
     * limit), and starts anew; the rescan that follows watches the new tree.
     */
    void restart() {
        if (mode != Mode.WATCH) {
            return;
        }
        close();
        try {
            startWatching();
        } catch (IOException e) {
            mode = Mode.SCAN;
            watchFailed(root, e, 0);
        }
    }

    /**
     * A directory is no longer in the dataset (deleted, or moved out: the walk of a directory it was renamed to
     * within the dataset took its watch already); its watch, if it still has one under that path, is dropped.
     */
    void forget(final Path dir) {
        final WatchKey key = byPath.remove(dir);
        if (key != null && dir.equals(keys.get(key))) {
            drop(key);
        }
    }

    private void drop(final WatchKey key) {
        keys.remove(key);
        key.cancel();
    }

    /** The verification scan found changes the notifications missed: scans from now on, watch mode not tried again. */
    void abandon() {
        mode = Mode.SCAN;
        watchWanted = false;
        close();
    }

    /** Starts the watch service and the thread taking its notifications. */
    private void startWatching() throws IOException {
        watchService = root.getFileSystem().newWatchService();
        mode = Mode.WATCH;
        final WatchService ws = watchService; // the field is cleared when a registration fails, maybe before it runs
        eventThread = new Thread(() -> pumpEvents(ws), "vigil-files-" + dataset);
        eventThread.setDaemon(true);
        eventThread.start();
    }

    /**
     * A directory could not be watched (or no watch service made): the watcher scans, and tries watch mode again in
     * {@code files.watch.retry.ms}. Said once, after the walk, with how many directories the dataset has.
     */
    private void watchFailed(final Path dir, final IOException e, final int watched) {
        watchRetryAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(retryMillis);
        final String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (retrying) {
            // The retry's walk compares the whole tree as a scan does: nothing is missed, the interval stays complete.
            if (!retryFailureSaid) {
                retryFailureSaid = true;
                LOG.info("dataset {}: watch mode tried again, still cannot watch {} ({}); scanning, tried again every "
                        + "{}, said again only once it works", dataset, dir, reason, retryEvery());
            }
            return;
        }
        watchFailure = new WatchFailure(dir, reason, watched);
    }

    private String retryEvery() {
        return dev.vigil.schemas.Durations.format(java.time.Duration.ofMillis(retryMillis));
    }

    /** @return what to do about a registration failure, naming the sysctl of an inotify limit */
    private static String hint(final String reason) {
        if (reason.contains("inotify watches")) {
            return ". Each directory takes one inotify watch of this user's limit, the sysctl "
                    + "fs.inotify.max_user_watches: raise it above the directories of every dataset and other watchers "
                    + "(sysctl -w fs.inotify.max_user_watches=N, and a file in /etc/sysctl.d to keep it)";
        }
        if (reason.contains("inotify instances")) {
            return ". Each dataset takes one inotify instance of this user's fs.inotify.max_user_instances: raise it "
                    + "(sysctl -w fs.inotify.max_user_instances=N, and a file in /etc/sysctl.d to keep it)";
        }
        return "";
    }

    /**
     * Says the registration failure of the walk just ended, with the dataset's directories now counted.
     *
     * @param datasetDirs directories of the latest walk of the whole tree: how many watches the dataset needs
     * @return whether there was one: the interval it happened in is incomplete
     */
    boolean reportFailure(final long datasetDirs) {
        if (watchFailure == null) {
            return false;
        }
        final WatchFailure f = watchFailure;
        final String then = retryMillis > 0
                ? "Watch mode is tried again every " + retryEvery() + " (files.watch.retry.ms); each interval scans the "
                        + "whole tree until then"
                : "Every interval scans the whole tree (files.watch.retry.ms=0: watch mode is not tried again)";
        LOG.warn("dataset {}: cannot watch {} ({}); switching to scan mode, interval marked incomplete; the dataset "
                + "has about {} directories, {} were watched{}. {}", dataset, f.dir(), f.reason(), datasetDirs,
                f.watched(), hint(f.reason()), then);
        watchFailure = null;
        return true;
    }

    /** A directory that could not be watched, why, and how many were watched then. */
    private record WatchFailure(Path dir, String reason, int watched) {
    }

    /**
     * Tries watch mode again.
     *
     * @param walk a walk of the whole tree that registers every directory, and compares it as a scan
     */
    void retry(final Runnable walk) {
        retrying = true;
        try {
            try {
                startWatching();
            } catch (IOException e) {
                watchFailed(root, e, 0);
            }
            walk.run();
        } finally {
            retrying = false;
        }
        if (mode == Mode.WATCH) {
            retryFailureSaid = false;
            LOG.info("dataset {}: watching again ({} directories); intervals no longer scan the whole tree", dataset,
                    keys.size());
        }
    }

    private void pumpEvents(final WatchService ws) {
        try {
            while (true) {
                final WatchKey key = ws.take();
                while (suspended) {
                    Thread.sleep(10);
                }
                final Path dir = keys.get(key);
                for (final WatchEvent<?> event : key.pollEvents()) {
                    if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                        overflow.set(true);
                    } else if (overflow.get()) {
                        // The tree is rescanned at the end of the interval: the path adds nothing
                    } else if (dir != null) {
                        notified.add(dir.resolve((Path) event.context()));
                        if (notified.size() >= maxNotified) {
                            overflow.set(true);
                            notified.clear();
                        }
                    }
                }
                if (!key.reset()) {
                    keys.remove(key);
                    if (root.equals(dir)) {
                        rootLost = true;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ClosedWatchServiceException e) {
            // Closed by close() or a switch to scan mode.
        }
    }

    /**
     * Stops taking notifications, so that the JDK queues them (and overflows), as on a filesystem
     * that does not deliver them; for tests.
     */
    void suspend() {
        suspended = true;
    }

    /** Takes notifications again. */
    void resume() {
        suspended = false;
    }

    /** Closes the watch service, which ends the event thread, and forgets the keys; the mode is left as it is. */
    void close() {
        if (watchService != null) {
            try {
                watchService.close();
            } catch (IOException e) {
                LOG.debug("closing the watch service of {}", dataset, e);
            }
            watchService = null;
            keys.clear();
            byPath.clear();
        }
    }
}
