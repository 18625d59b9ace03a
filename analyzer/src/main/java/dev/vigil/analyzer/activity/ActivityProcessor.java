package dev.vigil.analyzer.activity;

import dev.vigil.analyzer.clean.IdHash;
import dev.vigil.analyzer.clean.Limits;
import dev.vigil.analyzer.clean.RejectedRecordException;
import dev.vigil.analyzer.normalize.Point;
import dev.vigil.analyzer.normalize.SeriesKey;
import dev.vigil.analyzer.normalize.Units;
import dev.vigil.schemas.FileActivities;
import dev.vigil.schemas.FileActivity;
import dev.vigil.schemas.HostEvent;
import dev.vigil.schemas.topic.Topics;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * File activity to numbers: each {@code file.activity} event becomes one point per series of its
 * dataset, at the interval's end: files created, modified, deleted and renamed in the interval,
 * bytes written, and the entropy of newly written content when it was sampled. Each series
 * carries attribute {@code dataset}, so anomalies on them name the dataset. Other event kinds
 * carry no numbers and are not analyzed here.
 *
 * <p>Rejected (to the dead-letter topic): a {@code file.activity} event without activity or
 * dataset, a host longer than {@value Limits#MAX_HOST_CHARS} characters, a dataset that makes a series text longer
 * than the metrics' limit, keyed by another than its host, or one no watcher could report
 * ({@link FileActivities#problem}). Other kinds are not read here, so not judged either: the decision engine reads
 * them.
 */
public final class ActivityProcessor implements Processor<String, HostEvent, String, Point> {
    /** The event kind this processor reads. */
    public static final String FILE_ACTIVITY = "file.activity";
    /** Files created per interval. */
    public static final String CREATED = "dataset.files.created";
    /** Files modified per interval. */
    public static final String MODIFIED = "dataset.files.modified";
    /** Files deleted per interval. */
    public static final String DELETED = "dataset.files.deleted";
    /** Files renamed per interval. */
    public static final String RENAMED = "dataset.files.renamed";
    /** Bytes written per interval. */
    public static final String BYTES_WRITTEN = "dataset.bytes.written";
    /** Shannon entropy of sampled new content, bits per byte. */
    public static final String WRITE_ENTROPY = "dataset.write.entropy";

    private final Limits limits;
    private ProcessorContext<String, Point> context;

    /** @param limits what an event must respect */
    public ActivityProcessor(final Limits limits) {
        this.limits = limits;
    }

    @Override
    public void init(final ProcessorContext<String, Point> context) {
        this.context = context;
    }

    @Override
    public void process(final Record<String, HostEvent> record) {
        final HostEvent event = record.value();
        if (event == null) {
            throw new RejectedRecordException("event record without a value");
        }
        if (!FILE_ACTIVITY.equals(event.getKind())) {
            return;
        }
        // Built only when a record is refused.
        final Supplier<String> what = () -> "event " + Limits.quoted(event.getHost()) + "/"
                + Limits.quoted(event.getKind()) + " (id " + Limits.quoted(event.getId()) + ")";
        final String host = Limits.host(what, event.getHost());
        Limits.checkKey(what, record.key(), event.getHost(), Topics.EVENTS.name());
        final FileActivity a = event.getFileActivity();
        if (a == null) {
            throw new RejectedRecordException(what.get() + ": kind file.activity without fileActivity");
        }
        final String dataset = Limits.required(what, a.getDataset(), "fileActivity.dataset");
        // the dataset is in the name of each of its series, which is in every output record of them
        final int seriesChars = SeriesKey.of(WRITE_ENTROPY, new TreeMap<>(Map.of("dataset", dataset))).length();
        if (seriesChars > limits.maxSeriesChars()) {
            throw new RejectedRecordException(what.get() + ": fileActivity.dataset of " + dataset.length()
                    + " characters, making series names of " + seriesChars + ", more than " + limits.maxSeriesChars());
        }
        final long end = a.getIntervalEnd() == null ? 0 : a.getIntervalEnd().toEpochMilli();
        limits.checkTime(what, host, end);
        if (a.getIntervalStart() == null) {
            throw new RejectedRecordException(what.get() + ": fileActivity.intervalStart is required");
        }
        final String problem = FileActivities.problem(a);
        if (problem != null) {
            throw new RejectedRecordException(what.get() + ": " + problem);
        }
        final long[] counts = {a.getCreated(), a.getModified(), a.getDeleted(), a.getRenamed(), a.getBytesWritten()};
        final String[] names = {CREATED, MODIFIED, DELETED, RENAMED, BYTES_WRITTEN};
        final Double entropy = a.getWriteEntropy();
        final String id = event.getId() == null ? "" : event.getId();
        for (int i = 0; i < counts.length; i++) {
            emit(host, dataset, names[i], i == counts.length - 1 ? Units.BYTES : "{file}", end, counts[i], id);
        }
        if (entropy != null) {
            emit(host, dataset, WRITE_ENTROPY, "bit/By", end, entropy, id);
        }
    }

    private void emit(final String host, final String dataset, final String name, final String unit, final long time,
                      final double value, final String id) {
        final String series = SeriesKey.of(name, new TreeMap<>(Map.of("dataset", dataset)));
        final Point p = new Point(host, series, unit, time, value, Point.Kind.FILE, dataset,
                id.isEmpty() ? 0 : IdHash.of(id, name), false);
        context.forward(new Record<>(host, p, time));
    }
}
