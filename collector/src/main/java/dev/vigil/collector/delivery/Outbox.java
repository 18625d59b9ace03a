package dev.vigil.collector.delivery;

import dev.vigil.schemas.HostEvent;
import dev.vigil.schemas.LogRecord;
import dev.vigil.schemas.MetricSample;

/**
 * Where the agent's readers hand over records. A record is accepted when a method returns true:
 * from then on it reaches Kafka with its id, even across a crash of the agent, unless the spool
 * drops it for space (counted and reported).
 */
public interface Outbox {
    /** @param sample a metric sample with its id @return whether it was accepted */
    boolean publish(MetricSample sample);

    /** @param record a log record with its id @return whether it was accepted */
    boolean publish(LogRecord record);

    /**
     * Accepts several log records at once (one disk write for all).
     *
     * @param records log records with their ids, in order
     * @return how many were accepted; the others were dropped for space and counted
     */
    default int publishLogs(final java.util.List<LogRecord> records) {
        int accepted = 0;
        for (final LogRecord r : records) {
            accepted += publish(r) ? 1 : 0;
        }
        return accepted;
    }

    /** @param event a host event with its id @return whether it was accepted */
    boolean publish(HostEvent event);

    /** Makes every accepted record survive a crash of the host too (fsync). */
    void sync();
}
