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

    /**
     * @param done bytes done
     * @param total bytes the whole work holds, or 0 when not known
     * @param elapsedNanos time since the work began
     * @return e.g. "12.0 MiB of 48.0 MiB (25 %, about 6 s left)"; the time left once there is a rate to go by
     */
    static String ofTotal(final long done, final long total, final long elapsedNanos) {
        if (total <= 0) {
            return RepoSubcommand.bytes(done);
        }
        final long percent = Math.min(99, done * 100 / total); // 100 only when it is over
        final String left = done > 0 && elapsedNanos > 2_000_000_000L && done < total
                ? ", about " + Math.max(1, Math.round(elapsedNanos / 1e9 * (total - done) / done)) + " s left" : "";
        // what is written may pass the files' sizes a little (whole blocks): not past the total on the screen
        return RepoSubcommand.bytes(Math.min(done, total)) + " of " + RepoSubcommand.bytes(total) + " (" + percent
                + " %" + left + ")";
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
