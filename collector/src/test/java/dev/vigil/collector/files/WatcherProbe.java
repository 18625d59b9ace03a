package dev.vigil.collector.files;

import dev.vigil.schemas.FileActivity;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Watches a dataset in a child JVM, for tests that need the watcher to run with other rights than the test's: closes
 * an interval for each line read from stdin and prints {@code INTERVAL <mode> <complete> <changed paths>}.
 */
public final class WatcherProbe {
    private WatcherProbe() {
    }

    /** @param args the dataset's directory, the mode */
    public static void main(final String[] args) throws Exception {
        try (DatasetWatcher w = DatasetWatcher.start("ds", Path.of(args[0]),
                DatasetWatcher.Options.of(args[1], 0, 1000, 1 << 20, 8192), Clock.systemUTC())) {
            final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            System.out.println("STARTED");
            System.out.flush();
            while (in.readLine() != null) {
                Thread.sleep(300); // notifications of what the test just did
                final FileActivity a = w.closeInterval();
                System.out.println("INTERVAL " + w.mode() + " " + a.getComplete() + " " + a.getChangedPaths());
                System.out.flush();
            }
        }
    }
}
