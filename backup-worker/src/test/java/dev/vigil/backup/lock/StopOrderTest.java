package dev.vigil.backup.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.backup.lock.StopOrder.Step;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The order of a stop (Ctrl-C, SIGTERM): the work and its index, then no more saves, then the locks; never a hang. */
class StopOrderTest {
    private final List<String> done = new CopyOnWriteArrayList<>();

    /** Registers the three steps in the reverse of their order. */
    private void register(final StopOrder order, final Runnable work) {
        order.register(Step.RELEASE_LOCKS, () -> done.add("lock released"));
        order.register(Step.STOP_SAVING, () -> done.add("saves refused"));
        order.register(Step.STOP_WORK, work);
    }

    @Test
    void shouldReleaseTheLocksOnlyAfterTheWorkIndexedWhatItWroteAndSavesAreRefused() {
        final StopOrder order = new StopOrder(Duration.ofMinutes(1));
        register(order, () -> done.add("packs indexed"));
        order.stop();
        assertEquals(List.of("packs indexed", "saves refused", "lock released"), done);
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES) // a deadline for a stop that would hang, not a measure
    void shouldRefuseSavesAndReleaseTheLocksWhenTheWorkDoesNotStopWithinTheGrace() throws Exception {
        final StopOrder order = new StopOrder(Duration.ofMillis(100));
        final CountDownLatch storeAnswers = new CountDownLatch(1);
        register(order, () -> {
            try {
                storeAnswers.await(); // a store that does not answer
                done.add("packs indexed");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        order.stop();
        assertEquals(List.of("saves refused", "lock released"), done, "the stop went on without the index");
        storeAnswers.countDown();
    }

    @Test
    void shouldRunTheActionsOfWorkThatEndsOnlyOnceTheStopBegan() {
        final StopOrder order = new StopOrder(Duration.ofMinutes(1));
        final StopOrder.Registration[] lock = new StopOrder.Registration[1];
        // the failure the stop sets off ends the work, which closes its registrations (the lock's among them)
        lock[0] = order.register(Step.RELEASE_LOCKS, () -> done.add("lock released"));
        order.register(Step.STOP_WORK, () -> {
            lock[0].close();
            done.add("packs indexed");
        });
        order.register(Step.STOP_SAVING, () -> done.add("saves refused")).close(); // a command that ended before
        order.stop();
        assertEquals(List.of("packs indexed", "lock released"), done);
    }
}
