package dev.vigil.collector.files;

import dev.vigil.schemas.FileActivity;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Watches a dataset in a child JVM, for tests that need the watcher to run with other rights or in another mount
 * namespace than the test's. For each line read from stdin: runs it as a shell command in the dataset when it is not
 * empty (in the probe's namespace), closes an interval and prints
 * {@code COUNTS created=N modified=N deleted=N}, then {@code INTERVAL <mode> <complete> <changed paths> <deleted paths>}.
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
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (!line.isEmpty() && new ProcessBuilder("sh", "-c", line).directory(Path.of(args[0]).toFile())
                        .inheritIO().start().waitFor() != 0) {
                    System.out.println("FAILED " + line);
                }
                Thread.sleep(300); // notifications of what was just done
                final FileActivity a = w.closeInterval();
                System.out.println("COUNTS created=" + a.getCreated() + " modified=" + a.getModified() + " deleted="
                        + a.getDeleted());
                System.out.println("INTERVAL " + w.mode() + " " + a.getComplete() + " " + a.getChangedPaths() + " "
                        + a.getDeletedPaths());
                System.out.flush();
            }
        }
    }
}
