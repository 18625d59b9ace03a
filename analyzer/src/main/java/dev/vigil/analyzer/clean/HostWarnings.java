package dev.vigil.analyzer.clean;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Rate-limited warnings per host and {@link Refusal}: the first record at once (host, rule, setting, the record's
 * reason), then, while more come, one line per period with their count. A host whose clock is 11 minutes ahead has
 * every record refused; one line every few minutes says so without flooding the log. Quiet pairs are forgotten after
 * a period without records, so memory follows the hosts that are being refused now (at most {@value #MAX_PAIRS}
 * pairs; beyond, further hosts are counted together). Not thread-safe: one per stream task.
 */
public final class HostWarnings {
    /** Default period between two lines about one host and reason. */
    public static final Duration DEFAULT_PERIOD = Duration.ofMinutes(5);
    static final int MAX_PAIRS = 10_000;
    private static final String OTHER_HOSTS = "(other hosts)";
    private static final int MAX_HOST_CHARS = 120;

    private final Clock clock;
    private final long periodMillis;
    private final Consumer<String> sink;
    private final Map<String, Pair> pairs = new LinkedHashMap<>();
    private long lastSweep;

    private static final class Pair {
        final String host;
        final Refusal refusal;
        long lastReport;
        long count;
        String latest;

        Pair(final String host, final Refusal refusal) {
            this.host = host;
            this.refusal = refusal;
        }
    }

    /**
     * @param clock the wall clock
     * @param period least time between two lines about one host and reason
     * @param sink where lines go (a logger's warn)
     */
    public HostWarnings(final Clock clock, final Duration period, final Consumer<String> sink) {
        this.clock = clock;
        this.periodMillis = period.toMillis();
        this.sink = sink;
        this.lastSweep = clock.millis();
    }

    /**
     * Counts one record and writes a line when this is the pair's first in a period, or a period has passed since the
     * pair's last line (for every pair, so a host that stopped being refused gets its last count reported with the
     * next record of any host).
     *
     * @param host the record's host (null or blank: unknown)
     * @param refusal why
     * @param reason the record's own reason, for the first line
     */
    public void record(final String host, final Refusal refusal, final String reason) {
        final long now = clock.millis();
        String name = printable(host);
        if (!pairs.containsKey(name + '\0' + refusal) && pairs.size() >= MAX_PAIRS) {
            name = OTHER_HOSTS;
        }
        final String key = name + '\0' + refusal;
        Pair p = pairs.get(key);
        if (p == null) {
            p = new Pair(name, refusal);
            pairs.put(key, p);
            p.lastReport = now;
            sink.accept("Host " + name + ": records " + refusal.outcome() + ": " + refusal.rule() + " (" + refusal.hint()
                    + "). First: " + reason + ". Further ones are counted, one line per " + minutes(periodMillis)
                    + " while they last.");
        } else {
            p.count++;
            p.latest = reason;
        }
        if (now - lastSweep >= Math.min(periodMillis, 1000) || now < lastSweep) {
            lastSweep = now;
            sweep(now);
        }
    }

    private void sweep(final long now) {
        final Iterator<Pair> it = pairs.values().iterator();
        while (it.hasNext()) {
            final Pair p = it.next();
            if (now - p.lastReport < periodMillis) {
                continue;
            }
            if (p.count == 0) {
                it.remove(); // quiet for a period: a new record is a first one again
                continue;
            }
            sink.accept("Host " + p.host + ": " + p.count + " more records " + p.refusal.outcome() + " in the last "
                    + minutes(now - p.lastReport) + ": " + p.refusal.rule() + " (" + p.refusal.hint() + "). Latest: "
                    + p.latest + ".");
            p.count = 0;
            p.lastReport = now;
        }
    }

    /** @return the pairs remembered now (for tests) */
    int size() {
        return pairs.size();
    }

    private static String minutes(final long millis) {
        final long seconds = Math.max(1, Math.round(millis / 1000.0));
        return seconds < 120 ? seconds + " s" : Math.round(seconds / 60.0) + " min";
    }

    private static String printable(final String host) {
        if (host == null || host.isBlank()) {
            return "(unknown)";
        }
        final StringBuilder out = new StringBuilder(Math.min(host.length(), MAX_HOST_CHARS));
        for (int i = 0; i < host.length() && out.length() < MAX_HOST_CHARS; i++) {
            final char c = host.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        return out.toString();
    }
}
