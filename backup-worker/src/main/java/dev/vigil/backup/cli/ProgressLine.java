package dev.vigil.backup.cli;

import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Redraws one status line on a terminal's stderr four times a second; does nothing elsewhere. */
final class ProgressLine implements AutoCloseable {
    private final ScheduledExecutorService timer;
    private final PrintStream err;

    ProgressLine(final boolean enabled, final PrintStream err, final Supplier<String> line) {
        this.err = err;
        if (!enabled) {
            timer = null;
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread t = new Thread(r, "vigil-progress");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(() -> err.print("\r\033[K" + line.get()), 250, 250, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
            err.print("\r\033[K");
            err.flush();
        }
    }
}
