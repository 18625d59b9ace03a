package dev.vigil.backup.app;

import java.time.Duration;

/**
 * Says when the worker has had no connection to any broker for a while, and when it is back. The consumer itself
 * reconnects silently (its own warnings are per node and per attempt), so without this an operator sees a worker
 * that looks healthy while commands wait.
 */
final class BrokerContact {
    private final long patienceNanos;
    private long lostAt = -1;
    private boolean reported;

    /** @param patience how long without a connection before it is reported */
    BrokerContact(final Duration patience) {
        this.patienceNanos = patience.toNanos();
    }

    /**
     * @param connections open broker connections now (the consumer's {@code connection-count} metric)
     * @param nanoTime a monotonic time, {@link System#nanoTime()}
     * @return a line to log, or null when there is nothing new to say
     */
    String observe(final double connections, final long nanoTime) {
        if (connections > 0) {
            final String back = reported ? String.format(java.util.Locale.ROOT,
                    "Kafka reachable again after %d s; commands are read again", (nanoTime - lostAt) / 1_000_000_000L)
                    : null;
            lostAt = -1;
            reported = false;
            return back;
        }
        if (lostAt < 0) {
            lostAt = nanoTime;
        } else if (!reported && nanoTime - lostAt >= patienceNanos) {
            reported = true;
            return String.format(java.util.Locale.ROOT, "no connection to any Kafka broker for %d s; commands wait "
                    + "until the cluster is reachable (check bootstrap.servers and the brokers)",
                    (nanoTime - lostAt) / 1_000_000_000L);
        }
        return null;
    }
}
