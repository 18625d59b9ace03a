package dev.vigil.collector.files;

import dev.vigil.schemas.Durations;
import dev.vigil.schemas.FileActivity;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One dataset of a {@link FileActivityMonitor}, on a thread of its own: its first walk, then one interval every
 * {@code files.interval.ms}. A walk takes as long as its tree, and for good on a filesystem that does not answer (an
 * NFS server away, a hard mount): it holds this thread only, so the other datasets' intervals, a watch or an unwatch,
 * and the agent's start go on. A walk that makes no progress is said once, and again once it moves.
 */
final class MonitoredDataset {
    private static final Logger LOG = LoggerFactory.getLogger(FileActivityMonitor.class);

    private final String id;
    private final DatasetWatcher watcher;
    private final long intervalMillis;
    private final Consumer<FileActivity> publish;
    private final ScheduledExecutorService thread;
    /** Turns to walk, shared by the datasets of a monitor: a walk runs only with one. */
    private final Semaphore slots;
    /** Whether this dataset holds a turn; the watchdog takes it back from a walk that waits (compare-and-set). */
    private final AtomicBoolean holding = new AtomicBoolean();
    /** Set by {@link #stop}: a walk in progress ends at its next directory, and nothing is published after. */
    private volatile boolean stopped;
    /** Whether the interval a stop cuts short is still published (the agent stops) or not (the dataset is dropped). */
    private volatile boolean publishCut;
    /** Whether the first walk is done: the dataset's file activity has started. */
    private volatile boolean walked;
    /** When the walk or interval in progress started ({@link System#nanoTime()}), 0 when none is. */
    private volatile long busySince;
    /** The walk's progress when it started ({@link DatasetWatcher#progress()}, which counts across walks). */
    private volatile long busyFrom;
    private boolean waitingSaid;
    /** Apart from {@link #waitingSaid}: a directory missing at first says nothing of a walk that fails later. */
    private boolean failureSaid;
    /** The watchdog's own: the progress it last saw, when, and whether it said the walk waits. */
    private long seenProgress = -1;
    private long seenAt;
    private boolean stallSaid;
    /** The watchdog's own: the walk it looks at ({@link #busySince}), when it last did, how far the walk had got. */
    private long movingOf;
    private long movingAt;
    private long movingProgress;

