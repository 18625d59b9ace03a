package dev.vigil.collector.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.collector.delivery.RecordingOutbox;
import dev.vigil.schemas.LogRecord;
import dev.vigil.schemas.Severity;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogTailerTest {
    @TempDir
    Path dir;

    private final RecordingOutbox outbox = new RecordingOutbox();

    private LogTailer tailer(final String stateName, final boolean startAtEnd, final LineFormat format) {
        return new LogTailer(new LogTailer.Options(List.of(dir.resolve("*.log").toString()), startAtEnd, 10, 0,
                format), dir.resolve(stateName), outbox, "host-a", Clock.systemUTC());
    }

    private LogTailer tailer() {
        return tailer("state", false, format(null, 16_384, StandardCharsets.UTF_8));
    }

    private static LineFormat format(final Pattern start, final int maxLine, final Charset cs) {
        return new LineFormat(cs, start, 500, 1_000_000L, maxLine, 65_536);
    }

    private void append(final Path file, final int from, final int to) throws IOException {
        final StringBuilder sb = new StringBuilder();
        IntStream.range(from, to).forEach(i -> sb.append("line ").append(i).append('\n'));
        Files.writeString(file, sb, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static List<String> lines(final int from, final int to) {
        return IntStream.range(from, to).mapToObj(i -> "line " + i).toList();
    }

    @Test
    void shouldNotTailAFileAnExcludePatternMatchesAlthoughAPathPatternDoes() throws Exception {
        Files.createDirectories(dir.resolve("app"));
        Files.createDirectories(dir.resolve("vigil"));
        Files.writeString(dir.resolve("app/server.log"), "served\n");
        Files.writeString(dir.resolve("vigil/collector.log"), "shipped 1 record\n");
        try (LogTailer t = new LogTailer(new LogTailer.Options(List.of(dir.resolve("**.log").toString()),
                List.of(dir.resolve("vigil/*").toString()), false, 10, 0, format(null, 16_384, StandardCharsets.UTF_8)),
                dir.resolve("state"), outbox, "host-a", Clock.systemUTC())) {
            t.pollOnce();
            Files.writeString(dir.resolve("vigil/collector.log"), "shipped 2 records\n", StandardOpenOption.APPEND);
            Files.writeString(dir.resolve("vigil/rotated.log"), "new file, still excluded\n");
            t.pollOnce();
        }
        assertEquals(List.of("served"), outbox.messages());
    }

    @Test
    void shouldFollowARenameRotationWithoutLossOrRepeat() throws Exception {
        final Path log = dir.resolve("app.log");
        append(log, 0, 100);
        try (LogTailer t = tailer()) {
            t.pollOnce();
            append(log, 100, 150);
            Files.move(log, dir.resolve("app.log.1"));
            append(dir.resolve("app.log.1"), 150, 160); // a writer that has not reopened yet
            append(log, 160, 200);
            t.pollOnce();
            t.pollOnce();
        }
        assertEquals(lines(0, 200), outbox.messages());
    }

    @Test
    void shouldReadTheCopyWhenAFileIsTruncatedInPlace() throws Exception {
        final Path log = dir.resolve("app.log");
        append(log, 0, 100);
        try (LogTailer t = tailer()) {
            t.pollOnce();
            append(log, 100, 110); // written, not yet read, then copied and truncated
            Files.copy(log, dir.resolve("app.log.1"), StandardCopyOption.COPY_ATTRIBUTES);
            try (var ch = java.nio.channels.FileChannel.open(log, StandardOpenOption.WRITE)) {
                ch.truncate(0);
            }
            append(log, 110, 130);
            t.pollOnce();
            t.pollOnce();
        }
        assertEquals(lines(0, 130), outbox.messages());
        assertEquals(130, outbox.logs.stream().map(LogRecord::getId).distinct().count(), "ids must be distinct");
    }

    /**
     * logrotate's copytruncate copies the file, then truncates it: an agent that polls between the two reads the
     * lines written meanwhile from the file itself, past the copy's end. The copy is the copy all the same (its
     * leading bytes): nothing of it is left to read, and it is not read whole as a generation unseen when the next
     * rotation, under a second later, moves it to app.log.2.
     */
    @Test
    void shouldNotReadACopyAgainWhenTheAgentReadPastItsEndBeforeTheTruncation() throws Exception {
        final Path log = dir.resolve("app.log");
        append(log, 0, 200); // more than the 1 KiB a copy is told by
        try (LogTailer t = tailer()) {
            t.pollOnce();
            Files.copy(log, dir.resolve("app.log.1"), StandardCopyOption.COPY_ATTRIBUTES);
            append(log, 200, 210); // written between logrotate's copy and its truncation
            t.pollOnce(); // and read then
            truncate(log);
            append(log, 210, 230);
            t.pollOnce();
            Files.move(dir.resolve("app.log.1"), dir.resolve("app.log.2"));
            Files.copy(log, dir.resolve("app.log.1"), StandardCopyOption.COPY_ATTRIBUTES);
            truncate(log);
            append(log, 230, 240);
            t.pollOnce();
            t.pollOnce();
        }
        assertEquals(lines(0, 240), outbox.messages());
    }

    private static void truncate(final Path file) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(0);
        }
    }

    @Test
    void shouldResumeExactlyFromCheckpointsAfterRestartAndRotationWhileDown() throws Exception {
        final Path log = dir.resolve("app.log");
        append(log, 0, 50);
        try (LogTailer t = tailer()) {
            t.pollOnce();
        }
        append(log, 50, 70);
        Files.move(log, dir.resolve("app.log.1"));
        append(log, 70, 90);
        try (LogTailer t = tailer()) {
            t.pollOnce();
            t.pollOnce();
        }
        assertEquals(lines(0, 90), outbox.messages());
    }

    @Test
    void shouldGiveARecordReadTwiceTheSameId() throws Exception {
        final Path log = dir.resolve("app.log");
        append(log, 0, 20);
        try (LogTailer t = tailer("state-1", false, format(null, 16_384, StandardCharsets.UTF_8))) {
            t.pollOnce();
        }
        try (LogTailer t = tailer("state-2", false, format(null, 16_384, StandardCharsets.UTF_8))) {
            t.pollOnce();
        }
        final List<String> ids = outbox.logs.stream().map(LogRecord::getId).toList();
        assertEquals(ids.subList(0, 20), ids.subList(20, 40));
    }

    @Test
    void shouldJoinStackTracesByStartPattern() throws Exception {
        final Path log = dir.resolve("app.log");
        Files.writeString(log, String.join("\n",
                "2026-01-31 12:00:00,123 INFO starting",
                "2026-01-31 12:00:01,000 ERROR request failed",
                "java.lang.IllegalStateException: boom",
                "\tat dev.vigil.A.b(A.java:10)",
                "\tat dev.vigil.A.main(A.java:3)",
                "Caused by: java.io.IOException: disk",
                "\t... 2 more",
                "2026-01-31 12:00:02,000 WARN next", ""));
        try (LogTailer t = tailer("state", false, format(Pattern.compile("^\\d{4}-\\d{2}-\\d{2} "), 16_384,
                StandardCharsets.UTF_8))) {
            t.pollOnce();
            Thread.sleep(5);
            t.pollOnce();
        }
        assertEquals(3, outbox.logs.size(), outbox.messages().toString());
        final LogRecord trace = outbox.logs.get(1);
        assertTrue(trace.getMessage().startsWith("2026-01-31 12:00:01,000 ERROR request failed\njava.lang."));
        assertTrue(trace.getMessage().endsWith("\t... 2 more"));
        assertEquals(Severity.ERROR, trace.getSeverity());
        assertEquals(Severity.WARN, outbox.logs.get(2).getSeverity());
        assertEquals(java.time.LocalDateTime.parse("2026-01-31T12:00:01").atZone(java.time.ZoneId.systemDefault())
                .toInstant(), trace.getTime());
        assertEquals(Files.readString(log).indexOf("2026-01-31 12:00:01"), trace.getOffset());
    }

    @Test
    void shouldNotPublishAPendingMultilineRecordTwiceAcrossARestart() throws Exception {
        final Path log = dir.resolve("app.log");
        final LineFormat f = format(Pattern.compile("^START"), 16_384, StandardCharsets.UTF_8);
        Files.writeString(log, "START one\n  more\nSTART two\n  two more\n");
        try (LogTailer t = tailer("state", false, f)) {
            t.pollOnce(); // "START two" is pending, its offset not yet checkpointed
        }
        Files.writeString(log, "  two last\nSTART three\n", StandardOpenOption.APPEND);
        try (LogTailer t = tailer("state", false, f)) {
            t.pollOnce();
            Thread.sleep(5);
            t.pollOnce();
        }
        assertEquals(List.of("START one\n  more", "START two\n  two more\n  two last", "START three"),
                outbox.messages());
    }

    @Test
    void shouldCutLinesLongerThanTheBound() throws Exception {
        final Path log = dir.resolve("app.log");
        Files.writeString(log, "short\n" + "x".repeat(200_000) + "\nafter\n");
        try (LogTailer t = tailer("state", false, format(null, 1000, StandardCharsets.UTF_8))) {
            t.pollOnce();
        }
        assertEquals(3, outbox.logs.size());
        assertEquals(1000, outbox.logs.get(1).getMessage().length());
        assertEquals("true", outbox.logs.get(1).getAttributes().get("truncated"));
        assertEquals("after", outbox.logs.get(2).getMessage());
    }

    @Test
    void shouldNotTakeHeapInProportionToTheLineBoundForEveryTailedFile() throws Exception {
        // a read buffer per file, of max(64 KiB, logs.max.line.bytes): 1,000 files overflowed the agent's 64 MiB heap
        for (int i = 0; i < 200; i++) {
            append(dir.resolve("f" + i + ".log"), 0, 1);
        }
        try (LogTailer t = tailer("state", false, format(null, 1 << 20, StandardCharsets.UTF_8))) {
            final long before = heapAfterGc();
            t.pollOnce();
            final long grown = heapAfterGc() - before;
            assertEquals(200, outbox.logs.size());
            assertTrue(grown < 64 << 20, "200 tailed files took " + (grown >> 20) + " MiB of heap");
        }
    }

    private static long heapAfterGc() {
        System.gc();
        return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Test
    void shouldReadNothingMoreWhileTheSpoolRefusesRecordsAndLoseNothingOnceItTakesThemAgain() throws Exception {
        // a full disk: the refused records used to stay in memory while every round read and added more (OutOfMemoryError)
        final List<Integer> attempts = new java.util.ArrayList<>();
        final boolean[] refuse = {true};
        final dev.vigil.collector.delivery.Outbox diskFull = new dev.vigil.collector.delivery.Outbox() {
            @Override
            public boolean publish(final dev.vigil.schemas.MetricSample sample) {
                return outbox.publish(sample);
            }

            @Override
            public boolean publish(final LogRecord record) {
                return publishLogs(List.of(record)) == 1;
            }

            @Override
            public int publishLogs(final List<LogRecord> records) {
                attempts.add(records.size());
                if (refuse[0]) {
                    throw new dev.vigil.collector.CollectorException("spool: No space left on device");
                }
                records.forEach(outbox::publish);
                return records.size();
            }

            @Override
            public boolean publish(final dev.vigil.schemas.HostEvent event) {
                return outbox.publish(event);
            }

            @Override
            public void sync() {
                outbox.sync();
            }
        };
        final Path log = dir.resolve("app.log");
        append(log, 0, 100);
        try (LogTailer t = new LogTailer(new LogTailer.Options(List.of(dir.resolve("*.log").toString()), false, 10, 0,
                format(null, 16_384, StandardCharsets.UTF_8)), dir.resolve("state"), diskFull, "host-a",
                Clock.systemUTC())) {
            for (int round = 0; round < 3; round++) {
                assertThrows(dev.vigil.collector.CollectorException.class, t::pollOnce);
                append(log, 100 + round * 100, 200 + round * 100);
            }
            assertEquals(List.of(100, 100, 100), attempts, "the refused records are offered again, nothing is added");
            refuse[0] = false;
            t.pollOnce();
            t.pollOnce();
        }
        assertEquals(lines(0, 400), outbox.messages());
    }

    @Test
    void shouldBoundRecordsInUtf8BytesAsTheAnalyzerDoesAndNeverCutACharacter() throws Exception {
        final Path log = dir.resolve("app.log");
        // 8 continuation lines of 7,990 two-byte characters: 63,936 characters but 127,872 bytes
        final StringBuilder text = new StringBuilder("START accents\n");
        for (int i = 0; i < 8; i++) {
            text.append("  ").append("\u00e9".repeat(7_990)).append('\n');
        }
        text.append("x").append("\u00e9".repeat(9_000)).append("\nSTART next\n");
        Files.writeString(log, text);
        try (LogTailer t = tailer("state", false, format(Pattern.compile("^START|^x"), 16_384,
                StandardCharsets.UTF_8))) {
            t.pollOnce();
            Thread.sleep(5);
            t.pollOnce();
        }
        final LogRecord joined = outbox.logs.get(0);
        assertTrue(joined.getMessage().getBytes(StandardCharsets.UTF_8).length <= 65_536,
                joined.getMessage().getBytes(StandardCharsets.UTF_8).length + " bytes");
        assertEquals("true", joined.getAttributes().get("truncated"));
        // a line cut at 16,384 bytes ends on a whole character (16,383 bytes), not on half of one (U+FFFD)
        assertEquals("x" + "\u00e9".repeat(8_191), outbox.logs.get(1).getMessage());
    }

    @Test
    void shouldSkipBlankLinesAndSayOnceThatAWatchedDirectoryIsMissing() throws Exception {
        Files.writeString(dir.resolve("app.log"), "one\n\n   \r\ntwo\n");
        final ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger(LogTailer.class);
        final ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> seen =
                new ch.qos.logback.core.read.ListAppender<>();
        seen.start();
        log.addAppender(seen);
        final Path absent = dir.resolve("not-yet");
        try (LogTailer t = new LogTailer(new LogTailer.Options(List.of(dir.resolve("*.log").toString(),
                absent.resolve("*.log").toString()), false, 10, 0, format(null, 16_384, StandardCharsets.UTF_8)),
                dir.resolve("state"), outbox, "host-a", Clock.systemUTC())) {
            t.pollOnce();
            t.pollOnce();
            assertEquals(List.of("one", "two"), outbox.messages());
            assertEquals(1, seen.list.stream().filter(e -> e.getFormattedMessage().contains(absent + " does not exist"))
                    .count(), seen.list.toString());
            Files.createDirectories(absent);
            Files.writeString(absent.resolve("late.log"), "three\n");
            t.pollOnce();
            assertEquals(List.of("one", "two", "three"), outbox.messages());
        } finally {
            log.detachAppender(seen);
        }
    }

    @Test
    void shouldSayOncePerPathAndReasonThatALogCannotBeOpenedAndWhy() throws Exception {
        // An agent run as nobody and a file of mode 600: simulated by the opener, since tests may run as root
        Files.writeString(dir.resolve("secret.log"), "one\n");
        final ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger(LogTailer.class);
        final ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> seen =
                new ch.qos.logback.core.read.ListAppender<>();
        seen.start();
        log.addAppender(seen);
        final boolean[] denied = {true};
        try (LogTailer t = tailer("state", false, format(null, 1000, StandardCharsets.UTF_8))) {
            t.opener(p -> {
                if (denied[0]) {
                    throw new java.nio.file.AccessDeniedException(p.toString());
                }
                return java.nio.channels.FileChannel.open(p, java.nio.file.StandardOpenOption.READ);
            });
            for (int i = 0; i < 5; i++) {
                t.pollOnce();
            }
            final List<String> warnings = seen.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
                    .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).toList();
            assertEquals(1, warnings.size(), "once, not every poll: " + warnings);
            assertTrue(warnings.get(0).contains("secret.log: cannot open (permission denied)"), warnings.get(0));
            denied[0] = false;
            t.pollOnce();
            assertEquals(List.of("one"), outbox.messages(), "read once it can be opened");
            assertTrue(seen.list.stream().anyMatch(e -> e.getFormattedMessage().contains("readable again")));
        } finally {
            log.detachAppender(seen);
        }
    }

    @Test
    void shouldDecodeTheConfiguredCharset() throws Exception {
        final Path log = dir.resolve("app.log");
        Files.write(log, "caf\u00e9 cr\u00e8me\r\n".getBytes(StandardCharsets.ISO_8859_1));
        try (LogTailer t = tailer("state", false, format(null, 1000, StandardCharsets.ISO_8859_1))) {
            t.pollOnce();
        }
        assertEquals(List.of("caf\u00e9 cr\u00e8me"), outbox.messages());
    }

    @Test
    void shouldSkipExistingContentAtFirstStartWhenAskedButReadNewFiles() throws Exception {
        append(dir.resolve("old.log"), 0, 10);
        try (LogTailer t = tailer("state", true, format(null, 1000, StandardCharsets.UTF_8))) {
            t.pollOnce();
            append(dir.resolve("old.log"), 10, 12);
            append(dir.resolve("new.log"), 100, 102);
            t.pollOnce();
        }
        assertEquals(List.of("line 10", "line 11", "line 100", "line 101"), outbox.messages());
    }

    private static ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> listen() {
        final ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> seen =
                new ch.qos.logback.core.read.ListAppender<>();
        seen.start();
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(LogTailer.class)).addAppender(seen);
        return seen;
    }

    private static List<String> warnings(
            final ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> seen) {
        return seen.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
                .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void shouldSkipABinaryFileWithOneWarningAndReadTheTextFileThatReplacesIt() throws Exception {
        // 1 MiB of random bytes matched by the glob became 3,934 records of U+FFFD
        final Path log = dir.resolve("data.log");
        final byte[] random = new byte[1 << 20];
        new java.util.Random(42).nextBytes(random);
        Files.write(log, random);
        final Path db = dir.resolve("state.log"); // a database: a header, NUL bytes, then mostly text-like pages
        Files.write(db, ("SQLite format 3\0" + "x".repeat(5000) + "\n").getBytes(StandardCharsets.ISO_8859_1));
        final var seen = listen();
        try (LogTailer t = tailer()) {
            for (int i = 0; i < 3; i++) {
                t.pollOnce();
            }
            Files.write(log, random, StandardOpenOption.APPEND); // still binary: nothing, and not said again
            t.pollOnce();
            assertEquals(List.of(), outbox.messages());
            final List<String> warned = warnings(seen);
            assertEquals(2, warned.size(), "once per file: " + warned);
            assertTrue(warned.stream().anyMatch(w -> w.startsWith(log + ": not tailed, it looks binary (a NUL byte")
                    && w.contains("logs.paths")), warned.toString());
            assertTrue(warned.stream().anyMatch(w -> w.startsWith(db + ": not tailed")), warned.toString());

            Files.move(log, dir.resolve("data.log.1")); // rotated: a text file under the same name is read
            append(log, 0, 3);
            try (var ch = java.nio.channels.FileChannel.open(db, StandardOpenOption.WRITE)) {
                ch.truncate(0); // truncated in place, then text
            }
            Files.writeString(db, "after truncation\n", StandardOpenOption.APPEND);
            t.pollOnce();
            t.pollOnce();
            assertEquals(List.of("after truncation", "line 0", "line 1", "line 2"),
                    outbox.messages().stream().sorted().toList());
            assertEquals(2, warnings(seen).size(), warnings(seen).toString());
        } finally {
            ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(LogTailer.class)).detachAppender(seen);
        }
    }

    @Test
    void shouldNotTakeTextInOtherCharsetsOrWithAFewBadBytesOrALeadingHoleForBinary() throws Exception {
        final StringBuilder latin = new StringBuilder();
        final StringBuilder japanese = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            latin.append("\u00e9t\u00e9 \u00e0 \u00d6l\u00e7\u00fc ").append(i).append('\n');
            japanese.append("\u30ed\u30b0\u306e\u884c ").append(i).append('\n');
        }
        final Path[] files = {dir.resolve("latin.log"), dir.resolve("sjis.log"), dir.resolve("utf8.log"),
            dir.resolve("hole.log")};
        final Charset sjis = Charset.forName("Shift_JIS");
        Files.write(files[0], latin.toString().getBytes(StandardCharsets.ISO_8859_1));
        Files.write(files[1], japanese.toString().getBytes(sjis));
        // UTF-8 with a Latin-1 word and ANSI colours: bad bytes now and then, not a binary file
        final java.io.ByteArrayOutputStream utf8 = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < 20; i++) {
            utf8.write(("\u001b[31mERROR\u001b[0m caf").getBytes(StandardCharsets.UTF_8));
            utf8.write(0xE9);
            utf8.write(" \u00e9t\u00e9\n".getBytes(StandardCharsets.UTF_8));
        }
        Files.write(files[2], utf8.toByteArray());
        // after copytruncate, a writer without O_APPEND writes at its old offset: a hole of NUL bytes, then text
        Files.write(files[3], new byte[6000]);
        Files.writeString(files[3], "after the hole\n", StandardOpenOption.APPEND);
        final var seen = listen();
        try {
            for (final Charset cs : List.of(StandardCharsets.ISO_8859_1, sjis, StandardCharsets.UTF_8)) {
                outbox.logs.clear();
                try (LogTailer t = tailer("state-" + cs.name(), false, format(null, 16_384, cs))) {
                    t.pollOnce();
                }
                final List<String> read = outbox.logs.stream().map(r -> r.getSource() + ":" + r.getMessage()).toList();
                final Path own = cs == sjis ? files[1] : cs == StandardCharsets.UTF_8 ? files[2] : files[0];
                assertEquals(cs == sjis ? 200 : cs == StandardCharsets.UTF_8 ? 20 : 200,
                        read.stream().filter(r -> r.startsWith(own + ":")).count(), cs + ": " + read);
                assertTrue(read.stream().anyMatch(r -> r.startsWith(files[3] + ":") && r.endsWith("after the hole")),
                        cs + ": " + read);
            }
            assertTrue(outbox.messages().contains("\u001b[31mERROR\u001b[0m caf\ufffd \u00e9t\u00e9"),
                    outbox.messages().toString());
            // each file is text in its own charset; in UTF-8, Latin-1 and Shift_JIS text are mostly malformed
            assertTrue(warnings(seen).stream().noneMatch(w -> w.contains(files[2] + ":") || w.contains(files[3] + ":")),
                    warnings(seen).toString());
        } finally {
            ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(LogTailer.class)).detachAppender(seen);
        }
    }
}
