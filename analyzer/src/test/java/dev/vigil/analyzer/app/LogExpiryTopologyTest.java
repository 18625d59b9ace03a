package dev.vigil.analyzer.app;

import static dev.vigil.analyzer.app.TopologyFixture.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.analyzer.logseries.LogProcessor;
import dev.vigil.schemas.LogRecord;
import dev.vigil.schemas.Severity;
import dev.vigil.schemas.StatsWindow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Hosts come and go (autoscaling, decommissioning): a host that stops sending logs has its log counts and record ids
 * forgotten after {@code series.expiry.ms}, as a metric series is, its last windows published first.
 */
class LogExpiryTopologyTest {
    private static final String A = "host-a";
    private static final String B = "host-b";
    private static final long EXPIRY = 600_000;

    private static void line(final TopologyFixture f, final String host, final long offsetMillis, final int n) {
        final LogRecord r = LogRecord.newBuilder().setId(host + "-" + n).setHost(host)
                .setTime(T0.plusMillis(offsetMillis)).setSource("/var/log/app.log")
                .setMessage("Connection from 10.0.0." + n % 200 + " closed").setSeverity(Severity.INFO).build();
        f.logs.pipeInput(host, r, r.getTime());
    }

    /**
     * Host A logs every 2 s from 0 to 150 s (its windows of minutes 0 and 1 are published by its own lines, minute 2
     * stays open), host B every 10 s from 0 to {@code bUntil}.
     *
     * @return A's one-minute {@code log.records} windows, as published, and the stores' keys at the end
     */
    private static Result run(final long bUntil) {
        try (TopologyFixture f = new TopologyFixture(Map.of(AnalyzerConfig.SERIES_IDLE_MS_CONFIG, 60_000L,
                AnalyzerConfig.SERIES_EXPIRY_MS_CONFIG, EXPIRY))) {
            int n = 0;
            for (long t = 0; t <= bUntil; t += 2_000) {
                if (t <= 150_000) {
                    line(f, A, t, n++);
                }
                if (t % 10_000 == 0) {
                    line(f, B, t, n++);
                }
            }
            final List<String> windows = new ArrayList<>();
            for (final StatsWindow w : f.stats.readValuesToList()) {
                if (w.getHost().equals(A) && w.getSeries().equals("log.records") && w.getWindow().equals("1m")) {
                    windows.add(w.getWindowStart() + " count=" + w.getCount() + " mean=" + w.getMean());
                }
            }
            assertTrue(f.deadLetters.isEmpty(), "nothing dead-lettered");
            return new Result(windows, f.storeKeys(LogProcessor.COUNTS_STORE), f.storeKeys(LogProcessor.IDS_STORE));
        }
    }

    private record Result(List<String> windows, List<String> counts, List<String> ids) {
        boolean holds(final String host) {
            return counts.contains(host) || ids.stream().anyMatch(k -> k.startsWith(host + '\u0000'));
        }
    }

    @Test
    void shouldForgetAHostsLogCountsAndIdsAfterTheExpiryAndPublishItsOpenWindowFirst() {
        // given: B alone goes on, short of A's expiry: A's state is kept, its minutes 0 and 1 published
        final Result before = run(150_000 + EXPIRY - 120_000);
        assertTrue(before.holds(A), before.toString());
        assertEquals(List.of(T0 + " count=1 mean=30.0", T0.plusSeconds(60) + " count=1 mean=30.0"), before.windows());

        // when: B goes on past A's expiry (stream time drives the sweep)
        final Result after = run(150_000 + EXPIRY + 150_000);

        // then: A's counts and every bucket of its ids are gone, B's are there
        assertFalse(after.counts().contains(A), after.counts().toString());
        assertTrue(after.ids().stream().noneMatch(k -> k.startsWith(A + '\u0000')), after.ids().toString());
        assertTrue(after.counts().contains(B), after.counts().toString());
        assertTrue(after.ids().stream().anyMatch(k -> k.startsWith(B + '\u0000')), after.ids().toString());
        // and A's windows are those published before, then its open minute 2 (lines at 120-150 s), not lost
        final List<String> expected = new ArrayList<>(before.windows());
        expected.add(T0.plusSeconds(120) + " count=1 mean=16.0");
        assertEquals(expected, after.windows());
    }
}
