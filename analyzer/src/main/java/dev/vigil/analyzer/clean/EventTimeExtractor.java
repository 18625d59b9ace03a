package dev.vigil.analyzer.clean;

import dev.vigil.schemas.HostEvent;
import dev.vigil.schemas.LogRecord;
import dev.vigil.schemas.MetricSample;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Takes a record's Kafka Streams timestamp from its event time (the {@code time} field; the
 * interval end for file activity), so that stream time, punctuation and output timestamps follow
 * when things happened rather than when they were sent. A time the cleaner will reject (missing,
 * far in the future) must not move stream time, so such records get the partition's current time.
 */
public final class EventTimeExtractor implements TimestampExtractor {
    private final Limits limits;

    /** @param limits the clock and how far ahead an event time may be */
    public EventTimeExtractor(final Limits limits) {
        this.limits = limits;
    }

    @Override
    public long extract(final ConsumerRecord<Object, Object> record, final long partitionTime) {
        final long time = eventTime(record.value());
        if (time > 0 && time - limits.clock().millis() <= limits.maxFutureMillis()) {
            return time;
        }
        return partitionTime >= 0 ? partitionTime : Math.max(0, record.timestamp());
    }

    private static long eventTime(final Object value) {
        final Instant time;
        if (value instanceof MetricSample m) {
            time = m.getTime();
        } else if (value instanceof LogRecord l) {
            time = l.getTime();
        } else if (value instanceof HostEvent e) {
            time = e.getFileActivity() != null && e.getFileActivity().getIntervalEnd() != null
                    ? e.getFileActivity().getIntervalEnd() : e.getTime();
        } else {
            time = null;
        }
        return time == null ? 0 : time.toEpochMilli();
    }
}
