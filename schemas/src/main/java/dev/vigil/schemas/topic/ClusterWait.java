package dev.vigil.schemas.topic;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's first contact with the cluster: waits until it answers, within the service's start-up timeout, and says
 * so at once when it does not. The Kafka clients retry an unreachable broker without a word (their connection warnings
 * are off in Vigil's logging) until their own timeouts, a minute and more per call.
 */
public final class ClusterWait {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterWait.class);
    /** How long a cluster may take to answer before the wait is logged: a reachable one answers in milliseconds. */
    static final Duration QUIET = Duration.ofSeconds(1);
    private static final Duration PAUSE = Duration.ofMillis(200);

    private ClusterWait() {
    }

    /**
     * Waits until the cluster describes itself. After {@link #QUIET} without an answer, logs a WARN naming the
     * bootstrap servers, what the service waits for and how long it will; an INFO when the cluster answers after it.
     *
     * @param admin an admin client on the cluster; the caller closes it
     * @param clientConfig the client settings, for {@code bootstrap.servers} in the messages
     * @param timeout how long to wait, at least 1 ms
     * @param timeoutKey the setting that gives the timeout, for the messages (e.g. {@code startup.timeout.ms})
     * @param purpose what the service waits for, after "waiting" (e.g. "to create or check the analyzer's topics")
     * @throws KafkaException naming the servers, the timeout and its setting when the cluster did not answer in time,
     *     or at once when it refused (authentication, say); {@link InterruptException} when interrupted
     */
    public static void await(final Admin admin, final Map<String, ?> clientConfig, final Duration timeout,
                             final String timeoutKey, final String purpose) {
        final String servers = servers(clientConfig);
        final long started = System.nanoTime();
        final long deadline = started + timeout.toNanos();
        boolean warned = false;
        Throwable last = null;
        for (long remaining = timeout.toNanos(); remaining > 0; remaining = deadline - System.nanoTime()) {
            final KafkaFuture<? extends Collection<?>> nodes = admin.describeCluster(new DescribeClusterOptions()
                    .timeoutMs((int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(remaining)))))
                    .nodes();
            try {
                if (warned) {
                    nodes.get(); // the call's own timeout bounds it
                } else {
                    try {
                        nodes.get(Math.min(QUIET.toNanos(), remaining), TimeUnit.NANOSECONDS);
                    } catch (TimeoutException quiet) {
                        warn(servers, timeout, timeoutKey, purpose, null);
                        warned = true;
                        nodes.get();
                    }
                }
                if (warned) {
                    LOG.info("Kafka cluster at {} answered after {} ms", servers,
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                }
                return;
            } catch (ExecutionException e) {
                last = e.getCause();
                if (!(last instanceof RetriableException)) {
                    throw new KafkaException("Kafka cluster at " + servers + " (bootstrap.servers) refused us, waiting "
                            + purpose + ": " + last.getMessage(), last);
                }
                if (!warned) {
                    warn(servers, timeout, timeoutKey, purpose, last);
                    warned = true;
                }
                pause(Math.min(PAUSE.toNanos(), deadline - System.nanoTime()));
            } catch (InterruptedException e) {
                throw new InterruptException("interrupted while waiting for the Kafka cluster at " + servers, e);
            }
        }
        // no cause: the message says everything, and a timeout in the chain would have it said twice
        throw new KafkaException("no answer from the Kafka cluster at " + servers + " (bootstrap.servers) within "
                + timeout.toMillis() + " ms (" + timeoutKey + "), waiting " + purpose
                + "; is it running and reachable from here?" + (last == null ? "" : " (last error: "
                + last.getMessage() + ")"));
    }

    private static void warn(final String servers, final Duration timeout, final String timeoutKey,
                             final String purpose, final Throwable error) {
        LOG.warn("No answer yet from the Kafka cluster at {} (bootstrap.servers){}; waiting up to {} ms ({}) {}",
                servers, error == null ? "" : ": " + error.getMessage(), timeout.toMillis(), timeoutKey, purpose);
    }

    private static void pause(final long nanos) {
        if (nanos <= 0) {
            return;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            throw new InterruptException(e);
        }
    }

    /** @return bootstrap.servers as written, a list joined by commas */
    static String servers(final Map<String, ?> clientConfig) {
        final Object value = clientConfig.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        return value instanceof List<?> list ? String.join(",", list.stream().map(String::valueOf).toList())
                : String.valueOf(value);
    }
}
