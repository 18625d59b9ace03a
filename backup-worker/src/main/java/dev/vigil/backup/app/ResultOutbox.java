package dev.vigil.backup.app;

import dev.vigil.backup.worker.Ledger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the final results (SUCCEEDED, FAILED, REJECTED) the ledger holds until the cluster acknowledges each, then
 * records that in the ledger. A result the cluster does not take (brokers away longer than the producer's delivery
 * timeout) is sent again after a pause that doubles up to {@link #MAX_PAUSE}, for as long as the worker runs, and
 * after a restart; meanwhile the worker goes on with newer commands. A dataset's results go one at a time, in the
 * order their commands were done (the decision engine reads a dataset's results in order); a re-send is the same
 * record, with the same result id. One thread does all of it, so the state below needs no lock.
 */
final class ResultOutbox implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ResultOutbox.class);
    static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
    static final Duration MAX_PAUSE = Duration.ofSeconds(30);
    private final Ledger ledger;
    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final String host;
    private final Clock clock;
    private final ScheduledThreadPoolExecutor thread;
    /** By dataset: the command ids whose results wait, oldest first. */
    private final Map<String, Deque<String>> waiting = new HashMap<>();
    /** Datasets with a send in flight or a retry scheduled: their next result waits for it. */
    private final Set<String> busy = new HashSet<>();
    private final Map<String, Integer> failures = new HashMap<>();
    /** Since when results could not be delivered, or null while they are. */
    private Instant failingSince;
    private volatile boolean closed;

    ResultOutbox(final Ledger ledger, final KafkaProducer<String, byte[]> producer, final String topic,
                 final String host, final Clock clock) {
        this.ledger = ledger;
        this.producer = producer;
        this.topic = topic;
        this.host = host;
        this.clock = clock;
        this.thread = new ScheduledThreadPoolExecutor(1, r -> {
            final Thread t = Executors.defaultThreadFactory().newThread(r);
            t.setName("vigil-worker-results");
            t.setDaemon(true);
            return t;
        });
        thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /**
     * Sends the result of an entry the ledger holds (after the results of its dataset that wait before it).
     *
     * @param entry a ledger entry whose result is {@link Ledger.Entry#unsent() unsent}
     */
    void add(final Ledger.Entry entry) {
        run(() -> {
            waiting.computeIfAbsent(entry.dataset(), d -> new ArrayDeque<>()).add(entry.commandId());
            next(entry.dataset());
        });
    }

    private void run(final Runnable task) {
        try {
            thread.execute(task);
        } catch (RejectedExecutionException e) {
            // closed: what was not acknowledged stays in the ledger and is sent after the next start
        }
    }

    private void next(final String dataset) {
        final Deque<String> queue = waiting.get(dataset);
        if (closed || busy.contains(dataset) || queue == null) {
            return;
        }
        final String id = queue.peek();
        final Ledger.Entry e = id == null ? null : ledger.get(id);
        if (e == null || !e.unsent()) {
            if (id == null) {
                waiting.remove(dataset);
            } else {
                queue.poll();
                next(dataset);
            }
            return;
        }
        busy.add(dataset);
        try {
            producer.send(new ProducerRecord<>(topic, dataset, e.resultBytes()),
                    (metadata, error) -> run(() -> answered(e, error)));
        } catch (RuntimeException error) {
            // no metadata within max.block.ms, or the producer closed
            answered(e, error);
        }
    }

    private void answered(final Ledger.Entry e, final Exception error) {
        final String dataset = e.dataset();
        if (error == null) {
            ledger.put(e.sent());
            waiting.get(dataset).poll();
            failures.remove(dataset);
            busy.remove(dataset);
            if (failingSince != null && waiting.values().stream().allMatch(Deque::isEmpty)) {
                LOG.info("worker for host {}: every result kept while the cluster did not take them is delivered "
                        + "(they waited since {})", host, failingSince);
                failingSince = null;
            }
            next(dataset);
            return;
        }
        if (closed) {
            return;
        }
        final int n = failures.merge(dataset, 1, Integer::sum);
        if (failingSince == null) {
            failingSince = clock.instant();
            LOG.warn("worker for host {}: cannot deliver the {} result of command {} to {} ({}); it is kept in the "
                    + "ledger and sent again, with any result after it, until the cluster takes it (also after a "
                    + "restart); retrying", host, e.status(), e.commandId(), topic, error.toString());
        } else {
            LOG.debug("worker for host {}: result of command {} still not delivered (try {}): {}", host,
                    e.commandId(), n, error.toString());
        }
        final long pause = Math.min(MAX_PAUSE.toMillis(), FIRST_PAUSE.toMillis() << Math.min(n - 1, 16));
        try {
            thread.schedule(() -> {
                busy.remove(dataset);
                next(dataset);
            }, pause, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // sent after the next start
        }
    }

    /** Stops sending; call before the producer is closed, so that its last acknowledgements are still recorded. */
    void stopSending() {
        closed = true;
    }

    /** Records the acknowledgements the producer's close brought, then stops. */
    @Override
    public void close() {
        closed = true;
        thread.shutdown();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
