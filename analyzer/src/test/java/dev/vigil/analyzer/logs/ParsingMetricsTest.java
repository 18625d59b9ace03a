package dev.vigil.analyzer.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ParsingMetricsTest {
    @Test
    void shouldScoreAPerfectParser() {
        final List<String> truth = List.of("a <*>", "a <*>", "b");
        assertEquals(new ParsingMetrics(1, 1, 1, 2, 2), ParsingMetrics.score(truth, truth));
    }

    @Test
    void shouldCountOnlyLinesWhoseWholeGroupIsRight() {
        // true groups {0,1} {2,3} {4}; predicted {0,1} {2,3,4}: only lines 0 and 1 are grouped right
        final List<String> truth = List.of("A", "A", "B", "B", "C");
        final List<String> predicted = List.of("x", "x", "y", "y", "y");
        final ParsingMetrics m = ParsingMetrics.score(truth, predicted);
        assertEquals(0.4, m.ga(), 1e-12);
        assertEquals(0.0, m.pa(), 1e-12);
        // one correct group of 2 predicted and 3 true: P = 1/2, R = 1/3, F1 = 0.4
        assertEquals(0.4, m.fga(), 1e-12);
        assertEquals(2, m.groups());
        assertEquals(3, m.trueGroups());
    }

    @Test
    void shouldCompareTemplatesAfterCollapsingSpacesAndWildcardRuns() {
        final List<String> truth = List.of("to delete  blk_<*>", "IRQs <*> <*> <*>) x", "k=<*>:<*>");
        final List<String> predicted = List.of("to delete blk_<*>", "IRQs <*>) x", "k=<*>");
        final ParsingMetrics m = ParsingMetrics.score(truth, predicted);
        assertEquals(2.0 / 3, m.pa(), 1e-12);
        assertEquals(1.0, m.ga(), 1e-12);
        assertEquals("a <*> b", ParsingMetrics.normalise(" a  <*><*> <*>   b "));
    }

    @Test
    void shouldRefuseListsOfDifferentLength() {
        assertThrows(IllegalArgumentException.class, () -> ParsingMetrics.score(List.of("a"), List.of("a", "b")));
    }
}
