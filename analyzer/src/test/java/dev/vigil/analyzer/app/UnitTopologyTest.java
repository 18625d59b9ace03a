package dev.vigil.analyzer.app;

import static dev.vigil.analyzer.app.TopologyFixture.HOST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.analyzer.dlq.DeadLetterHandler;
import dev.vigil.schemas.StatsWindow;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/** A series keeps one quantity: later points in another unit are converted, or refused when they measure another. */
class UnitTopologyTest {

    private static String reason(final TestRecord<byte[], byte[]> dead) {
        return new String(dead.headers().lastHeader(DeadLetterHandler.REASON_HEADER).value(), StandardCharsets.UTF_8);
    }

    /** @return the first one-minute window of each series, by series */
    private static Map<String, StatsWindow> firstWindows(final TopologyFixture f) {
        return f.stats.readValuesToList().stream().filter(w -> w.getWindow().equals("1m"))
                .collect(Collectors.toMap(StatsWindow::getSeries, Function.identity(), (a, b) -> a));
    }

    @Test
    void shouldConvertALaterPointInAnotherUnitOfTheSameDimensionAsTheFirst() {
        try (TopologyFixture f = new TopologyFixture()) {
            // given an agent upgraded mid-window: utilization in % then as a ratio, memory in MB then in bytes
            f.send(TopologyFixture.metric(HOST, "system.cpu.utilization", 0, 50, "%"));
            f.send(TopologyFixture.metric(HOST, "system.cpu.utilization", 10_000, 60, "percent"));
            f.send(TopologyFixture.metric(HOST, "system.cpu.utilization", 20_000, 0.7, "1"));
            f.send(TopologyFixture.metric(HOST, "system.cpu.utilization", 30_000, 0.8, "ratio"));
            f.send(TopologyFixture.metric(HOST, "system.memory.usage", 0, 1, "MB"));
            f.send(TopologyFixture.metric(HOST, "system.memory.usage", 10_000, 3 * 1024 * 1024, "By"));
            f.send(TopologyFixture.metric(HOST, "system.memory.usage", 20_000, 2 * 1024, "KiBy"));
            f.send(TopologyFixture.metric(HOST, "system.cpu.utilization", 200_000, 0.5, "1"));
            f.send(TopologyFixture.metric(HOST, "system.memory.usage", 200_000, 1, "MB"));
            // then each series holds every point in its canonical unit
            assertTrue(f.deadLetters.isEmpty());
            final Map<String, StatsWindow> first = firstWindows(f);
            final StatsWindow cpu = first.get("system.cpu.utilization");
            assertEquals(4, cpu.getCount());
            assertEquals("1", cpu.getUnit());
            assertEquals(0.65, cpu.getMean(), 1e-12);
            final StatsWindow memory = first.get("system.memory.usage");
            assertEquals(3, memory.getCount());
            assertEquals("By", memory.getUnit());
            assertEquals(2 * 1024 * 1024, memory.getMean(), 1e-6);
        }
    }

    @Test
    void shouldDeadLetterAPointInAUnitOfAnotherDimensionThanItsSeries() {
        try (TopologyFixture f = new TopologyFixture()) {
            // given a series in seconds, then a point of the same name in bytes (another quantity), then milliseconds
            f.send(TopologyFixture.metric(HOST, "app.request.duration", 0, 1.5, "s"));
            f.send(TopologyFixture.metric(HOST, "app.request.duration", 10_000, 2048, "By"));
            f.send(TopologyFixture.metric(HOST, "app.request.duration", 20_000, 250, "ms"));
            f.send(TopologyFixture.metric(HOST, "app.request.duration", 200_000, 1, "s"));
            // then the bytes are refused, saying why
            final List<TestRecord<byte[], byte[]>> dead = f.deadLetters.readRecordsToList();
            assertEquals(1, dead.size(), () -> dead.stream().map(UnitTopologyTest::reason).toList().toString());
            assertTrue(reason(dead.get(0)).contains("metric web-1/app.request.duration: unit By is not its series' "
                    + "unit s"), reason(dead.get(0)));
            // and the series holds its seconds only
            final StatsWindow w = firstWindows(f).get("app.request.duration");
            assertEquals(2, w.getCount());
            assertEquals("s", w.getUnit());
            assertEquals(0.875, w.getMean(), 1e-12);
        }
    }
}
