package dev.vigil.analyzer.clean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.analyzer.StepClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostWarningsTest {
    private final StepClock clock = new StepClock(1_000_000);
    private final List<String> lines = new ArrayList<>();
    private final HostWarnings warnings = new HostWarnings(clock, Duration.ofMinutes(5), lines::add);

    @Test
    void shouldWarnAtOnceNamingTheHostTheRuleAndItsSettingThenCountUntilThePeriodHasPassed() {
        warnings.record("web-1", Refusal.FUTURE, "metric web-1/system.cpu.utilization: 660 s in the future");
        assertEquals(1, lines.size());
        assertTrue(lines.get(0).startsWith("Host web-1: records dead-lettered: event time more than clean.max.future.ms"
                + " ahead of this analyzer's clock (is the host's clock ahead?"), lines.get(0));
        assertTrue(lines.get(0).contains("First: metric web-1/system.cpu.utilization: 660 s in the future"));
        for (int i = 0; i < 999; i++) {
            clock.millis += 100;
            warnings.record("web-1", Refusal.FUTURE, "record " + i);
        }
        assertEquals(1, lines.size(), "nothing more within the period");
        clock.millis += 5 * 60_000;
        warnings.record("web-1", Refusal.FUTURE, "record 999");
        assertEquals(2, lines.size());
        assertTrue(lines.get(1).startsWith("Host web-1: 1000 more records dead-lettered in the last 7 min: "), lines.get(1));
        assertTrue(lines.get(1).endsWith("Latest: record 999."), lines.get(1));
    }

    @Test
    void shouldWarnPerHostAndReason() {
        warnings.record("web-1", Refusal.FUTURE, "a");
        warnings.record("web-1", Refusal.LATE, "b");
        warnings.record("web-2", Refusal.FUTURE, "c");
        warnings.record("web-1", Refusal.FUTURE, "d");
        assertEquals(3, lines.size());
        assertTrue(lines.get(1).startsWith("Host web-1: records dead-lettered: event time more than clean.grace.ms"));
        assertTrue(lines.get(2).startsWith("Host web-2: "));
    }

    @Test
    void shouldReportTheLastCountOfAHostThatStoppedWithTheNextRecordOfAnyHostAndThenForgetIt() {
        warnings.record("web-1", Refusal.LATE, "a");
        warnings.record("web-1", Refusal.LATE, "b");
        clock.millis += 6 * 60_000;
        warnings.record("web-2", Refusal.LATE, "c");
        assertEquals(List.of("Host web-2: records", "Host web-1: 1 more records"),
                lines.subList(1, 3).stream().map(l -> l.substring(0, l.indexOf(" dead-lettered"))).toList());
        clock.millis += 6 * 60_000;
        warnings.record("web-2", Refusal.LATE, "d");
        assertEquals(1, warnings.size(), "web-1, quiet for a period, is forgotten");
        warnings.record("web-1", Refusal.LATE, "e");
        assertTrue(lines.get(lines.size() - 1).contains("First: e"), "a new first line after a quiet period");
    }
}
