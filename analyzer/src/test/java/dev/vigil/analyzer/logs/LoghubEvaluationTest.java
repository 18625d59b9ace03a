package dev.vigil.analyzer.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoghubEvaluationTest {
    @Test
    void shouldMineAndScoreEachSystemOfALoghubFolder(@TempDir final Path dir) throws Exception {
        final Path sys = Files.createDirectories(dir.resolve("Mini"));
        Files.writeString(sys.resolve("Mini_2k.log_structured.csv"), String.join("\r\n",
                "LineId,Level,Content,EventId,EventTemplate",
                "1,INFO,Invalid user admin from 1.2.3.4,E1,Invalid user <*> from <*>",
                "2,INFO,\"Took 12 ms, flushed 3\",E2,\"Took <*> ms, flushed <*>\"",
                "3,INFO,Invalid user guest from 5.6.7.8,E1,Invalid user <*> from <*>",
                "4,INFO,\"Took 9 ms, flushed 1\",E2,\"Took <*> ms, flushed <*>\"",
                "5,WARN,Disk full,E3,Disk full",
                "6,INFO,Invalid user test from 1.2.3.5,E1,Invalid user <*> from <*>",
                "7,INFO,Invalid user oracle from 1.2.3.6,E1,Invalid user <*> from <*>", ""));
        Files.createDirectories(dir.resolve("NotASystem"));
        final Path corrected = Files.createDirectories(dir.resolve("Other"));
        Files.writeString(corrected.resolve("Other_2k.log_structured_corrected.csv"),
                "LineId,Content,EventTemplate\n1,Disk full,Disk full\n2,Disk full,Disk full\n");
        final Path pred = dir.resolve("pred");
        final List<LoghubEvaluation.SystemResult> results = LoghubEvaluation.evaluate(dir, MinerOptions.DEFAULTS, pred);
        assertEquals(2, results.size());
        assertEquals("Mini", results.get(0).system());
        assertEquals("Other", results.get(1).system());
        assertEquals(new ParsingMetrics(1, 1, 1, 1, 1), results.get(1).metrics());
        assertEquals(new ParsingMetrics(1, 1, 1, 3, 3), results.get(0).metrics());
        // line 7 shows a fourth user name: the templates of lines 1, 3 and 6 merge, and each line is given the
        // merged template's final text
        assertEquals(List.of("Invalid user <*> from <*>", "Took <*> ms, flushed <*>"),
                TemplateCsv.read(pred.resolve("Mini.csv"), "EventTemplate").subList(0, 2).stream()
                        .map(r -> r[0]).toList());
    }

    @Test
    void shouldRefuseAFolderWithoutSystems(@TempDir final Path dir) {
        assertThrows(IllegalArgumentException.class, () -> LoghubEvaluation.evaluate(dir, MinerOptions.DEFAULTS, null));
    }
}
