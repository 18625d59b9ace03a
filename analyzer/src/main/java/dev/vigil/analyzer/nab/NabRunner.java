package dev.vigil.analyzer.nab;

import dev.vigil.analyzer.anomaly.DetectorOptions;
import dev.vigil.analyzer.anomaly.SeriesDetector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs {@link SeriesDetector} (the detector of the streaming topology, same code, same options) over
 * every file of a NAB corpus, one fresh detector per file fed the rows in file order, and writes
 * NAB's results layout. Rows the detector does not score yet (its warm-up) get score 0.
 */
public final class NabRunner {
    /** Default seed of every file's detector: one constant, nothing chosen per file. */
    public static final long SEED = 42;

    private NabRunner() {
    }

    /**
     * One file's run.
     *
     * @param data the data file
     * @param scores one score per row
     * @param nanos CPU time of the detector alone (thread CPU time: unaffected by other processes)
     * @param baselineNanos CPU time of a rolling z-score over the same values, in the same run: the
     *     cheapest detector there is, as a yardstick for {@code nanos}
     */
    public record FileRun(NabFile data, double[] scores, long nanos, long baselineNanos) {
    }

    /**
     * @param data a data file
     * @param options detector options
     * @param seed the detector's seed (the same for every file)
     * @return the detector's score of every row, in file order
     */
    public static FileRun run(final NabFile data, final DetectorOptions options, final long seed) {
        final double[] values = new double[data.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = data.value(i);
        }
        final ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        final long start = cpu.getCurrentThreadCpuTime();
        final SeriesDetector detector = new SeriesDetector(options, seed);
        final double[] scores = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            scores[i] = detector.update(data.micros()[i] / 1000, values[i]).score();
        }
        final long detectorNanos = cpu.getCurrentThreadCpuTime() - start;
        final long baselineStart = cpu.getCurrentThreadCpuTime();
        final double checksum = rollingZScore(values);
        return new FileRun(data, scores, detectorNanos, cpu.getCurrentThreadCpuTime() - baselineStart
                + (checksum == Double.MIN_VALUE ? 1 : 0));
    }

    /** The baseline: an exponentially weighted rolling z-score; returns a checksum so the JIT keeps the work. */
    private static double rollingZScore(final double[] values) {
        double mean = values.length == 0 ? 0 : values[0];
        double var = 0;
        double sum = 0;
        for (final double v : values) {
            final double d = v - mean;
            sum += var > 0 ? Math.abs(d) / Math.sqrt(var) : 0;
            mean += 0.01 * d;
            var = 0.99 * (var + 0.01 * d * d);
        }
        return sum;
    }

    /**
     * Runs every file named in the windows file and writes {@code <out>/<detector>/...}.
     *
     * @param dataDir the corpus' data directory ({@code <category>/<file>.csv} below it)
     * @param windows the labels, which also name the corpus' files
     * @param detectorDir {@code <out>/<detector>}
     * @param options detector options
     * @param seed the detectors' seed (the same for every file)
     * @param threads files run in parallel
     * @return the runs, in corpus order
     * @throws NabException when a data file is missing or malformed
     * @throws IOException when writing fails
     */
    public static List<FileRun> runCorpus(final Path dataDir, final NabWindows windows, final Path detectorDir,
                                          final DetectorOptions options, final long seed, final int threads)
            throws IOException {
        final ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            final List<Future<FileRun>> futures = new ArrayList<>();
            for (final Map.Entry<String, List<NabWindows.Window>> e : windows.byFile().entrySet()) {
                futures.add(pool.submit(() -> {
                    final FileRun run = run(NabFile.read(dataDir, e.getKey()), options, seed);
                    try {
                        NabResults.write(detectorDir, run.data(), run.scores(), e.getValue());
                    } catch (IOException io) {
                        throw new UncheckedIOException(io);
                    }
                    return run;
                }));
            }
            final List<FileRun> runs = new ArrayList<>();
            for (final Future<FileRun> f : futures) {
                runs.add(f.get());
            }
            return runs;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NabException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new NabException(e.getCause().toString(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