    /**
     * @param id dataset id
     * @param watcher its watcher, not begun
     * @param intervalMillis interval length
     * @param publish where each interval's activity goes
     * @param slots turns to walk, shared with the other datasets
     */
    MonitoredDataset(final String id, final DatasetWatcher watcher, final long intervalMillis,
                     final Consumer<FileActivity> publish, final Semaphore slots) {
        this.slots = slots;
        this.id = id;
        this.watcher = watcher;
        this.intervalMillis = intervalMillis;
        this.publish = publish;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread t = new Thread(r, "vigil-files-walk-" + id);
            t.setDaemon(true);
            return t;
        });
    }

    /** @return this, its first walk started on its thread */
    MonitoredDataset start() {
        thread.execute(this::firstWalk);
        return this;
    }

    /** @return the dataset's directory */
    Path root() {
        return watcher.root();
    }

    /** @return whether its first walk is done, so that intervals are published */
    boolean walked() {
        return walked && !stopped;
    }

    private void firstWalk() {
        if (stopped || !takeTurn()) {
            return;
        }
        busy();
        try {
            watcher.begin();
        } catch (IOException e) {
            if (!waitingSaid) {
                waitingSaid = true;
                LOG.warn("dataset {}: cannot watch {} ({}); trying again every interval", id, watcher.root(),
                        e.getMessage());
            }
            schedule(() -> thread.schedule(this::firstWalk, intervalMillis, TimeUnit.MILLISECONDS));
            return;
        } catch (TreeScan.Cancelled e) {
            return; // stopped during its first walk: none of its intervals was published, nor will be
        } catch (RuntimeException e) {
            // Unexpected (a filesystem's surprise, a bug): thrown on, it would end this thread's task without a word,
            // and the dataset would never be reported. Said once, with its stack, and tried again as above.
            if (!failureSaid) {
                failureSaid = true;
                LOG.warn("dataset {}: the first walk of {} failed at {}: {}; trying again every interval", id,
                        watcher.root(), watcher.reading(), e, e);
            }
            schedule(() -> thread.schedule(this::firstWalk, intervalMillis, TimeUnit.MILLISECONDS));
            return;
        } finally {
            busySince = 0;
            giveTurn();
        }
        walked = true;
        // Fixed delay: an interval that runs long (a scan of a large tree) is not followed by a queue of others
        schedule(() -> thread.scheduleWithFixedDelay(this::closeInterval, intervalMillis, intervalMillis,
                TimeUnit.MILLISECONDS));
    }

    private void closeInterval() {
        if (!takeTurn()) {
            return; // stopped while waiting: the interval had not begun, nothing of it to publish
        }
        busy();
        try {
            final FileActivity activity = watcher.closeInterval();
            if (!stopped || publishCut) {
                publish.accept(activity);
            }
        } catch (RuntimeException e) {
            LOG.warn("dataset {}: interval failed: {}", id, e.getMessage(), e);
        } finally {
            busySince = 0;
            giveTurn();
        }
    }

    private void busy() {
        busyFrom = watcher.progress();
        busySince = System.nanoTime();
    }

    /**
     * Waits for a turn to walk: with many datasets, their first walks (after a start) and scans would otherwise all
     * read the disks at once, and hold as many trees' listings in the heap. While waiting, the interval goes on (it
     * ends when it is closed), so nothing is missed.
     *
     * @return whether it has one; false when the dataset was stopped meanwhile
     */
    private boolean takeTurn() {
        try {
            while (!stopped) {
                if (slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    holding.set(true);
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /** Gives the turn back, once: by the walk that ends, or by the watchdog for a walk that waits. */
    private void giveTurn() {
        if (holding.compareAndSet(true, false)) {
            slots.release();
        }
    }

    /** Schedules on the dataset's thread, unless it was stopped meanwhile. */
    private void schedule(final Runnable scheduling) {
        try {
            scheduling.run();
        } catch (RejectedExecutionException e) {
            // Stopped: nothing more to do.
        }
    }

    /**
     * Says once when the walk or interval in progress has read nothing for {@code after}, and once when it moves
     * again. Called by the monitor's watchdog, never by the dataset's thread; reads no lock.
     *
     * @param now {@link System#nanoTime()}
     * @param after how long without progress is a wait worth saying, in nanoseconds
     */
    void checkProgress(final long now, final long after) {
        final long since = busySince;
        final long progress = watcher.progress();
        if (since == 0 || progress != seenProgress) {
            if (stallSaid) {
                stallSaid = false;
                LOG.info("dataset {}: the walk of {} goes on after waiting {}", id, watcher.root(),
                        Durations.format(Duration.ofNanos(now - seenAt)));
            }
            seenProgress = progress;
            seenAt = now;
            return;
        }
        final long waited = now - Math.max(seenAt, since);
        if (!stallSaid && waited >= after) {
            stallSaid = true;
            giveTurn(); // a walk that waits, maybe for good, must not keep the other datasets from theirs
            LOG.warn("dataset {}: the {} of {} has waited {} on {} without reading anything: a filesystem that does "
                    + "not answer (an NFS or CIFS server away, a hard mount, a FUSE daemon stuck)? {}; the other "
                    + "datasets (it gives its turn to walk to them) and the rest of the agent go on. Said again once "
                    + "it moves",
                    id, walked ? "walk of an interval" : "first walk", watcher.root(),
                    Durations.format(Duration.ofNanos(waited)), watcher.reading(),
                    walked ? "No file activity is published for it until that walk ends"
                            : "Its file activity starts once its first walk ends");
        }
    }

    /**
     * The walk in progress, at most once every {@code every}, when it read something during the last {@code every}; so
     * never before it has run for two. A walk sends no file activity until it ends, which for a tree of millions of
     * files is longer than the decision engine waits before it takes the silence for a watcher that stopped; a walk
     * that waits on its filesystem (which may have read its root before) is not said to move. Called by the monitor's
     * watchdog.
     *
     * @param now {@link System#nanoTime()}
     * @param every interval length, in nanoseconds
     * @return the walk to say, or null
     */
    Walk moving(final long now, final long every) {
        final long since = busySince;
        if (since == 0) {
            return null;
        }
        if (movingOf != since) {
            movingOf = since;
            movingAt = since;
            movingProgress = -1;
        }
        if (now - movingAt < every) {
            return null;
        }
        final long progress = watcher.progress();
        final boolean moved = movingProgress >= 0 && progress != movingProgress;
        movingAt = now;
        movingProgress = progress;
        return moved ? new Walk(id, root(), !walked, progress - busyFrom, now - since) : null;
    }

    /**
     * A walk under way.
     *
     * @param dataset dataset id
     * @param root its directory
     * @param first whether it is the dataset's first walk (no file activity of this run yet) or an interval's
     * @param read directories listed and paths read so far
     * @param nanos how long it has run
     */
    record Walk(String dataset, Path root, boolean first, long read, long nanos) {
    }

    /**
     * Stops the dataset without waiting for it: a walk in progress ends at its next directory (never, on a filesystem
     * that does not answer), then the watcher is closed on the dataset's thread.
     *
     * @param publishLast whether the interval a stop cuts short is published (incomplete), as when the agent stops
     */
    void stop(final boolean publishLast) {
        publishCut = publishLast;
        stopped = true;
        watcher.cancel();
        giveTurn(); // a walk that waits on its filesystem may never end: its turn is the others' now
        schedule(() -> thread.execute(watcher::close));
        thread.shutdown();
    }

    /**
     * @param millis how long to wait
     * @return whether the dataset's thread ended within it
     * @throws InterruptedException when interrupted
     */
    boolean awaitStopped(final long millis) throws InterruptedException {
        return thread.awaitTermination(millis, TimeUnit.MILLISECONDS);
    }

    /** @return the path its walk reads now or last */
    Path reading() {
        return watcher.reading();
    }

    /** @return the dataset id */
    String id() {
        return id;
    }
}
