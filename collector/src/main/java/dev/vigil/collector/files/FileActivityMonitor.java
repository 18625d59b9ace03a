package dev.vigil.collector.files;

import dev.vigil.collector.delivery.Outbox;
import dev.vigil.schemas.FileActivity;
import dev.vigil.schemas.Durations;
import dev.vigil.schemas.HostEvent;
import dev.vigil.schemas.Ids;
import dev.vigil.schemas.MetricSample;
import dev.vigil.schemas.Severity;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link DatasetWatcher} per protected dataset of this host and publishes, every interval
 * and for every dataset, a {@code file.activity} event carrying the {@link FileActivity} and the
 * same figures as metrics with a {@code dataset} attribute. Datasets come and go at run time
 * (configuration, the dataset registry). Each dataset runs on a thread of its own ({@link MonitoredDataset}): its
 * file activity starts once its own first walk is done, and a walk that waits on its filesystem holds no other.
 */
public final class FileActivityMonitor implements AutoCloseable {
    /** Event kind of an interval's file activity. */
    public static final String KIND = "file.activity";
    /**
     * Event kind of a walk that has run for an interval or more and moves: said every interval it goes on reading,
     * since it publishes no file activity until it ends ({@link MonitoredDataset#moving}).
     */
    public static final String WALK_KIND = "file.walk";
    private static final Logger LOG = LoggerFactory.getLogger(FileActivityMonitor.class);
    /**
     * How long the stop waits, for all datasets together, for the intervals it cuts short: a walk ends at its next
     * directory, but never on a filesystem that does not answer, and a stop must end (SIGTERM, systemd's
     * TimeoutStopSec) whatever the filesystems do.
     */
    private static final long STOP_WAIT_MILLIS = 5_000;
    /** Default of {@code files.max.concurrent.walks}: two walks at once, whatever the number of datasets. */
    public static final int DEFAULT_MAX_CONCURRENT_WALKS = 2;

    private final DatasetWatcher.Options options;
    private final long intervalMillis;
    private final Outbox outbox;
    private final String host;
    private final Clock clock;
    /** The walks (first walks, intervals) that may run at once, shared by every dataset. */
    private final java.util.concurrent.Semaphore walkSlots;
    /** Under this object's lock, which nothing holds while walking a tree. */
    private final Map<String, MonitoredDataset> datasets = new LinkedHashMap<>();
    /** Says walks that wait on their filesystem; reads no dataset's lock. */
    private final ScheduledExecutorService watchdog;
    /** Guards {@link #open}: a walk that ends after the stop gave up on it publishes nothing into a closed outbox. */
    private final Object publishing = new Object();
    private boolean open = true;

    /**
     * @param options how to watch
     * @param intervalMillis interval length
     * @param outbox where events and metrics go
     * @param host host name
     * @param clock time
     */
    public FileActivityMonitor(final DatasetWatcher.Options options, final long intervalMillis, final Outbox outbox,
                               final String host, final Clock clock) {
        this(options, intervalMillis, outbox, host, clock, DEFAULT_MAX_CONCURRENT_WALKS);
    }

