package dev.vigil.schemas.config;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Keeps a started service in the foreground of its command until Ctrl-C, or until it stops working on its own. */
public final class Foreground {
    /**
     * How a service command ends when stopped, for its {@code --help}: the JVM exits with the signal's code once the
     * service has closed (a supervisor such as systemd should take them as success: {@code SuccessExitStatus=130 143}).
     */
    public static final String STOPPED = "130 or 143 stopped by Ctrl-C or SIGTERM (after a clean stop)";

    private Foreground() {
    }

    /**
     * Waits until the JVM is asked to stop (then closes the service and returns 0), or until the service stops working
     * without being asked (then returns 1, so that a supervisor restarts it).
     *
     * @param name the command, for the message
     * @param service the started service; closed on Ctrl-C
     * @param working whether the service still works (e.g. Kafka Streams running or rebalancing)
     * @param state what to say when it does not (e.g. the Kafka Streams state)
     * @param err where to say it
     * @return the command's exit code
     * @throws InterruptedException when interrupted while waiting
     */
    public static int run(final String name, final AutoCloseable service, final BooleanSupplier working,
                          final Supplier<String> state, final PrintStream err) throws InterruptedException {
        final CountDownLatch stopped = new CountDownLatch(1);
        final AtomicBoolean closing = new AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            closing.set(true);
            try {
                service.close();
            } catch (Exception e) {
                err.println(name + ": stopping: " + e.getMessage());
            }
            stopped.countDown();
        }, name + "-shutdown"));
        while (!stopped.await(1, TimeUnit.SECONDS)) {
            if (!closing.get() && !working.getAsBoolean()) {
                err.println(name + ": stopped working (" + state.get() + "); see the log above");
                return 1;
            }
        }
        return 0;
    }
}
