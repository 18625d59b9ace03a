package dev.vigil.backup.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ledger whose last line a power loss tore: the entries before it and after it are read again. A final result is
 * kept across restarts until it is sent.
 */
class LedgerTest {
    @TempDir
    Path dir;

    @Test
    void shouldKeepTheNextEntryOnALineOfItsOwnAfterATornOne() {
        final Path file = dir.resolve("ledger.jsonl");
        try (Ledger ledger = new Ledger(file)) {
            ledger.put(new Ledger.Entry("a", "DONE", 0, 1, "SUCCEEDED", "2026-11-27T00:00:00Z"));
        }
        // half a line, cut inside a two-byte character
        final byte[] torn = "{\"commandId\":\"b\",\"state\":\"STA\u00e9".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try {
            Files.write(file, java.util.Arrays.copyOf(torn, torn.length - 1), StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        try (Ledger ledger = new Ledger(file)) {
            assertEquals("DONE", ledger.get("a").state());
            assertNull(ledger.get("b"), "the torn command was not started");
            ledger.put(new Ledger.Entry("c", "STARTED", 0, 3, null, "2026-11-27T00:00:01Z"));
        }
        try (Ledger ledger = new Ledger(file)) {
            assertEquals("STARTED", ledger.get("c").state(), "not glued to the torn line");
            assertEquals("DONE", ledger.get("a").state());
        }
    }

    @Test
    void shouldKeepAFinalResultAcrossRestartsUntilItIsSentInTheOrderTheCommandsWereDone() throws Exception {
        final Path file = dir.resolve("ledger.jsonl");
        // a line of a worker from before results were kept: no dataset, no result
        Files.writeString(file, "{\"commandId\":\"old\",\"state\":\"DONE\",\"partition\":0,\"offset\":0,"
                + "\"status\":\"SUCCEEDED\",\"time\":\"2026-11-26T00:00:00Z\"}\n");
        try (Ledger ledger = new Ledger(file)) {
            ledger.put(new Ledger.Entry("b", "STARTED", 0, 2, null, "2026-11-27T00:00:00Z"));
            ledger.put(new Ledger.Entry("a", "DONE", 0, 1, "FAILED", "2026-11-27T00:00:01Z")
                    .withResult("ds", new byte[] {1, 2}));
            ledger.put(new Ledger.Entry("b", "DONE", 0, 2, "SUCCEEDED", "2026-11-27T00:00:02Z")
                    .withResult("ds", new byte[] {3}));
        }
        try (Ledger ledger = new Ledger(file)) {
            assertTrue(ledger.get("old").done());
            assertEquals(List.of("a", "b"), ledger.unsent().stream().map(Ledger.Entry::commandId).toList());
            assertArrayEquals(new byte[] {1, 2}, ledger.unsent().get(0).resultBytes());
            ledger.put(ledger.get("a").sent());
        }
        try (Ledger ledger = new Ledger(file)) {
            assertEquals(List.of("b"), ledger.unsent().stream().map(Ledger.Entry::commandId).toList());
            assertTrue(ledger.get("a").done(), "sent, still remembered for replay detection");
            assertEquals("ds", ledger.get("b").dataset());
        }
    }
}
