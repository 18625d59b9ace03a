package dev.vigil.collector.files;

import dev.vigil.collector.delivery.Outbox;
import dev.vigil.schemas.FileActivity;
import dev.vigil.schemas.HostEvent;
import dev.vigil.schemas.Ids;
import dev.vigil.schemas.MetricSample;
import dev.vigil.schemas.Severity;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link DatasetWatcher} per protected dataset of this host and publishes, every interval
 * and for every dataset, a {@code file.activity} event carrying the {@link FileActivity} and the
 * same figures as metrics with a {@code dataset} attribute. Datasets come and go at run time
 * (configuration, the dataset registry).
 */
public final class FileActivityMonitor implements AutoCloseable {
    /** Event kind of an interval's file activity. */
    public static final String KIND = "file.activity";
    private static final Logger LOG = LoggerFactory.getLogger(FileActivityMonitor.class);

    private final DatasetWatcher.Options options;
    private final Outbox outbox;
    private final String host;
    private final Clock clock;
    private final Map<String, DatasetWatcher> watchers = new LinkedHashMap<>();
    /** Datasets asked for whose directory could not be watched yet; tried again every interval. */
    private final Map<String, Path> waiting = new LinkedHashMap<>();
    private final ScheduledExecutorService executor;
    /** The running watchers, readable without the lock that a running interval holds: close cancels them. */
    private final Set<DatasetWatcher> running = ConcurrentHashMap.newKeySet();

    /**
     * @param options how to watch
     * @param intervalMillis interval length
     * @param outbox where events and metrics go
     * @param host host name
     * @param clock time
     */
    public FileActivityMonitor(final DatasetWatcher.Options options, final long intervalMillis, final Outbox outbox,
                               final String host, final Clock clock) {
        this.options = options;
        this.outbox = outbox;
        this.host = host;
        this.clock = clock;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread t = new Thread(r, "vigil-collector-files");
            t.setDaemon(true);
            return t;
        });
        // Fixed delay: an interval that runs long (a scan of a large tree) is not followed by a queue of others
        executor.scheduleWithFixedDelay(this::closeIntervals, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * Watches a dataset, replacing a watcher of the same id on another path.
     *
     * @param dataset dataset id
     * @param root its directory
     */
    public synchronized void watch(final String dataset, final Path root) {
        final Path abs = root.toAbsolutePath().normalize();
        final DatasetWatcher existing = watchers.get(dataset);
        if (existing != null && existing.root().equals(abs)) {
            return;
        }
        unwatch(dataset);
        if (!tryStart(dataset, abs)) {
            waiting.put(dataset, abs);
        }
    }

    private boolean tryStart(final String dataset, final Path root) {
        try {
            final DatasetWatcher w = DatasetWatcher.start(dataset, root, options, clock);
            watchers.put(dataset, w);
            running.add(w);
            return true;
        } catch (IOException e) {
            if (!waiting.containsKey(dataset)) {
                LOG.warn("dataset {}: cannot watch {} ({}); trying again every interval", dataset, root,
                        e.getMessage());
            }
            return false;
        }
    }

    /** @param dataset a dataset id to stop watching; nothing happens when it is not watched */
    public synchronized void unwatch(final String dataset) {
        waiting.remove(dataset);
        final DatasetWatcher w = watchers.remove(dataset);
        if (w != null) {
            running.remove(w);
            w.close();
            LOG.info("stopped watching dataset {}", dataset);
        }
    }

    /** @return ids of the watched datasets */
    public synchronized java.util.Set<String> datasets() {
        return java.util.Set.copyOf(watchers.keySet());
    }

    private synchronized void closeIntervals() {
        waiting.entrySet().removeIf(e -> tryStart(e.getKey(), e.getValue()));
        for (final DatasetWatcher w : watchers.values()) {
            try {
                publish(w.closeInterval());
            } catch (RuntimeException e) {
                LOG.warn("dataset {}: interval failed: {}", w.dataset(), e.getMessage(), e);
            }
        }
    }

    private void publish(final FileActivity a) {
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
        // A scan in progress stops at its next directory (its interval is published, incomplete), so stopping
        // does not wait for a walk of a large tree
        running.forEach(DatasetWatcher::cancel);
        executor.shutdown();
        try {
            executor.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            watchers.values().forEach(DatasetWatcher::close);
            watchers.clear();
        }
    }
}
