package dev.vigil.backup.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ledger whose last line a power loss tore: the entries before it and after it are read again. A final result is
 * kept across restarts until it is sent. The file is compacted, and a kill during a compaction leaves it whole.
 */
class LedgerTest {
    @TempDir
    Path dir;

    @Test
    void shouldKeepTheNextEntryOnALineOfItsOwnAfterATornOne() {
        final Path file = dir.resolve("ledger.jsonl");
        try (Ledger ledger = new Ledger(file)) {
            ledger.put(entry("a", "DONE", 1, "SUCCEEDED", Instant.parse("2026-11-27T00:00:00Z")));
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
            ledger.put(entry("c", "STARTED", 3, null, Instant.parse("2026-11-27T00:00:01Z")));
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
            ledger.put(entry("b", "STARTED", 2, null, Instant.parse("2026-11-27T00:00:00Z")));
            ledger.put(entry("a", "DONE", 1, "FAILED", Instant.parse("2026-11-27T00:00:01Z"))
                    .withResult("ds", new byte[] {1, 2}));
            ledger.put(entry("b", "DONE", 2, "SUCCEEDED", Instant.parse("2026-11-27T00:00:02Z"))
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

    @Test
    void shouldCompactToOneLinePerEntryThatStillMattersKeepingUnsentResultsWhateverTheirAge() throws Exception {
        final Path file = dir.resolve("ledger.jsonl");
        final Instant now = Instant.parse("2026-11-27T12:00:00Z");
        try (Ledger ledger = new Ledger(file, Duration.ofHours(24), Clock.fixed(now, ZoneOffset.UTC), 20)) {
            ledger.put(entry("expired", "DONE", 0, "SUCCEEDED", now.minus(Duration.ofHours(25))));
            ledger.put(entry("expired-unsent", "DONE", 1, "SUCCEEDED", now.minus(Duration.ofHours(25)))
                    .withResult("ds", new byte[] {7}));
            ledger.put(entry("recent", "DONE", 2, "REJECTED", now.minus(Duration.ofHours(23))));
            for (int i = 0; i < 30; i++) {
                ledger.put(entry("running", i % 2 == 0 ? "STARTED" : "DONE", 3 + i, null, now));
            }
        }
        final long lines = Files.readAllLines(file).size();
        assertTrue(lines < 20, "33 entries written to 4 commands, compacted: " + lines + " lines");
        try (Ledger ledger = new Ledger(file)) {
            assertNull(ledger.get("expired"), "a command the worker refuses as expired anyway is forgotten");
            assertArrayEquals(new byte[] {7}, ledger.get("expired-unsent").resultBytes(), "its result still to send");
            assertEquals("REJECTED", ledger.get("recent").status(), "kept, so that a replay is refused as one");
            assertEquals(32, ledger.get("running").offset(), "the last line written of it");
            assertEquals(List.of("expired-unsent"), ledger.unsent().stream().map(Ledger.Entry::commandId).toList());
        }
    }

    @Test
    void shouldReadTheLedgerAfterACompactionKilledWhileItWroteTheNewFile() throws Exception {
        final Path file = dir.resolve("ledger.jsonl");
        try (Ledger ledger = new Ledger(file)) {
            ledger.put(entry("a", "DONE", 1, "SUCCEEDED", Instant.parse("2026-11-27T00:00:00Z")));
        }
        // the new file, torn: the kill came before its rename
        final Path compact = dir.resolve("ledger.jsonl.compact");
        Files.writeString(compact, "{\"commandId\":\"a\",\"sta");
        try (Ledger ledger = new Ledger(file)) {
            assertEquals("DONE", ledger.get("a").state());
        }
        assertFalse(Files.exists(compact), "the torn new file is removed");
    }

    @Test
    void shouldLeaveAWholeLedgerWhenItsWriterIsKilledAtAnyPointWhileItCompacts() throws Exception {
        final Path file = dir.resolve("ledger.jsonl");
        final Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), Writer.class.getName(), file.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        final long[] last = new long[Writer.COMMANDS];
        java.util.Arrays.fill(last, -1);
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            // an offset whose entry was forced to disk, on each line of its own; many compactions go by meanwhile
            for (long written = 0; written < 600; ) {
                final String line = out.readLine();
                assertNotNull(line, "the writer stopped");
                if (line.startsWith(Writer.RECORDED)) {
                    final long offset = Long.parseLong(line.substring(Writer.RECORDED.length()));
                    last[(int) (offset % Writer.COMMANDS)] = offset;
                    written++;
                }
            }
        } finally {
            child.destroyForcibly(); // kill -9, wherever it is
            assertTrue(child.waitFor(1, TimeUnit.MINUTES));
        }
        try (Ledger ledger = new Ledger(file)) {
            for (int c = 0; c < Writer.COMMANDS; c++) {
                final Ledger.Entry e = ledger.get("c" + c);
                assertTrue(e.offset() >= last[c], "c" + c + ": offset " + e.offset() + ", " + last[c] + " recorded");
                assertEquals(new byte[] {(byte) c}[0], e.resultBytes()[0], "its result kept");
            }
        }
    }

    /** Writes entries of a few commands as fast as it can, each offset on stdout once recorded; compacts often. */
    static final class Writer {
        static final int COMMANDS = 4;
        static final String RECORDED = "recorded ";

        private Writer() {
        }

        /** @param args the ledger file */
        public static void main(final String[] args) {
            try (Ledger ledger = new Ledger(Path.of(args[0]), Duration.ofHours(1), Clock.systemUTC(), 10)) {
                for (long offset = 0; ; offset++) {
                    final int c = (int) (offset % COMMANDS);
                    ledger.put(entry("c" + c, "DONE", offset, "SUCCEEDED", Instant.now())
                            .withResult("ds", new byte[] {(byte) c}));
                    System.out.println(RECORDED + offset);
                    System.out.flush();
                }
            }
        }
    }

    private static Ledger.Entry entry(final String id, final String state, final long offset, final String status,
                                      final Instant issued) {
        return new Ledger.Entry(id, state, 0, offset, status, issued.toString(), issued.toString());
    }
}
