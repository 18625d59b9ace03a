package dev.vigil.schemas.topic;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The headers every service puts on a record it sends to the dead-letter topic, in one shape, so that a tool that
 * reads or replays dead letters meets one format whichever service refused the record.
 */
public final class DeadLetter {
    /** Header: why the record was refused, UTF-8 text. */
    public static final String REASON_HEADER = "vigil.dlq.reason";
    /** Header: where the record was read, {@code topic/partition@offset} (see {@link #source}). */
    public static final String SOURCE_HEADER = "vigil.dlq.source";
    /**
     * Largest dead letter: the dead-letter topic takes the broker's default record size, while the topics that carry
     * path lists take {@link Topics#LARGE_RECORD_BYTES}.
     */
    public static final int MAX_RECORD_BYTES = 1 << 20;
    /** Room a dead letter leaves under its limit for the record's framing (its header bytes are counted as they are). */
    static final int FRAMING_BYTES = 512;
    /** Longest key a dead letter too large for its bytes still keeps: a host name or a dataset id, not a payload. */
    private static final int KEPT_KEY_BYTES = 1024;

    private DeadLetter() {
    }

    /**
     * @param topic the topic the refused record was read from
     * @param partition its partition
     * @param offset its offset
     * @return {@code topic/partition@offset}, as {@code vigil watch} and {@code vigil publish} print a record's place
     */
    public static String source(final String topic, final int partition, final long offset) {
        return topic + "/" + partition + "@" + offset;
    }

    /**
     * The dead letter of a refused record: its key, value and headers (but an earlier dead letter's reason and
     * source), with this reason and source. One larger than {@code maxRecordBytes} (an 8 MiB event of path lists) is
     * sent without its value, and without a key over 1 KiB, its reason saying so and where the bytes stay: a dead
     * letter the producer or the topic refuses would fail the stream thread, and again at every retry, its partition
     * stuck behind it.
     *
     * @param topic the dead-letter topic
     * @param timestamp the record's timestamp, or null for the producer's time
     * @param key the refused record's key bytes, or null
     * @param value its value bytes, or null
     * @param original its headers, or null
     * @param reason why it was refused
     * @param source where it was read ({@link #source})
     * @param maxRecordBytes the largest record the producer and the topic take
     * @return the record to send
     */
    public static ProducerRecord<byte[], byte[]> record(final String topic, final Long timestamp, final byte[] key,
                                                        final byte[] value, final Headers original,
                                                        final String reason, final String source,
                                                        final int maxRecordBytes) {
        final RecordHeaders headers = new RecordHeaders();
        long size = length(key) + length(value) + FRAMING_BYTES + 2L * reason.length() + source.length();
        if (original != null) {
            for (final Header header : original) {
                if (!REASON_HEADER.equals(header.key()) && !SOURCE_HEADER.equals(header.key())) {
                    headers.add(header);
                    size += header.key().length() + length(header.value());
                }
            }
        }
        String said = reason;
        byte[] keptKey = key;
        byte[] keptValue = value;
        if (size > maxRecordBytes) {
            final boolean dropKey = length(key) > KEPT_KEY_BYTES;
            said += " (its " + length(value) + " bytes" + (dropKey ? " and its key's " + length(key) : "")
                    + " are not kept here: the dead letter would exceed " + maxRecordBytes + " bytes; they stay at "
                    + source + " for that topic's retention)";
            keptValue = null;
            keptKey = dropKey ? null : key;
        }
        headers.add(REASON_HEADER, said.getBytes(StandardCharsets.UTF_8));
        headers.add(SOURCE_HEADER, source.getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(topic, null, timestamp, keptKey, keptValue, headers);
    }

    private static int length(final byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }
}
