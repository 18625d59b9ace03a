package dev.vigil.backup.lock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a process stopped by a signal (Ctrl-C, SIGTERM) does before it ends, in order, from its one shutdown hook.
 * Hooks of their own would run at once, in no fixed order: a lock released while the work still wrote would let a
 * prune delete the packs that a late index file then names. So, in order: the work in progress stops and indexes the
 * packs it wrote whole, for at most {@link #WORK_GRACE} (else they stay unindexed, as after kill -9); then no file is
 * saved any more; then the locks are released. Nothing is written to a repository once its lock is gone.
 */
public final class StopOrder {
    /** How long the work in progress may take to stop and write its index: a stop must not hang on a slow store. */
    public static final Duration WORK_GRACE = Duration.ofSeconds(5);

    /** The steps of a stop, in the order they run. */
    public enum Step {
        /** Stop the work in progress and index what it wrote whole (bounded by {@link #WORK_GRACE}). */
        STOP_WORK,
        /** Refuse new saves and remove the temporary files of those that do not finish. */
        STOP_SAVING,
        /** Release the repository locks. */
        RELEASE_LOCKS
    }

    /** Undoes a registration: the work it stops ended, or the lock it releases was released. */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /** This process's stop, run by its one shutdown hook. */
    private static final StopOrder PROCESS = new StopOrder(WORK_GRACE);
    private static boolean installed;
    private final Duration grace;
    private final Map<Step, Set<Runnable>> actions = new EnumMap<>(Step.class);
    /** Set once the stop began: from then on the stop runs every action, the work's own end closes none. */
    private boolean stopping;

    /** @param grace how long the work may take to stop (tests: shorter than {@link #WORK_GRACE}) */
    StopOrder(final Duration grace) {
        this.grace = grace;
    }

    /**
     * @param step when it runs
     * @param action what runs at that step if the JVM is stopped before the registration is closed
     * @return the registration; close it once the action is no longer needed
     */
    public static Registration onStop(final Step step, final Runnable action) {
        synchronized (StopOrder.class) {
            if (!installed) {
                try {
                    Runtime.getRuntime().addShutdownHook(new Thread(PROCESS::stop, "vigil-stop"));
                } catch (IllegalStateException e) {
                    return () -> { }; // the JVM is stopping already: this work was started after the stop ran
                }
                installed = true;
            }
        }
        return PROCESS.register(step, action);
    }

    /** @see #onStop */
    synchronized Registration register(final Step step, final Runnable action) {
        actions.computeIfAbsent(step, s -> new LinkedHashSet<>()).add(action);
        return () -> {
            synchronized (this) {
                if (!stopping) {
                    actions.getOrDefault(step, Set.of()).remove(action);
                }
            }
        };
    }

    private synchronized List<Runnable> take(final Step step) {
        final Set<Runnable> registered = actions.getOrDefault(step, new LinkedHashSet<>());
        final List<Runnable> taken = new ArrayList<>(registered);
        registered.clear();
        return taken;
    }

    /** The shutdown hook: runs the steps in order. */
    void stop() {
        synchronized (this) {
            stopping = true;
        }
        final List<Runnable> work = take(Step.STOP_WORK);
        if (!work.isEmpty()) {
            // on a thread of its own, so that a store that does not answer delays the stop by the grace only
            final Thread thread = new Thread(() -> work.forEach(StopOrder::runQuietly), "vigil-stop-work");
            thread.setDaemon(true);
            thread.start();
            try {
                thread.join(grace.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // saves are refused before the locks go: an index file still being written then never lands after them
        take(Step.STOP_SAVING).forEach(StopOrder::runQuietly);
        take(Step.RELEASE_LOCKS).forEach(StopOrder::runQuietly);
    }

    private static void runQuietly(final Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            // a stop goes on: what this step could not do is left as a kill -9 would leave it
        }
    }
}
