package dev.vigil.backup.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A ledger whose last line a power loss tore: the entries before it and after it are read again. */
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
}
