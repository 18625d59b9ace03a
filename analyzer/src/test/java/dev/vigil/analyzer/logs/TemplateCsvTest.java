package dev.vigil.analyzer.logs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemplateCsvTest {
    @Test
    void shouldRoundTripTemplatesWithCommasQuotesAndLineBreaks(@TempDir final Path dir) throws Exception {
        final List<String> templates = List.of("plain <*>", "a, b", "say \"hi\" <*>", "two\nlines", "");
        final Path file = dir.resolve("out.csv");
        TemplateCsv.write(file, templates);
        final String text = Files.readString(file);
        assertTrue(text.startsWith("LineId,EventTemplate\n1,plain <*>\n2,\"a, b\"\n3,\"say \"\"hi\"\" <*>\"\n"), text);
        final List<String[]> rows = TemplateCsv.read(file, "EventTemplate", "LineId");
        assertEquals(templates.size(), rows.size());
        for (int i = 0; i < templates.size(); i++) {
            assertArrayEquals(new String[] {templates.get(i), Integer.toString(i + 1)}, rows.get(i));
        }
    }

    @Test
    void shouldNameTheFileAndLineOfAnUnclosedQuote(@TempDir final Path dir) throws Exception {
        final Path file = dir.resolve("Sys_2k.log_structured.csv");
        Files.writeString(file, "LineId,Content,EventTemplate\n1,a,b\n2,\"unclosed, quote,c\n3,d,e\n");
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TemplateCsv.read(file, "LineId", "Content", "EventTemplate"));
        assertTrue(e.getMessage().startsWith(file + ": not CSV, at line 5: Missing closing quote"), e.getMessage());
    }

    @Test
    void shouldNameTheMissingColumn() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TemplateCsv.read(new StringReader("LineId,Content\n1,x\n"), "t.csv", "EventTemplate"));
        assertTrue(e.getMessage().startsWith("t.csv: no column EventTemplate"), e.getMessage());
    }
}
