package dev.vigil.analyzer.app;

import static dev.vigil.analyzer.app.TopologyFixture.HOST;
import static dev.vigil.analyzer.app.TopologyFixture.T0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import dev.vigil.embedded.junit.LogCapture;
import dev.vigil.analyzer.dlq.DeadLetterHandler;
import dev.vigil.analyzer.logseries.LogProcessor;
import dev.vigil.schemas.MetricSample;
import dev.vigil.schemas.Severity;
import dev.vigil.schemas.StatsWindow;
import dev.vigil.schemas.serde.AvroSerde;
import dev.vigil.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

class CleaningTopologyTest {

    private static String reason(final TestRecord<byte[], byte[]> dead) {
        return new String(dead.headers().lastHeader(DeadLetterHandler.REASON_HEADER).value(), StandardCharsets.UTF_8);
    }

    @Test
    void shouldDeadLetterImpossibleValuesWithAReason() {
        try (TopologyFixture f = new TopologyFixture()) {
            final List<MetricSample> bad = List.of(
                    TopologyFixture.metric(HOST, "system.cpu.utilization", 0, Double.NaN, "1"),
                    TopologyFixture.metric(HOST, "system.network.io", 0, Double.POSITIVE_INFINITY, "By"),
                    TopologyFixture.metric(HOST, "system.memory.usage", 0, -5, "By"),
                    TopologyFixture.metric(HOST, "system.filesystem.utilization", 0, 170, "%"),
                    TopologyFixture.metric(HOST, "hw.temperature", 0, -300, "Cel"),
                    TopologyFixture.metric(HOST, "system.cpu.utilization", 2 * 86_400_000L, 0.5, "1"),
                    TopologyFixture.metric(" ", "system.cpu.utilization", 0, 0.5, "1"));
            final AvroSerde<MetricSample> serde = AvroSerde.of(MetricSample.class);
            for (final MetricSample m : bad) {
                f.metrics.pipeInput(HOST, m, T0);
            }
            final List<TestRecord<byte[], byte[]>> dead = f.deadLetters.readRecordsToList();
            assertEquals(bad.size(), dead.size());
            final String[] expected = {"not a finite number", "not a finite number", "negative byte count",
                "outside [0, 1]", "below absolute zero", "in the future", "host is empty"};
            for (int i = 0; i < bad.size(); i++) {
                assertTrue(reason(dead.get(i)).contains(expected[i]), reason(dead.get(i)));
                assertArrayEquals(serde.serialize("t", bad.get(i)), dead.get(i).value());
                assertEquals(Topics.METRICS.name() + "/0@" + i, new String(dead.get(i).headers()
                        .lastHeader(DeadLetterHandler.SOURCE_HEADER).value(), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void shouldDeadLetterAValueBeyondAnyMeasurementAndKeepItsSeriesFinite() {
        try (TopologyFixture f = new TopologyFixture()) {
            // given ordinary values, with one from a broken agent among them, and one that its unit makes infinite
            final java.util.Random random = new java.util.Random(1);
            for (int i = 0; i < 200; i++) {
                f.send("app.queue.depth", i * 10_000L, i == 100 ? 1e300 : 0.3 + 0.02 * random.nextGaussian());
            }
            f.send(TopologyFixture.metric(HOST, "system.memory.usage", 0, 1e308, "PiBy"));
            // then both are dead-lettered, saying why, and nothing else is
            final List<TestRecord<byte[], byte[]>> dead = f.deadLetters.readRecordsToList();
            assertEquals(2, dead.size(), () -> dead.stream().map(CleaningTopologyTest::reason).toList().toString());
            assertTrue(reason(dead.get(0)).contains("value 1.0E300 1 beyond ±1.0E30"), reason(dead.get(0)));
            assertTrue(reason(dead.get(1)).contains("value Infinity By beyond ±1.0E30"), reason(dead.get(1)));
            // and the series' statistics stay finite
            final List<StatsWindow> windows = f.stats.readValuesToList();
            assertTrue(windows.size() > 20);
            for (final StatsWindow w : windows) {
                assertTrue(Double.isFinite(w.getMax()) && Double.isFinite(w.getVariance())
                        && Double.isFinite(w.getStddev()), w.toString());
            }
        }
    }

    @Test
    void shouldDeadLetterAHostOrNameWithAControlCharacter() {
        try (TopologyFixture f = new TopologyFixture()) {
            // given a host whose name holds U+0000 (what the analyzer joins host and series with), and a name with a
            // line break
            for (int i = 0; i < 30; i++) {
                f.send(TopologyFixture.metric(HOST + "\u0000evil", "app.x", i * 10_000L, i, "1"));
            }
            f.send(TopologyFixture.metric(HOST, "app.x\nERROR forged", 0, 1, "1"));
            // and another host, whose stream time makes the first series quiet
            for (int i = 0; i < 100; i++) {
                f.send(TopologyFixture.metric("db-2", "app.y", 3_600_000L + i * 10_000L, i, "1"));
            }
            // then they are dead-lettered, saying why
            final List<TestRecord<byte[], byte[]>> dead = f.deadLetters.readRecordsToList();
            assertEquals(31, dead.size());
            assertTrue(reason(dead.get(0)).contains("host holds control character U+0000 at index 5"),
                    reason(dead.get(0)));
            assertTrue(reason(dead.get(30)).contains("name holds control character U+000A at index 5"),
                    reason(dead.get(30)));
            // and no window is published under the other host's name (web-1, series "evil\u0000app.x")
            assertTrue(f.stats.readValuesToList().stream().allMatch(w -> w.getHost().equals("db-2")));
        }
    }

    @Test
    void shouldTakeAbsoluteZeroInEveryTemperatureUnitAndRefuseBelow() {
        try (TopologyFixture f = new TopologyFixture()) {
            // given absolute zero in Celsius, Kelvin and Fahrenheit, and a hundredth of a degree below it
            f.send(TopologyFixture.metric(HOST, "hw.temperature", 0, -273.15, "Cel"));
            f.send(TopologyFixture.metric(HOST, "hw.temperature", 10_000, 0, "K"));
            f.send(TopologyFixture.metric(HOST, "hw.temperature", 20_000, -459.67, "[degF]"));
            f.send(TopologyFixture.metric(HOST, "hw.temperature", 30_000, -459.68, "degF"));
            final List<TestRecord<byte[], byte[]>> dead = f.deadLetters.readRecordsToList();
            assertEquals(1, dead.size(), () -> dead.stream().map(CleaningTopologyTest::reason).toList().toString());
            // then only the last is refused (-459.67 degF was too, as -273.15000000000003 Cel)
            assertTrue(reason(dead.get(0)).contains("temperature -273.155"), reason(dead.get(0)));
            assertTrue(reason(dead.get(0)).contains("below absolute zero"), reason(dead.get(0)));
        }
    }

    @Test
    void shouldPlaceLatePointsWithinTheGraceAndDeadLetterLaterOnes() {
        try (TopologyFixture f = new TopologyFixture()) {
            f.send("system.cpu.utilization", 50_000, 0.2);
            f.send("system.cpu.utilization", 62_000, 0.2);
            // 7 s late: still in the grace (10 s), counted in the first window
            f.send("system.cpu.utilization", 55_000, 0.8);
            // 32 s late: dead-lettered
            f.send("system.cpu.utilization", 65_000, 0.2);
            f.send("system.cpu.utilization", 33_000, 0.2);
            f.send("system.cpu.utilization", 130_000, 0.2);
            final StatsWindow first = f.stats.readValue();
            assertEquals(T0, first.getWindowStart());
            assertEquals(2, first.getCount());
            assertEquals(0.8, first.getMax(), 1e-12);
            assertTrue(reason(f.deadLetters.readRecord()).contains("beyond the 10 s grace"));
        }
    }

    @Test
    void shouldCountARetryOnceWhenItComesAsLateAsTheGraceAllows() {
        // clean.dedup.window.ms may not be shorter than clean.grace.ms (AnalyzerConfigTest): with 2 s against the
        // 10 s grace the retry below was placed in its window again (count 3, mean 0.6)
        try (TopologyFixture f = new TopologyFixture(Map.of(AnalyzerConfig.CLEAN_DEDUP_WINDOW_MS_CONFIG, 10_000L))) {
            final MetricSample first = TopologyFixture.metric(HOST, "system.cpu.utilization", 49_000, 0.8, "1");
            f.send(first);
            f.send("system.cpu.utilization", 59_000, 0.2);
            f.send(first); // the agent's retry (same id), 10 s behind the latest point: the last one the grace takes
            f.send("system.cpu.utilization", 130_000, 0.2);
            final StatsWindow w = f.stats.readValue();
            assertEquals(T0, w.getWindowStart());
            assertEquals(2, w.getCount());
            assertEquals(0.5, w.getMean(), 1e-12);
            assertTrue(f.deadLetters.isEmpty());
        }
    }

    @Test
    void shouldFillShortGapsInRegularSeriesAndCountThemImputed() {
        try (TopologyFixture f = new TopologyFixture()) {
            for (int i = 0; i <= 5; i++) {
                f.send("system.cpu.utilization", i * 5_000L, 0.1);
            }
            // two points missing (30 s and 35 s), then the series goes on
            f.send("system.cpu.utilization", 40_000, 0.4);
            f.send("system.cpu.utilization", 45_000, 0.4);
            // far enough to close the window without another fill
            f.send("system.cpu.utilization", 200_000, 0.4);
            final StatsWindow w = f.stats.readValue();
            assertEquals(8 + 2, w.getCount());
            assertEquals(2, w.getImputed());
            // linear interpolation between 0.1 and 0.4: 0.2 and 0.3
            assertEquals((6 * 0.1 + 0.2 + 0.3 + 2 * 0.4) / 10, w.getMean(), 1e-12);
        }
    }

    @Test
    void shouldNotFillGapsLongerThanTheBound() {
        try (TopologyFixture f = new TopologyFixture(Map.of(AnalyzerConfig.CLEAN_GAP_MAX_POINTS_CONFIG, 1))) {
            for (int i = 0; i <= 5; i++) {
                f.send("system.cpu.utilization", i * 5_000L, 0.1);
            }
            f.send("system.cpu.utilization", 40_000, 0.4);
            f.send("system.cpu.utilization", 75_000, 0.4);
            assertEquals(0, f.stats.readValue().getImputed());
        }
    }

    @Test
    void shouldDeadLetterHugeLogLinesAndBadFileActivity() {
        try (TopologyFixture f = new TopologyFixture(Map.of(AnalyzerConfig.LOGS_MAX_MESSAGE_BYTES_CONFIG, 100))) {
            f.logs.pipeInput(HOST, TopologyFixture.log(0, "x".repeat(101), Severity.INFO), T0);
            f.events.pipeInput(HOST, TopologyFixture.activity(10_000, "db", -1, null), T0);
            f.events.pipeInput(HOST, TopologyFixture.activity(10_000, "db", 1, 9.5), T0);
            final List<TestRecord<byte[], byte[]>> dead = f.deadLetters.readRecordsToList();
            assertEquals(3, dead.size());
            assertTrue(reason(dead.get(0)).contains("101 bytes, more than the 100"), reason(dead.get(0)));
            assertTrue(reason(dead.get(1)).contains("is negative"), reason(dead.get(1)));
            assertTrue(reason(dead.get(2)).contains("entropy 9.5"), reason(dead.get(2)));
        }
    }

    @Test
    void shouldDeadLetterLogsAndFileActivityNotKeyedByTheirHost() {
        try (TopologyFixture f = new TopologyFixture()) {
            // given a log line and a file-activity event keyed by another host than the one they name, and one of each
            // without a key (a producer of one's own that does not key them)
            f.logs.pipeInput("db-2", TopologyFixture.log(0, "started", Severity.INFO), T0);
            f.logs.pipeInput(null, TopologyFixture.log(1_000, "started", Severity.INFO), T0);
            f.events.pipeInput("db-2", TopologyFixture.activity(10_000, "db", 1, 7.5), T0);
            f.events.pipeInput(null, TopologyFixture.activity(20_000, "db", 1, 7.5), T0);
            // and an event of a kind the analyzer does not read, for the decision engine
            f.events.pipeInput("db-2", dev.vigil.schemas.HostEvent.newBuilder().setId("e1").setHost(HOST).setTime(T0)
                    .setKind("deploy").build(), T0);
            // then the four the analyzer reads are dead-lettered, saying why; the other is left alone
            final List<TestRecord<byte[], byte[]>> dead = f.deadLetters.readRecordsToList();
            assertEquals(4, dead.size(), () -> dead.stream().map(CleaningTopologyTest::reason).toList().toString());
            final String[] keys = {"'db-2'", "null", "'db-2'", "null"};
            final String[] topics = {Topics.LOGS.name(), Topics.LOGS.name(), Topics.EVENTS.name(), Topics.EVENTS.name()};
            for (int i = 0; i < keys.length; i++) {
                assertTrue(reason(dead.get(i)).contains("record key " + keys[i] + " is not its host 'web-1' ("
                        + topics[i] + " is keyed by host)"), reason(dead.get(i)));
            }
            // and none of them was counted: the host's first log window holds its one keyed line only
            f.logs.pipeInput(HOST, TopologyFixture.log(2_000, "started", Severity.INFO), T0);
            f.logs.pipeInput(HOST, TopologyFixture.log(200_000, "started", Severity.INFO), T0);
            f.logs.pipeInput(HOST, TopologyFixture.log(400_000, "started", Severity.INFO), T0);
            f.events.pipeInput(HOST, TopologyFixture.activity(200_000, "db", 1, 7.5), T0);
            final List<StatsWindow> windows = f.stats.readValuesToList();
            final StatsWindow lines = windows.stream().filter(w -> w.getSeries().equals("log.records")
                    && w.getWindow().equals("1m") && w.getWindowStart().equals(T0)).findFirst().orElseThrow();
            assertEquals(1, lines.getMax(), 1e-12);
            assertTrue(windows.stream().noneMatch(w -> w.getSeries().startsWith("dataset.")), windows::toString);
        }
    }

    @Test
    void shouldDeadLetterALongHostUnitOrDatasetQuotingOnlyTheirBeginning() {
        try (TopologyFixture f = new TopologyFixture()) {
            // given a log line of a host of 254 characters, a metric with a unit of 65, and a dataset of 600
            final String host = "h".repeat(254);
            f.logs.pipeInput(host, TopologyFixture.log(host, 0, "started", Severity.INFO), T0);
            f.send(TopologyFixture.metric(HOST, "app.x", 0, 1, "u".repeat(65)));
            f.events.pipeInput(HOST, TopologyFixture.activity(10_000, "d".repeat(600), 1, 7.5), T0);
            // and the longest of each that is taken
            f.logs.pipeInput(host.substring(1), TopologyFixture.log(host.substring(1), 0, "started", Severity.INFO), T0);
            f.send(TopologyFixture.metric(HOST, "app.y", 0, 1, "u".repeat(64)));
            // then the first three are dead-lettered, saying which limit, quoting 100 characters of the host
            final List<TestRecord<byte[], byte[]>> dead = f.deadLetters.readRecordsToList();
            assertEquals(3, dead.size(), () -> dead.stream().map(CleaningTopologyTest::reason).toList().toString());
            assertTrue(reason(dead.get(0)).startsWith("log " + "h".repeat(100) + "...[254 characters]//var/log/app.log "
                    + "(id "), reason(dead.get(0)));
            assertTrue(reason(dead.get(0)).endsWith("host of 254 characters, more than the 253 of the longest DNS "
                    + "name (a fixed limit: the host is in every output record's key)"), reason(dead.get(0)));
            assertTrue(reason(dead.get(1)).endsWith("unit of 65 characters, more than 64"), reason(dead.get(1)));
            assertTrue(reason(dead.get(2)).endsWith("fileActivity.dataset of 600 characters, making series names of "
                    + "631, more than 512"), reason(dead.get(2)));
        }
    }

    @Test
    void shouldDeadLetterALateFileActivityEventOnceThoughItFeedsSeveralSeries() {
        try (TopologyFixture f = new TopologyFixture()) {
            f.events.pipeInput(HOST, TopologyFixture.activity(100_000, "db", 1, 7.5), T0);
            // each of its six series refuses the point as 90 s late: one event, one dead letter
            f.events.pipeInput(HOST, TopologyFixture.activity(10_000, "db", 2, 7.5), T0);
            final List<TestRecord<byte[], byte[]>> dead = f.deadLetters.readRecordsToList();
            assertEquals(1, dead.size(), () -> dead.stream().map(CleaningTopologyTest::reason).toList().toString());
            assertTrue(reason(dead.get(0)).contains("beyond the 10 s grace"), reason(dead.get(0)));
        }
    }

    @Test
    void shouldWarnOnceNamingTheHostAndTheSettingWhenAHostsClockIsAheadAndAllItsRecordsAreDeadLettered() {
        try (TopologyFixture f = new TopologyFixture(); LogCapture log = new LogCapture(DeadLetterHandler.class, Level.WARN)) {
            // web-2's clock is 11 minutes ahead of the analyzer's (the fixture's clock is T0 + 1 day)
            final long ahead = 86_400_000L + 11 * 60_000L;
            for (int i = 0; i < 5; i++) {
                f.send(TopologyFixture.metric("web-2", "system.cpu.utilization", ahead + i * 10_000L, 0.5, "1"));
                f.logs.pipeInput("web-2", TopologyFixture.log("web-2", ahead + i * 10_000L, "started", Severity.INFO));
                f.send("system.cpu.utilization", i * 10_000L, 0.5);
            }
            assertEquals(10, f.deadLetters.readRecordsToList().size());
            final List<String> lines = log.messages();
            assertEquals(1, lines.size(), lines::toString);
            assertTrue(lines.get(0).startsWith("Host web-2: records dead-lettered: event time more than "
                    + "clean.max.future.ms ahead of this analyzer's clock"), lines.get(0));
            assertTrue(lines.get(0).contains("660 s in the future, more than the 600 s allowed"), lines.get(0));
        }
    }

    @Test
    void shouldWarnWhenAHostsClockWentBackAndCountItsLogLinesInTheOpenWindow() {
        try (TopologyFixture f = new TopologyFixture();
             LogCapture dead = new LogCapture(DeadLetterHandler.class, Level.WARN);
             LogCapture logs = new LogCapture(LogProcessor.class, Level.WARN)) {
            final long hour = 3_600_000L;
            f.send("system.cpu.utilization", hour, 0.5);
            f.logs.pipeInput(HOST, TopologyFixture.log(hour, "started", Severity.INFO));
            f.logs.pipeInput(HOST, TopologyFixture.log(hour + 80_000, "started", Severity.INFO));
            // the host's clock goes back one hour
            f.send("system.cpu.utilization", 60_000, 0.5);
            f.logs.pipeInput(HOST, TopologyFixture.log(60_000, "started", Severity.INFO));
            assertEquals(1, f.deadLetters.readRecordsToList().size(), "the metric point, not the log line");
            assertEquals(1, dead.messages().size(), dead.messages()::toString);
            assertTrue(dead.messages().get(0).startsWith("Host web-1: records dead-lettered: event time more than "
                    + "clean.grace.ms behind its series' latest point (data that arrives late, or the host's clock went "
                    + "back"), dead.messages().get(0));
            assertEquals(1, logs.messages().size(), logs.messages()::toString);
            assertTrue(logs.messages().get(0).startsWith("Host web-1: records counted in the first open window instead"
                    + " of their own: log time more than clean.grace.ms behind the host's latest log time"),
                    logs.messages().get(0));
            assertTrue(logs.messages().get(0).contains("3620 s behind the host's latest, counted in the window of "
                    + T0.plusMillis(hour + 60_000)), logs.messages().get(0));
        }
    }
}
