package dev.vigil.collector.delivery;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The disk under the spool being full (ENOSPC, or the user's quota): the spool treats it as its own bound, and this
 * says so once when it starts, then at most one summary a minute while it lasts, and once when a minute passes
 * without it; the appends it refuses come several times a second, too many for a line (let alone a stack trace) each.
 * Used under the spool's lock.
 */
final class DiskFull {
    private static final Logger LOG = LoggerFactory.getLogger(Spool.class);
    private static final long SUMMARY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Path dir;
    private final LongSupplier nanoTime;
    private boolean full;
    private long lastRefusal;
    private long lastSummary;
    private long refusals;
    private long segmentsDropped;
    private long recordsDropped;

    DiskFull(final Path dir, final LongSupplier nanoTime) {
        this.dir = dir;
        this.nanoTime = nanoTime;
    }

    /** @return whether the exception says the filesystem has no room (or the quota is used up) */
    static boolean is(final IOException e) {
        final String m = e.getMessage();
        return m != null && (m.contains("No space left on device") || m.contains("Disk quota exceeded"));
    }

    /** A write was refused for lack of room. */
    void refused(final IOException e) {
        final long now = nanoTime.getAsLong();
        lastRefusal = now;
        refusals++;
        if (!full) {
            full = true;
            lastSummary = now;
            LOG.warn("spool {}: the disk is full ({}); treated as a full spool: the oldest metrics are dropped first, "
                    + "then the oldest logs, events last, and reported as spool.dropped. A summary follows every "
                    + "minute while it lasts", dir, e.getMessage());
        } else if (now - lastSummary >= SUMMARY_NANOS) {
            summary(now);
        }
    }

    /** A segment was dropped to make room on the disk. */
    void segmentDropped() {
        segmentsDropped++;
    }

    /** Records were dropped because nothing more could be dropped to make room. */
    void recordsDropped(final long n) {
        recordsDropped += n;
    }

    /** A write went through: after a minute without refusals, the condition is over. */
    void wrote() {
        if (full && nanoTime.getAsLong() - lastRefusal >= SUMMARY_NANOS) {
            summary(nanoTime.getAsLong());
            full = false;
            LOG.info("spool {}: the disk has had room for a minute", dir);
        }
    }

    /** @return whether the disk was full within the last minute */
    boolean active() {
        return full;
    }

    private void summary(final long now) {
        if (refusals > 0) {
            LOG.warn("spool {}: the disk is still full: {} writes refused, {} segments dropped to make room, {} new "
                    + "records dropped in the last {} s", dir, refusals, segmentsDropped, recordsDropped,
                    TimeUnit.NANOSECONDS.toSeconds(now - lastSummary));
        }
        refusals = 0;
        segmentsDropped = 0;
        recordsDropped = 0;
        lastSummary = now;
    }
}
