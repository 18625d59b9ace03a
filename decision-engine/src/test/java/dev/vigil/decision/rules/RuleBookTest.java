package dev.vigil.decision.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.embedded.junit.LogCapture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleBookTest {
    private static final String ONE = """
            rules:
              - {name: one, on: [tick], when: "state.chainLength > 5", actions: [{action: FULL}]}
            """;
    private static final String TWO = ONE + """
              - {name: two, on: [tick], when: "state.inFlight == 0", actions: [{action: VERIFY}]}
            """;

    @Test
    void shouldReloadAChangedFile(@TempDir final Path dir) throws IOException {
        final Path file = Files.writeString(dir.resolve("rules.yaml"), ONE);
        final RuleBook book = RuleBook.open(file);
        final String before = book.rules().version();

        assertFalse(book.reloadIfChanged(), "unchanged file");
        Files.writeString(file, TWO);
        assertTrue(book.reloadIfChanged());

        assertEquals(2, book.rules().rules().size());
        assertNotEquals(before, book.rules().version());
        assertTrue(book.lastProblems().isEmpty());
    }

    @Test
    void shouldSayOnceThatTheFileIsGoneAndOnceThatItIsBack(@TempDir final Path dir) throws IOException {
        final Path file = Files.writeString(dir.resolve("rules.yaml"), ONE);
        final RuleBook book = RuleBook.open(file);
        final java.util.List<String> lines;
        try (LogCapture log = new LogCapture(RuleBook.class, ch.qos.logback.classic.Level.ALL)) {
            Files.delete(file);
            for (int i = 0; i < 5; i++) {
                assertFalse(book.reloadIfChanged());
            }
            Files.writeString(file, TWO);
            assertTrue(book.reloadIfChanged());
            lines = log.messages();
        }
        assertEquals(1, lines.stream().filter(l -> l.startsWith("Cannot read rule file")).count(), lines.toString());
        assertTrue(lines.get(0).contains("no such file or directory"), lines.get(0));
        assertTrue(lines.stream().anyMatch(l -> l.contains("readable again")), lines.toString());
    }

    @Test
    void shouldKeepThePreviousRulesWhenTheNewFileIsInvalid(@TempDir final Path dir) throws IOException {
        final Path file = Files.writeString(dir.resolve("rules.yaml"), TWO);
        final RuleBook book = RuleBook.open(file);
        final RuleSet before = book.rules();

        Files.writeString(file, ONE + "  - {name: bad, on: [tick], when: \"state.nope\", actions: [{action: FULL}]}\n");

        assertFalse(book.reloadIfChanged());
        assertEquals(before, book.rules());
        assertEquals(1, book.lastProblems().size());
        assertTrue(book.lastProblems().get(0).contains(file + ":3:41: rule 'bad': when: undefined field 'nope'"),
                book.lastProblems().toString());
        Files.writeString(file, ONE);
        assertTrue(book.reloadIfChanged(), "a fixed file loads again");
        assertEquals(1, book.rules().rules().size());
    }

    @Test
    void shouldRefuseAnInvalidFileAtStartUp(@TempDir final Path dir) throws IOException {
        final Path file = Files.writeString(dir.resolve("rules.yaml"), "rules: nope\n");

        final RuleFileException e = assertThrows(RuleFileException.class, () -> RuleBook.open(file));
        assertTrue(e.getMessage().startsWith(file + ":1: 'rules' must be a list"), e.getMessage());
    }
}
