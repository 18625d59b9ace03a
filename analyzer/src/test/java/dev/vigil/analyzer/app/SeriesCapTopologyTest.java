package dev.vigil.analyzer.app;

import static dev.vigil.analyzer.app.TopologyFixture.HOST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import dev.vigil.analyzer.dlq.DeadLetterHandler;
import dev.vigil.analyzer.series.SeriesProcessor;
import dev.vigil.embedded.junit.LogCapture;
import dev.vigil.schemas.Severity;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/** series.max.per.host: a host that makes a new metric name per request does not grow the state without bound. */
class SeriesCapTopologyTest {
    private static final int CAP = 20;

    private static String reason(final TestRecord<byte[], byte[]> dead) {
        return new String(dead.headers().lastHeader(DeadLetterHandler.REASON_HEADER).value(), StandardCharsets.UTF_8);
    }

    /** @return the host's metric series in the store (its log series are named log.*) */
    private static long seriesOf(final TopologyFixture f, final String host) {
        return f.storeKeys(SeriesProcessor.STATE_STORE).stream().filter(k -> k.startsWith(host + "\u0000")
                && !k.startsWith(host + "\u0000log.")).count();
    }

    @Test
    void shouldRefuseNewMetricSeriesOfAHostBeyondTheCapAndKeepItsOthers() {
        try (TopologyFixture f = new TopologyFixture(Map.of(AnalyzerConfig.SERIES_MAX_PER_HOST_CONFIG, CAP));
             LogCapture warnings = new LogCapture(DeadLetterHandler.class, Level.WARN)) {
            // given a host whose agent puts a request id in a metric name, one new name per request, and its log lines
            for (int i = 0; i < 100; i++) {
                f.send(TopologyFixture.metric(HOST, "http.request.duration.req-" + i, i * 1_000L, 0.1, "s"));
                f.send(TopologyFixture.metric(HOST, "system.cpu.utilization", i * 1_000L, 0.5, "1"));
                f.logs.pipeInput(HOST, TopologyFixture.log(i * 1_000L, "GET /x " + i, Severity.INFO), TopologyFixture.T0);
            }
            // and another host of the same task
            f.send(TopologyFixture.metric("db-2", "http.request.duration.req-x", 0, 0.1, "s"));
            // then the host keeps CAP metric series (its CPU among them), and its log series besides
            assertTrue(f.storeKeys(SeriesProcessor.STATE_STORE).contains(HOST + "\u0000log.records"));
            final List<TestRecord<byte[], byte[]>> dead = f.deadLetters.readRecordsToList();
            assertEquals(100 + 1 - CAP, dead.size());
            assertTrue(reason(dead.get(0)).contains("metric web-1/http.request.duration.req-19: a new series, refused: "
                    + "the host has 20 metric series already (series.max.per.host;"), reason(dead.get(0)));
            assertEquals(CAP, seriesOf(f, HOST));
            assertTrue(f.storeKeys(SeriesProcessor.STATE_STORE).contains(HOST + "\u0000system.cpu.utilization"));
            assertEquals(1, seriesOf(f, "db-2"));
            // and one warning says so, naming the setting
            assertEquals(1, warnings.messages().size(), warnings.messages()::toString);
            assertTrue(warnings.messages().get(0).contains("series.max.per.host"), warnings.messages().get(0));
        }
    }

    @Test
    void shouldTakeNewSeriesAgainOnceTheHostsSeriesAreForgotten() {
        try (TopologyFixture f = new TopologyFixture(Map.of(AnalyzerConfig.SERIES_MAX_PER_HOST_CONFIG, CAP,
                AnalyzerConfig.SERIES_EXPIRY_MS_CONFIG, 3_600_000L))) {
            for (int i = 0; i < CAP; i++) {
                f.send(TopologyFixture.metric(HOST, "app.req-" + i, i * 1_000L, 1, "1"));
            }
            f.send(TopologyFixture.metric(HOST, "app.late-comer", 30_000, 1, "1"));
            assertEquals(1, f.deadLetters.readRecordsToList().size());
            // given another host that moves the task's time past the expiry, so the first host's series are forgotten
            for (long t = 60_000; t <= 4 * 3_600_000L; t += 60_000) {
                f.send(TopologyFixture.metric("db-2", "app.x", t, 1, "1"));
            }
            assertEquals(0, seriesOf(f, HOST));
            // then the host's new series are taken again, up to the cap
            f.send(TopologyFixture.metric(HOST, "app.late-comer", 4 * 3_600_000L, 1, "1"));
            assertTrue(f.deadLetters.isEmpty());
            assertEquals(1, seriesOf(f, HOST));
        }
    }

    @Test
    void shouldCountTheHostsSeriesAfterARestart() {
        final TopologyFixture first = new TopologyFixture(Map.of(AnalyzerConfig.SERIES_MAX_PER_HOST_CONFIG, CAP));
        for (int i = 0; i < CAP; i++) {
            first.send(TopologyFixture.metric(HOST, "app.req-" + i, i * 1_000L, 1, "1"));
        }
        try (TopologyFixture f = first.restart()) {
            f.send(TopologyFixture.metric(HOST, "app.req-" + CAP, 30_000, 1, "1"));
            f.send(TopologyFixture.metric(HOST, "app.req-0", 30_000, 1, "1"));
            assertEquals(1, f.deadLetters.readRecordsToList().size());
            assertEquals(CAP, seriesOf(f, HOST));
        }
    }
}
