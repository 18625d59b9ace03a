package dev.vigil.collector.delivery;

import dev.vigil.schemas.HostEvent;
import dev.vigil.schemas.LogRecord;
import dev.vigil.schemas.MetricSample;
import java.util.ArrayList;
import java.util.List;

/** An outbox that keeps what it is given, for tests of the readers. */
public final class RecordingOutbox implements Outbox {
    public final List<MetricSample> metrics = new ArrayList<>();
    public final List<LogRecord> logs = new ArrayList<>();
    public final List<HostEvent> events = new ArrayList<>();
    public int syncs;

    @Override
    public synchronized boolean publish(final MetricSample sample) {
        return metrics.add(sample);
    }

    @Override
    public synchronized boolean publish(final LogRecord record) {
        return logs.add(record);
    }

    @Override
    public synchronized boolean publish(final HostEvent event) {
        return events.add(event);
    }

    @Override
    public synchronized void sync() {
        syncs++;
    }

    /** @return the messages of the log records so far */
    public synchronized List<String> messages() {
        return logs.stream().map(LogRecord::getMessage).toList();
    }
}