    /**
     * @param options how to watch
     * @param intervalMillis interval length
     * @param outbox where events and metrics go
     * @param host host name
     * @param clock time
     * @param maxConcurrentWalks how many datasets may walk (a first walk, an interval) at once, at least 1; a walk that
     *     has read nothing for two intervals gives its turn to the others
     */
    public FileActivityMonitor(final DatasetWatcher.Options options, final long intervalMillis, final Outbox outbox,
                               final String host, final Clock clock, final int maxConcurrentWalks) {
        if (maxConcurrentWalks < 1) {
            throw new IllegalArgumentException("maxConcurrentWalks must be at least 1: " + maxConcurrentWalks);
        }
        this.walkSlots = new java.util.concurrent.Semaphore(maxConcurrentWalks);
        this.options = options;
        this.intervalMillis = intervalMillis;
        this.outbox = outbox;
        this.host = host;
        this.clock = clock;
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread t = new Thread(r, "vigil-collector-files");
            t.setDaemon(true);
            return t;
        });
        // Two intervals without reading one path: longer than any interval's own work should wait on a path
        final long stallNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(2 * intervalMillis, 1000));
        final long every = Math.max(100, Math.min(intervalMillis, 1000));
        final long intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMillis);
        watchdog.scheduleWithFixedDelay(() -> running().forEach(d -> {
            final long now = System.nanoTime();
            d.checkProgress(now, stallNanos);
            final MonitoredDataset.Walk walk = d.moving(now, intervalNanos);
            if (walk != null) {
                publish(walk);
            }
        }), every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Watches a dataset, replacing a watcher of the same id on another path. Returns at once: the dataset's first
     * walk runs on its own thread, and its intervals start when that walk is done.
     *
     * @param dataset dataset id
     * @param root its directory
     */
    public void watch(final String dataset, final Path root) {
        watch(dataset, root, null);
    }

    /** @param beforeDirectory run before each directory its walks list, or null; for tests */
    synchronized void watch(final String dataset, final Path root, final Runnable beforeDirectory) {
        final Path abs = root.toAbsolutePath().normalize();
        final MonitoredDataset existing = datasets.get(dataset);
        if (existing != null && existing.root().equals(abs)) {
            return;
        }
        unwatch(dataset);
        final DatasetWatcher watcher = DatasetWatcher.prepare(dataset, abs, options, clock,
                DatasetWatcher.Registrar.JDK);
        if (beforeDirectory != null) {
            watcher.beforeDirectory(beforeDirectory);
        }
        datasets.put(dataset, new MonitoredDataset(dataset, watcher, intervalMillis, this::publish, walkSlots)
                .start());
    }

    /**
     * Stops watching a dataset; returns at once, also while its walk waits on its filesystem, and nothing of it is
     * published after.
     *
     * @param dataset a dataset id; nothing happens when it is not watched
     */
    public synchronized void unwatch(final String dataset) {
        final MonitoredDataset d = datasets.remove(dataset);
        if (d != null) {
            d.stop(false);
            LOG.info("stopped watching dataset {}", dataset);
        }
    }

    /** @return ids of the datasets whose file activity is published: their first walk is done */
    public synchronized java.util.Set<String> datasets() {
        final java.util.Set<String> out = new java.util.LinkedHashSet<>();
        datasets.values().stream().filter(MonitoredDataset::walked).forEach(d -> out.add(d.id()));
        return out;
    }

    private synchronized List<MonitoredDataset> running() {
        return List.copyOf(datasets.values());
    }

    private void publish(final FileActivity a) {
        whileOpen(() -> publishOpen(a));
    }

    /** Runs a publication unless the monitor was closed meanwhile ({@link #publishing}). */
    private void whileOpen(final Runnable publication) {
        synchronized (publishing) {
            if (open) {
                publication.run();
            }
        }
    }

    private void publish(final MonitoredDataset.Walk w) {
        final Instant now = clock.instant();
        final String message = String.format("%s of %s under way: %,d paths read in %s",
                w.first() ? "first walk" : "walk of an interval", w.root(), w.read(),
                Durations.format(Duration.ofNanos(w.nanos()).truncatedTo(ChronoUnit.SECONDS)));
        final Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("walk", w.first() ? "first" : "interval");
        attrs.put("read", Long.toString(w.read()));
        attrs.put("elapsed.ms", Long.toString(TimeUnit.NANOSECONDS.toMillis(w.nanos())));
        whileOpen(() -> outbox.publish(HostEvent.newBuilder().setId(Ids.timeOrdered(now)).setHost(host).setTime(now)
                .setKind(WALK_KIND).setSeverity(Severity.INFO).setDataset(w.dataset()).setMessage(message)
                .setAttributes(attrs).build()));
    }

    private void publishOpen(final FileActivity a) {
        final Instant now = a.getIntervalEnd();
        final String summary = String.format("%d created, %d modified, %d deleted, %d renamed, %d bytes written%s%s",
                a.getCreated(), a.getModified(), a.getDeleted(), a.getRenamed(), a.getBytesWritten(),
                a.getWriteEntropy() == null ? "" : String.format(", entropy %.2f bits/byte", a.getWriteEntropy()),
                a.getComplete() ? "" : " (incomplete)");
        outbox.publish(HostEvent.newBuilder().setId(Ids.timeOrdered(now)).setHost(host).setTime(now).setKind(KIND)
                .setSeverity(Severity.INFO).setDataset(a.getDataset()).setMessage(summary).setFileActivity(a)
                .build());
        metric(now, a.getDataset(), "vigil.dataset.file.operations", a.getCreated(), "{operation}", "created");
        metric(now, a.getDataset(), "vigil.dataset.file.operations", a.getModified(), "{operation}", "modified");
        metric(now, a.getDataset(), "vigil.dataset.file.operations", a.getDeleted(), "{operation}", "deleted");
        metric(now, a.getDataset(), "vigil.dataset.file.operations", a.getRenamed(), "{operation}", "renamed");
        metric(now, a.getDataset(), "vigil.dataset.write.bytes", a.getBytesWritten(), "By", null);
        if (a.getWriteEntropy() != null) {
            metric(now, a.getDataset(), "vigil.dataset.write.entropy", a.getWriteEntropy(), "bit/By", null);
        }
    }

    private void metric(final Instant time, final String dataset, final String name, final double value,
                        final String unit, final String operation) {
        final Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("dataset", dataset);
        if (operation != null) {
            attrs.put("operation", operation);
        }
        outbox.publish(MetricSample.newBuilder().setId(Ids.timeOrdered(time)).setHost(host).setTime(time)
                .setName(name).setValue(value).setUnit(unit).setAttributes(attrs).build());
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        final List<MonitoredDataset> all;
        synchronized (this) {
            all = List.copyOf(datasets.values());
            datasets.clear();
        }
        // A scan in progress stops at its next directory (its interval is published, incomplete), so stopping
        // does not wait for a walk of a large tree
        all.forEach(d -> d.stop(true));
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_WAIT_MILLIS);
        try {
            for (final MonitoredDataset d : all) {
                if (!d.awaitStopped(Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())))) {
                    LOG.warn("dataset {}: stopped without waiting any longer for its walk, which waits on {}", d.id(),
                            d.reading());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (publishing) {
            open = false;
        }
    }
}
