package dev.vigil.schemas.topic;

/**
 * The headers every service puts on a record it sends to the dead-letter topic, in one shape, so that a tool that
 * reads or replays dead letters meets one format whichever service refused the record.
 */
public final class DeadLetter {
    /** Header: why the record was refused, UTF-8 text. */
    public static final String REASON_HEADER = "vigil.dlq.reason";
    /** Header: where the record was read, {@code topic/partition@offset} (see {@link #source}). */
    public static final String SOURCE_HEADER = "vigil.dlq.source";

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
}
