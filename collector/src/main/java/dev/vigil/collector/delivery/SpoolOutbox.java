package dev.vigil.collector.delivery;

import dev.vigil.schemas.HostEvent;
import dev.vigil.schemas.LogRecord;
import dev.vigil.schemas.MetricSample;
import dev.vigil.schemas.topic.Topics;

/** The agent's outbox: serializes each record with its topic's serde and appends it to the spool. */
public final class SpoolOutbox implements Outbox {
    private final Spool spool;

    /** @param spool where accepted records wait for Kafka */
    public SpoolOutbox(final Spool spool) {
        this.spool = spool;
    }

    @Override
    public boolean publish(final MetricSample sample) {
        return spool.append(RecordKind.METRIC, sample.getHost(),
                Topics.METRICS.valueSerde().serializer().serialize(Topics.METRICS.name(), sample));
    }

    @Override
    public boolean publish(final LogRecord record) {
        return spool.append(RecordKind.LOG, record.getHost(),
                Topics.LOGS.valueSerde().serializer().serialize(Topics.LOGS.name(), record));
    }

    @Override
    public int publishLogs(final java.util.List<LogRecord> records) {
        final java.util.List<Spool.Entry> entries = new java.util.ArrayList<>(records.size());
        for (final LogRecord r : records) {
            entries.add(new Spool.Entry(r.getHost(),
                    Topics.LOGS.valueSerde().serializer().serialize(Topics.LOGS.name(), r)));
        }
        return spool.appendAll(RecordKind.LOG, entries);
    }

    @Override
    public boolean publish(final HostEvent event) {
        return spool.append(RecordKind.EVENT, event.getHost(),
                Topics.EVENTS.valueSerde().serializer().serialize(Topics.EVENTS.name(), event));
    }

    @Override
    public void sync() {
        spool.sync();
    }
}
