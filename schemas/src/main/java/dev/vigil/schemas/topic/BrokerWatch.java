package dev.vigil.schemas.topic;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.Node;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says in one line when a running service has had no connection to any Kafka broker for a while, and since when, and
 * in one line when it has one again. The Kafka clients retry an unreachable cluster without end, and without a word
 * (their per-node connection warnings are off in Vigil's logging): a service whose cluster was gone looked like one
 * with nothing to do. It reads the clients' own {@code connection-count} metrics, once a second.
 *
 * <p>It also says in one line when brokers of the cluster are down (fenced: stopped or dead) and in one when they are
 * all back. The clients move to the partitions' new leaders without a word, and a service goes on while each partition
 * keeps {@code min.insync.replicas} in sync, so a cluster one broker away from refusing writes looked healthy. It asks
 * the cluster for its brokers every {@link #BROKERS_PERIOD}.
 */
public final class BrokerWatch implements AutoCloseable {
    /** How long without any connection before it is said: a broker's restart or a leader's move takes seconds. */
    public static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(BrokerWatch.class);
    private static final Duration PERIOD = Duration.ofSeconds(1);
    /** A consumer not polled for this long does not know whether its connections still work. */
    private static final Duration IDLE = Duration.ofSeconds(10);
    /** How often the brokers are listed: one small request, answered from the broker's metadata. */
    static final Duration BROKERS_PERIOD = Duration.ofSeconds(5);

    private final String service;
    private final String servers;
    private final Supplier<? extends Map<MetricName, ? extends Metric>> metrics;
    private final Duration patience;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final Map<String, Object> adminConfig;
    private Instant lostAt;
    private boolean reported;
    private Admin admin; // created by the timer at its first look, used only there
    private List<Integer> down = List.of();
    private Instant downSince;

    private BrokerWatch(final String service, final Map<String, ?> clientConfig,
                        final Supplier<? extends Map<MetricName, ? extends Metric>> metrics, final Duration patience,
                        final Clock clock) {
        this.service = service;
        this.servers = ClusterWait.servers(clientConfig);
        this.metrics = metrics;
        this.patience = patience;
        this.clock = clock;
        this.adminConfig = new HashMap<>(clientConfig);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread t = new Thread(r, "broker-watch-" + service);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * @param service the service's name in the lines, e.g. {@code analyzer vigil-analyzer}
     * @param clientConfig its client settings, for {@code bootstrap.servers} in the lines
     * @param metrics the metrics of all its Kafka clients ({@code KafkaStreams::metrics}, {@code consumer::metrics})
     * @param patience how long without a connection before it is said ({@link #PATIENCE})
     * @param clock wall time, for the time in the lines
     * @return the watch, running until closed
     */
    public static BrokerWatch start(final String service, final Map<String, ?> clientConfig,
                                    final Supplier<? extends Map<MetricName, ? extends Metric>> metrics,
                                    final Duration patience, final Clock clock) {
        final BrokerWatch watch = new BrokerWatch(service, clientConfig, metrics, patience, clock);
        watch.timer.scheduleWithFixedDelay(watch::check, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        watch.timer.scheduleWithFixedDelay(watch::checkBrokers, 0, BROKERS_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        return watch;
    }

    private void checkBrokers() {
        try {
            if (admin == null) {
                admin = Admin.create(adminConfig);
            }
            final Collection<Node> brokers = admin.describeCluster(new DescribeClusterOptions()
                    .includeFencedBrokers(true).timeoutMs((int) BROKERS_PERIOD.toMillis())).nodes().get();
            final List<Integer> now = brokers.stream().filter(Node::isFenced).map(Node::id).sorted().toList();
            if (now.equals(down)) {
                return;
            }
            final Instant at = clock.instant();
            if (now.isEmpty()) {
                LOG.info("{}: Kafka cluster at {}: all {} brokers up again, after {} s with broker {} down", service,
                        servers, brokers.size(), Duration.between(downSince, at).toSeconds(), join(down));
                downSince = null;
            } else {
                downSince = downSince == null ? at : downSince;
                LOG.warn("{}: Kafka cluster at {}: broker {} of {} down (fenced) since {}; the others lead its "
                        + "partitions, and writes go on while each partition keeps min.insync.replicas in sync; "
                        + "saying so here when it is back", service, servers, join(now),
                        brokers.size(), downSince.truncatedTo(ChronoUnit.SECONDS));
            }
            down = now;
        } catch (ExecutionException e) {
            // the cluster not answering: the connection count tells that
            LOG.debug("{}: brokers not listed: {}", service, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closing
        } catch (RuntimeException e) {
            LOG.debug("{}: brokers not listed: {}", service, e.toString());
        }
    }

    private static String join(final List<Integer> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }

    private void check() {
        try {
            final double connections = connections(metrics.get());
            final Instant now = clock.instant();
            if (connections > 0) {
                if (reported) {
                    LOG.info("{}: Kafka cluster at {} reachable again, after {} s without a connection", service,
                            servers, Duration.between(lostAt, now).toSeconds());
                }
                lostAt = null;
                reported = false;
            } else if (lostAt == null) {
                lostAt = now;
            } else if (!reported && !now.isBefore(lostAt.plus(patience))) {
                reported = true;
                LOG.warn("{}: Kafka cluster at {} unreachable since {} (no connection to any broker); retrying, "
                        + "and saying so here when it is back", service, servers, lostAt.truncatedTo(ChronoUnit.SECONDS));
            }
        } catch (RuntimeException e) {
            // a client closing under us: the next look will tell, and the watch must not stop
            LOG.debug("{}: connection count not read: {}", service, e.toString());
        }
    }

    /**
     * @return the open connections of the clients that look at theirs: a consumer notices a dead connection only in
     *     poll(), so one not polled for a while (Kafka Streams' restore consumer when nothing restores) counts its
     *     connections of before the cluster went away, for ever, and is left out
     */
    static double connections(final Map<MetricName, ? extends Metric> metrics) {
        final Map<String, Double> byClient = new HashMap<>();
        final Set<String> idle = new HashSet<>();
        metrics.forEach((name, metric) -> {
            final String client = name.tags().get("client-id");
            final double value = metric.metricValue() instanceof Number n ? n.doubleValue() : 0;
            if ("connection-count".equals(name.name())) {
                byClient.merge(client, value, Double::sum);
            } else if ("last-poll-seconds-ago".equals(name.name()) && value > IDLE.toSeconds()) {
                idle.add(client);
            }
        });
        byClient.keySet().removeAll(idle);
        return byClient.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            if (!timer.awaitTermination(BROKERS_PERIOD.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.debug("{}: the watch did not stop within {}", service, BROKERS_PERIOD);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (admin != null) {
            admin.close(Duration.ZERO);
        }
    }
}
