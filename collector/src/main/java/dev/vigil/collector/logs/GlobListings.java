package dev.vigil.collector.logs;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists the files of each log glob on a thread of its own, and waits a bounded time for them: a glob whose filesystem
 * does not answer (an NFS server away, a hard mount) holds its own files only, and the tailer reads the others
 * meanwhile. A listing that has not answered is not started again until it does (one thread per glob at most); its
 * result is taken by the round after it answers. Said once at WARN when a glob stops answering, and at INFO when it
 * answers again.
 *
 * @param <T> what a listing returns
 */
final class GlobListings<T> implements AutoCloseable {
    /** The tailer's logger: its messages keep one logger name, the one log configurations select. */
    private static final Logger LOG = LoggerFactory.getLogger(LogTailer.class);

    private final long waitMillis;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        final Thread t = new Thread(r, "vigil-collector-logs-list");
        t.setDaemon(true);
        return t;
    });
    /** Per glob, the listing under way, kept across rounds while it does not answer. */
    private final Map<String, Future<T>> pending = new HashMap<>();
    /** Per glob that does not answer, since when ({@link System#nanoTime()}). */
    private final Map<String, Long> stalled = new HashMap<>();

    /** @param waitMillis how long a round waits for the listings it starts, together */
    GlobListings(final long waitMillis) {
        this.waitMillis = waitMillis;
    }

    /**
     * Lists every glob; returns after every listing answered, or after the wait for those started now (listings that
     * did not answer in an earlier round are not waited for).
     *
     * @param listings per glob, how to list it
     * @return per glob, its listing; a glob missing from it did not answer (its files are left as they are)
     */
    Map<String, T> list(final Map<String, Callable<T>> listings) {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        listings.forEach((base, listing) -> pending.computeIfAbsent(base, b -> threads.submit(listing)));
        final Map<String, T> out = new LinkedHashMap<>();
        for (final String base : List.copyOf(listings.keySet())) {
            final Future<T> f = pending.get(base);
            try {
                final long left = stalled.containsKey(base) ? 0 : Math.max(0, deadline - System.nanoTime());
                out.put(base, f.get(left, TimeUnit.NANOSECONDS));
                pending.remove(base);
                final Long since = stalled.remove(base);
                if (since != null) {
                    LOG.info("logs.paths: {} answers again after {} ms; tailing what matches under it", base,
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since));
                }
            } catch (TimeoutException e) {
                if (stalled.putIfAbsent(base, System.nanoTime()) == null) {
                    LOG.warn("logs.paths: listing {} has not answered within {} ms: a filesystem that does not answer "
                            + "(an NFS or CIFS server away, a hard mount)? Its files are not read until it does, "
                            + "their checkpoints stay where they are; the other logs go on. Said again once it "
                            + "answers", base, waitMillis);
                }
            } catch (ExecutionException e) {
                pending.remove(base);
                LOG.debug("listing {} failed: {}", base, e.getCause().toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return out;
            }
        }
        return out;
    }

    @Override
    public void close() {
        threads.shutdownNow(); // a listing that waits on its filesystem is left to it: its thread is a daemon
    }
}
