package dev.vigil.collector.delivery;

import dev.vigil.collector.CollectorException;
import dev.vigil.schemas.HostEvent;
import dev.vigil.schemas.LogRecord;
import dev.vigil.schemas.MetricSample;
import dev.vigil.schemas.serde.AvroSerde;
import dev.vigil.schemas.topic.Topics;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;

/** The agent's outbox: serializes each record with its topic's serde and appends it to the spool. */
public final class SpoolOutbox implements Outbox {
    /**
     * The log topic serde's encoding (same schema, same single-object format), written straight into
     * one reused buffer: the serde's own path copies every record twice more, 1,000 times a second.
     */
    private static final BinaryMessageEncoder<LogRecord> LOG_ENCODER = new BinaryMessageEncoder<>(
            SpecificData.getForClass(LogRecord.class), ((AvroSerde<LogRecord>) Topics.LOGS.valueSerde()).schema());

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
        return publishLogs(List.of(record)) == 1;
    }

    @Override
    public int publishLogs(final List<LogRecord> records) {
        final List<Spool.Entry> entries = new ArrayList<>(records.size());
        final Buffer buffer = new Buffer();
        for (final LogRecord r : records) {
            entries.add(new Spool.Entry(r.getHost(), encode(r, buffer)));
        }
        return spool.appendAll(RecordKind.LOG, entries);
    }

    /** @return the bytes {@code Topics.LOGS.valueSerde()} would produce for the record */
    static byte[] encode(final LogRecord record, final Buffer buffer) {
        buffer.count = 0;
        try {
            LOG_ENCODER.encode(record, buffer);
        } catch (IOException | RuntimeException e) {
            throw new CollectorException("cannot serialize a log record of " + record.getSource() + ": "
                    + e.getMessage(), e);
        }
        return Arrays.copyOf(buffer.bytes, buffer.count);
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

    /** A growable byte buffer without ByteArrayOutputStream's locking (one thread writes it). */
    static final class Buffer extends OutputStream {
        private byte[] bytes = new byte[1024];
        private int count;

        @Override
        public void write(final int b) {
            if (count == bytes.length) {
                bytes = Arrays.copyOf(bytes, bytes.length * 2);
            }
            bytes[count++] = (byte) b;
        }

        @Override
        public void write(final byte[] b, final int off, final int len) {
            if (count + len > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, count + len));
            }
            System.arraycopy(b, off, bytes, count, len);
            count += len;
        }
    }
}
