package dev.vigil.collector.cli;

import dev.vigil.collector.files.DatasetWatcher;
import dev.vigil.schemas.Durations;
import dev.vigil.schemas.FileActivity;
import dev.vigil.schemas.json.RecordJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vigil collector journal}: the file-activity watcher alone, writing a change journal. */
@Command(name = "journal", mixinStandardHelpOptions = true,
        description = {
            "Watch one directory tree and append, every interval, its FileActivity",
            "as one JSON line to FILE, until Ctrl-C (the last, partial interval is",
            "written before exiting). Needs no Kafka.",
            "Each line has journalSequence (1, 2, 3... without gaps in one run) and",
            "watcherEpoch (new for each run). An incremental backup may trust the",
            "changed and deleted paths of a run only if every line from sequence 1",
            "has complete=true. A directory created, renamed or deleted is listed",
            "as every path under it.",
            "Exit codes: 0 after --count intervals, " + dev.vigil.schemas.config.Foreground.STOPPED + ", 1 failed, 2 bad usage."})
public final class JournalCommand implements Callable<Integer> {
    @Option(names = "--dataset", required = true, paramLabel = "ID=PATH", description = "Dataset id and its directory.")
    String dataset;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Journal file, appended to.")
    Path out;

    @Option(names = "--interval", defaultValue = "10s", paramLabel = "DURATION",
            description = "Interval length, e.g. 500ms, 10s, 5m (default: ${DEFAULT-VALUE}).")
    String interval;

    @Option(names = "--mode", defaultValue = "auto", description = "auto, watch or scan (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--max-paths", defaultValue = "40000",
            description = "Most paths one interval lists; more makes the interval incomplete, and an interval keeps at "
                    + "most twice as many in memory, then counts changes only (default: ${DEFAULT-VALUE}).")
    int maxPaths;

    @Option(names = "--count", defaultValue = "0",
            description = "Stop after this many intervals; 0 runs until Ctrl-C (default: ${DEFAULT-VALUE}).")
    long count;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        final int eq = dataset.indexOf('=');
        if (eq <= 0 || eq == dataset.length() - 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--dataset: expected ID=PATH, got '"
                    + dataset + "'");
        }
        if (!mode.matches("auto|watch|scan")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--mode: expected auto, watch or scan");
        }
        final Duration every = parseDuration(spec.commandLine(), interval);
        final DatasetWatcher watcher = DatasetWatcher.start(dataset.substring(0, eq),
                Path.of(dataset.substring(eq + 1)), DatasetWatcher.Options.of(mode, 300_000, maxPaths, 262_144, 8_192),
                Clock.systemUTC());
        final CountDownLatch stop = new CountDownLatch(1);
        final CountDownLatch done = new CountDownLatch(1);
        final Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                done.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "vigil-journal-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        System.err.printf("journal of dataset %s (%s, %s mode, epoch %s) -> %s every %s; Ctrl-C stops%n",
                watcher.dataset(), watcher.root(), watcher.mode().name().toLowerCase(Locale.ROOT), watcher.epoch(),
                out, every);
        try (watcher; FileChannel file = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            long written = 0;
            boolean stopping = false;
            while (!stopping && (count == 0 || written < count)) {
                stopping = stop.await(every.toMillis(), TimeUnit.MILLISECONDS);
                append(file, watcher.closeInterval());
                written++;
            }
        } finally {
            done.countDown();
            if (stop.getCount() > 0) {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
        }
        return 0;
    }

    private static void append(final FileChannel file, final FileActivity activity) throws IOException {
        final ByteBuffer line = ByteBuffer.wrap((RecordJson.write(activity) + "\n").getBytes(StandardCharsets.UTF_8));
        while (line.hasRemaining()) {
            file.write(line);
        }
        // A journal line that a crash could take back would break the sequence the reader relies on.
        file.force(false);
    }

    /**
     * @param cl for the error
     * @param text a duration as {@link Durations} reads it, at least 100ms
     * @return the duration
     */
    static Duration parseDuration(final CommandLine cl, final String text) {
        final Duration d;
        try {
            d = Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, "--interval: " + e.getMessage());
        }
        if (d.toMillis() < 100) {
            throw new CommandLine.ParameterException(cl, "--interval: at least 100ms, got '" + text + "'");
        }
        return d;
    }
}
