package dev.vigil.analyzer.app;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says at INFO when a state store is rebuilt from its changelog and how long it took: after a lost state directory, a
 * task moved from another instance, or a stop that was not clean (with exactly-once, Kafka Streams then cannot trust
 * the local state, logs a TaskCorruptedException at WARN, wipes it and rebuilds it from the changelog; nothing is
 * lost). Without this a restore of many series is minutes of silence. One line per store and changelog partition at
 * the start (records to restore) and at the end (records restored, duration), when there is anything to restore.
 * Called by the restore threads.
 */
final class RestoreLog implements StateRestoreListener {
    private static final Logger LOG = LoggerFactory.getLogger(RestoreLog.class);

    private final Clock clock;
    private final Map<String, Long> started = new ConcurrentHashMap<>();

    /** @param clock for durations */
    RestoreLog(final Clock clock) {
        this.clock = clock;
    }

    private static String key(final TopicPartition partition, final String store) {
        return store + " (" + partition + ")";
    }

    @Override
    public void onRestoreStart(final TopicPartition partition, final String store, final long startingOffset,
                               final long endingOffset) {
        if (endingOffset <= startingOffset) {
            // every store of every new task starts so: eight lines per task saying nothing
            LOG.debug("State store {} ({}): nothing to restore", store, partition);
            return;
        }
        started.put(key(partition, store), clock.millis());
        LOG.info("Restoring state store {} from changelog {}: up to {} records (offsets {} to {})", store, partition,
                endingOffset - startingOffset, startingOffset, endingOffset);
    }

    @Override
    public void onBatchRestored(final TopicPartition partition, final String store, final long batchEndOffset,
                                final long numRestored) {
        // the start and end lines are enough; a batch is a few hundred records
    }

    @Override
    public void onRestoreEnd(final TopicPartition partition, final String store, final long totalRestored) {
        final Long start = started.remove(key(partition, store));
        if (start == null && totalRestored == 0) {
            return; // nothing was to restore
        }
        LOG.info("Restored state store {} from changelog {}: {} records in {} ms", store, partition, totalRestored,
                start == null ? "?" : Long.toString(clock.millis() - start));
    }

    @Override
    public void onRestoreSuspended(final TopicPartition partition, final String store, final long totalRestored) {
        final Long start = started.remove(key(partition, store));
        LOG.info("Restore of state store {} from changelog {} stopped after {} records in {} ms: its task moved to "
                + "another thread or instance, which restores it", store, partition, totalRestored,
                start == null ? "?" : Long.toString(clock.millis() - start));
    }
}
