package dev.vigil.analyzer.app;

import static dev.vigil.analyzer.app.TopologyFixture.HOST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.analyzer.dlq.DeadLetterHandler;
import dev.vigil.schemas.StatsWindow;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/** A window the idle sweep published is published once: points that come for it afterwards do not publish it again. */
class QuietWindowTopologyTest {
    private static final String SERIES = "app.queue.depth";
    private static final java.time.Instant T0_PLUS_MINUTE = TopologyFixture.T0.plusSeconds(60);

    private static String reason(final TestRecord<byte[], byte[]> dead) {
        return new String(dead.headers().lastHeader(DeadLetterHandler.REASON_HEADER).value(), StandardCharsets.UTF_8);
    }

    /** web-1's series has points at 0-50 s, then db-2 alone moves the task's stream time past series.idle.ms. */
    private static void quietAfterOneWindow(final TopologyFixture f) {
        quietAfterOneWindow(f, 10_000);
    }

    private static void quietAfterOneWindow(final TopologyFixture f, final long step) {
        for (long t = 0; t <= 50_000; t += step) {
            f.send(TopologyFixture.metric(HOST, SERIES, t, 1, "1"));
        }
        for (long t = 60_000; t <= 800_000; t += 10_000) {
            f.send(TopologyFixture.metric("db-2", SERIES, t, 1, "1"));
        }
    }

    private static List<StatsWindow> windowsOf(final List<StatsWindow> all, final String host) {
        return all.stream().filter(w -> w.getHost().equals(host)).toList();
    }

    @Test
    void shouldNotPublishAWindowAgainWhenALatePointWithinTheGraceComesAfterTheIdleSweepPublishedIt() {
        try (TopologyFixture f = new TopologyFixture()) {
            quietAfterOneWindow(f);
            final List<StatsWindow> quiet = windowsOf(f.stats.readValuesToList(), HOST);
            assertEquals(1, quiet.size(), quiet::toString);
            assertEquals(6, quiet.get(0).getCount());
            // given a point 5 s behind the series' latest (within the 10 s grace), in the window published already
            f.send(TopologyFixture.metric(HOST, SERIES, 45_000, 9, "1"));
            // and the series going on
            for (long t = 60_000; t <= 200_000; t += 10_000) {
                f.send(TopologyFixture.metric(HOST, SERIES, t, 1, "1"));
            }
            f.send(TopologyFixture.metric(HOST, SERIES, 3_600_000, 1, "1"));
            // then no window is published twice: each id once
            final List<StatsWindow> later = windowsOf(f.stats.readValuesToList(), HOST);
            final Map<String, Long> perId = later.stream().collect(Collectors.groupingBy(StatsWindow::getId,
                    Collectors.counting()));
            assertTrue(perId.values().stream().allMatch(n -> n == 1), () -> later.stream().filter(w -> perId.get(
                    w.getId()) > 1).toList().toString());
            assertTrue(later.stream().noneMatch(w -> w.getId().equals(quiet.get(0).getId())), later::toString);
            // and the point is dead-lettered, saying why
            final List<TestRecord<byte[], byte[]>> dead = f.deadLetters.readRecordsToList();
            assertEquals(1, dead.size(), () -> dead.stream().map(QuietWindowTopologyTest::reason).toList().toString());
            assertTrue(reason(dead.get(0)).contains("published already"), reason(dead.get(0)));
        }
    }

    @Test
    void shouldNotPublishAWindowAgainWhenItsSeriesGoesOnInOrderAfterTheIdleSweepPublishedIt() {
        try (TopologyFixture f = new TopologyFixture()) {
            quietAfterOneWindow(f);
            final List<StatsWindow> quiet = windowsOf(f.stats.readValuesToList(), HOST);
            assertEquals(1, quiet.size(), quiet::toString);
            // given the series going on in order after its pause (a collector's spool sent after an outage), from a
            // point in the window published already (55 s)
            for (long t = 55_000; t <= 200_000; t += 5_000) {
                f.send(TopologyFixture.metric(HOST, SERIES, t, 2, "1"));
            }
            f.send(TopologyFixture.metric(HOST, SERIES, 3_600_000, 1, "1"));
            // then the window is not published again, and the series' next windows are
            final List<StatsWindow> later = windowsOf(f.stats.readValuesToList(), HOST).stream()
                    .filter(w -> w.getWindow().equals("1m")).toList();
            assertTrue(later.stream().noneMatch(w -> w.getId().equals(quiet.get(0).getId())), later::toString);
            assertEquals(T0_PLUS_MINUTE, later.get(0).getWindowStart());
            assertEquals(12, later.get(0).getCount());
            // and the point for it is dead-lettered, saying why
            final List<TestRecord<byte[], byte[]>> dead = f.deadLetters.readRecordsToList();
            assertEquals(1, dead.size(), () -> dead.stream().map(QuietWindowTopologyTest::reason).toList().toString());
            assertTrue(reason(dead.get(0)).contains("event time 2026-03-01T00:00:55Z is in a window published already "
                    + "(up to 2026-03-01T00:01:00Z) when the series was quiet for 600 s (series.idle.ms)"),
                    reason(dead.get(0)));
        }
    }

    @Test
    void shouldLearnButNotCountAPointFilledInAGapThatBeganInAWindowTheIdleSweepPublished() {
        try (TopologyFixture f = new TopologyFixture()) {
            // given a series every 5 s up to 50 s, published by the sweep, that goes on at 70 s: 55-65 s are filled
            quietAfterOneWindow(f, 5_000);
            final List<StatsWindow> quiet = windowsOf(f.stats.readValuesToList(), HOST);
            assertEquals(1, quiet.size(), quiet::toString);
            for (long t = 70_000; t <= 200_000; t += 5_000) {
                f.send(TopologyFixture.metric(HOST, SERIES, t, 2, "1"));
            }
            f.send(TopologyFixture.metric(HOST, SERIES, 3_600_000, 1, "1"));
            // then the window is not published again; the next one counts its filled points (60 s, 65 s)
            final List<StatsWindow> later = windowsOf(f.stats.readValuesToList(), HOST).stream()
                    .filter(w -> w.getWindow().equals("1m")).toList();
            assertTrue(later.stream().noneMatch(w -> w.getId().equals(quiet.get(0).getId())), later::toString);
            assertEquals(T0_PLUS_MINUTE, later.get(0).getWindowStart());
            assertEquals(2, later.get(0).getImputed());
            assertTrue(f.deadLetters.isEmpty());
        }
    }
}
