package dev.vigil.analyzer.logs;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Single-threaded throughput of {@link TemplateMiner#add(String)}, measured against a baseline in the same
 * run: a pass that only finds the whitespace-separated tokens of each message, the least any parser does.
 * Both cycle over the same corpus; each runs a warm-up pass first so the JIT has compiled it. Rates are
 * given per second of the measuring thread's CPU time (robust on a shared, loaded machine) and per second
 * of wall-clock time.
 */
public final class MinerBenchmark {
    private MinerBenchmark() {
    }

    /**
     * @param lines            messages processed per measured pass
     * @param bytes            UTF-16 chars of those messages
     * @param baselinePerSec   baseline messages per CPU second
     * @param minerPerSec      miner messages per CPU second
     * @param ratio            miner / baseline throughput, CPU time
     * @param baselineWallPerSec baseline messages per wall-clock second
     * @param minerWallPerSec  miner messages per wall-clock second
     * @param templates        templates at the end
     * @param stateBytes       size of {@link TemplateMiner#toBytes()} at the end
     */
    public record Result(long lines, long bytes, double baselinePerSec, double minerPerSec, double ratio,
                         double baselineWallPerSec, double minerWallPerSec, int templates, int stateBytes) {
    }

    /**
     * @param corpus messages to cycle over, not empty
     * @param lines  messages per measured pass, at least 1
     * @return the figures
     */
    public static Result run(final List<String> corpus, final long lines) {
        if (corpus.isEmpty() || lines < 1) {
            throw new IllegalArgumentException("need a corpus and lines >= 1, got " + corpus.size() + " and " + lines);
        }
        final String[] messages = corpus.toArray(new String[0]);
        long chars = 0;
        for (long i = 0; i < lines; i++) {
            chars += messages[(int) (i % messages.length)].length();
        }
        final ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        baseline(messages, Math.min(lines, 200_000));
        final long b0 = System.nanoTime();
        final long bc0 = cpu.getCurrentThreadCpuTime();
        final long sink = baseline(messages, lines);
        final double baselineCpu = (cpu.getCurrentThreadCpuTime() - bc0) / 1e9;
        final double baselineWall = (System.nanoTime() - b0) / 1e9;

        mine(new TemplateMiner(MinerOptions.DEFAULTS), messages, Math.min(lines, 200_000));
        final TemplateMiner miner = new TemplateMiner(MinerOptions.DEFAULTS);
        final long m0 = System.nanoTime();
        final long mc0 = cpu.getCurrentThreadCpuTime();
        final long sink2 = mine(miner, messages, lines);
        final double minerCpu = (cpu.getCurrentThreadCpuTime() - mc0) / 1e9;
        final double minerWall = (System.nanoTime() - m0) / 1e9;
        if (sink == 42 && sink2 == 42) {
            System.err.print(""); // keeps the JIT from dropping either loop
        }
        return new Result(lines, chars, lines / baselineCpu, lines / minerCpu, baselineCpu / minerCpu,
                lines / baselineWall, lines / minerWall, miner.size(), miner.toBytes().length);
    }

    /**
     * Synthetic short log messages (40-100 characters) from 40 event kinds with random numbers, addresses,
     * ids, user names and paths, for a benchmark that needs no data files.
     *
     * @param count how many
     * @param seed  random seed, so runs are comparable
     * @return the messages
     */
    public static List<String> synthetic(final int count, final long seed) {
        final Random r = new Random(seed);
        final String[] users = {"root", "admin", "alice", "bob", "oracle", "test", "guest", "www-data"};
        final String[] verbs = {"Accepted", "Rejected", "Closed", "Opened", "Dropped"};
        final List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            final int kind = r.nextInt(40);
            final String ip = (10 + r.nextInt(200)) + "." + r.nextInt(256) + "." + r.nextInt(256) + "."
                    + r.nextInt(256);
            final String user = users[r.nextInt(users.length)];
            out.add(switch (kind % 8) {
                case 0 -> verbs[kind % 5] + " connection " + kind + " from " + ip + " port " + r.nextInt(65536);
                case 1 -> "Failed password for " + user + " from " + ip + " port " + r.nextInt(65536)
                        + " ssh2 k" + kind;
                case 2 -> "Received block blk_" + r.nextLong() + " of size " + r.nextInt(1 << 26) + " kind " + kind;
                case 3 -> "Task " + r.nextInt(1000) + " in stage " + kind + ".0 finished in " + r.nextInt(5000) + " ms";
                case 4 -> "session opened for user " + user + " by (uid=" + r.nextInt(1000) + ") event " + kind;
                case 5 -> "Deleting file /var/lib/data/" + Long.toHexString(r.nextLong()) + ".tmp reason " + kind;
                case 6 -> "Worker " + kind + " heartbeat latency " + r.nextInt(900) + "ms queue " + r.nextInt(50);
                default -> "Checkpoint " + r.nextInt(100_000) + " of job " + kind + " completed at offset "
                        + r.nextInt(1_000_000);
            });
        }
        return out;
    }

    private static long baseline(final String[] messages, final long lines) {
        long tokens = 0;
        for (long i = 0; i < lines; i++) {
            final String m = messages[(int) (i % messages.length)];
            boolean inToken = false;
            for (int k = 0; k < m.length(); k++) {
                final boolean space = Character.isWhitespace(m.charAt(k));
                if (!space && !inToken) {
                    tokens++;
                }
                inToken = !space;
            }
        }
        return tokens;
    }

    private static long mine(final TemplateMiner miner, final String[] messages, final long lines) {
        long params = 0;
        for (long i = 0; i < lines; i++) {
            params += miner.add(messages[(int) (i % messages.length)]).parameters().size();
        }
        return params;
    }
}
