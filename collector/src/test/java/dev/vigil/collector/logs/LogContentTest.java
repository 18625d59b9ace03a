package dev.vigil.collector.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.collector.app.CollectorConfig;
import dev.vigil.collector.delivery.RecordingOutbox;
import dev.vigil.schemas.LogRecord;
import dev.vigil.schemas.Severity;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What other systems write into their logs: holes of NUL bytes, lines without their end, stack traces. */
class LogContentTest {
    @TempDir
    Path dir;

    private final RecordingOutbox outbox = new RecordingOutbox();

    private LogTailer tailer(final Pattern multilineStart) {
        return tailer(new LineFormat(StandardCharsets.UTF_8, multilineStart, 500, 1_000_000L, 16_384, 65_536));
    }

    private LogTailer tailer(final LineFormat format) {
        return new LogTailer(new LogTailer.Options(List.of(dir.resolve("*.log").toString()), false, 10, 0, format),
                dir.resolve("state"), outbox, "h", Clock.systemUTC());
    }

    /** Writes at an offset past the end, as a writer whose file size moved on without its data: a hole of zeros. */
    private static void writeAt(final Path log, final long offset, final String text) throws Exception {
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), offset);
        }
    }

    @Test
    void shouldReadTheLinesAroundAHoleOfNulBytesAndNeverTheNulBytes() throws Exception {
        // A writer that crashed mid-line (its torn line), a hole of zeros where data never reached the disk, and
        // the writer started again: larger than the read buffer, and inside the first 4 KiB examined at opening
        final Path log = dir.resolve("app.log");
        Files.writeString(log, "before the crash\ntorn");
        try (LogTailer t = tailer((Pattern) null)) {
            t.pollOnce();
            writeAt(log, Files.size(log) + 200_000, "started again\n");
            t.pollOnce();
            writeAt(log, Files.size(log) + 100, "and again\n");
            t.pollOnce();
        }
        final List<String> expected = List.of("before the crash", "torn", "started again", "and again");
        assertEquals(expected, outbox.messages());
        final Path small = dir.resolve("small.log");
        Files.writeString(small, "before the crash\n");
        writeAt(small, 1000, "started again\n");
        outbox.logs.clear();
        try (LogTailer t = tailer(Pattern.compile("^\\S"))) { // a new file: read from its start
            t.pollOnce();
            Thread.sleep(5);
            t.pollOnce();
        }
        assertEquals(List.of("before the crash", "started again"), outbox.messages(),
                "a hole in its first 4 KiB is not a binary file");
    }

    @Test
    void shouldJoinJavaStackTracesAndPythonTracebacksIntoOneRecordEachWithTheDefaultSettings() throws Exception {
        final StringWriter trace = new StringWriter();
        final Exception cause = new java.io.IOException("disk full");
        new IllegalStateException("cannot save order 42", cause).printStackTrace(new PrintWriter(trace));
        final String javaTrace = trace.toString().replace(System.lineSeparator(), "\n").stripTrailing();
        final String python = String.join("\n",
                "2026-11-27 08:00:02,001 ERROR worker: job 7 failed",
                "Traceback (most recent call last):",
                "  File \"/srv/app/jobs.py\", line 12, in run",
                "    total = amount / count",
                "ZeroDivisionError: division by zero",
                "",
                "During handling of the above exception, another exception occurred:",
                "",
                "Traceback (most recent call last):",
                "  File \"/srv/app/jobs.py\", line 14, in run",
                "    raise JobError(7)",
                "jobs.JobError: 7");
        Files.writeString(dir.resolve("app.log"), "2026-11-27 08:00:00,000 INFO  [main] c.e.Shop - started\n"
                + "2026-11-27 08:00:01,000 ERROR [http-1] c.e.Shop - request failed\n" + javaTrace + "\n"
                + python + "\n" + "plain line without a time\n" + "another plain line\n");
        final LineFormat defaults = new CollectorConfig(Map.of()).lineFormat();
        try (LogTailer t = tailer(new LineFormat(defaults.charset(), defaults.multilineStart(),
                defaults.multilineMaxLines(), 1_000_000L, defaults.maxLineBytes(), defaults.maxRecordBytes()))) {
            t.pollOnce();
            Thread.sleep(5); // past the multi-line timeout of this test (1 ms), not a wait for a result
            t.pollOnce();
        }
        assertEquals(List.of("2026-11-27 08:00:00,000 INFO  [main] c.e.Shop - started",
                "2026-11-27 08:00:01,000 ERROR [http-1] c.e.Shop - request failed\n" + javaTrace, python,
                "plain line without a time", "another plain line"), outbox.messages());
        assertEquals(List.of(Severity.INFO, Severity.ERROR, Severity.ERROR, Severity.UNKNOWN, Severity.UNKNOWN),
                outbox.logs.stream().map(LogRecord::getSeverity).toList());
    }

    @Test
    void shouldPublishALastLineWithoutItsNewlineOnceTheFileIsIdleAndNeverAgain() throws Exception {
        // A writer that died mid-line (its last words), or a script's "step... " before its "ok"
        final Path log = dir.resolve("app.log");
        Files.writeString(log, "complete\nFATAL out of memory, aborting");
        final LineFormat idle1ms = new LineFormat(StandardCharsets.UTF_8, null, 500, 1_000_000L, 16_384, 65_536,
                1_000_000L);
        try (LogTailer t = tailer(idle1ms)) {
            t.pollOnce();
            assertEquals(List.of("complete"), outbox.messages(), "held while it may still be completed");
            Thread.sleep(5); // past the idle time of this test (1 ms), not a wait for a result
            t.pollOnce();
            t.pollOnce();
            assertEquals(List.of("complete", "FATAL out of memory, aborting"), outbox.messages(),
                    "published once the file is idle, although the writer may never end it");
            Files.writeString(log, " (exit 134)\nnext\n", StandardOpenOption.APPEND);
            t.pollOnce();
        }
        try (LogTailer t = tailer(idle1ms)) { // a restart reads nothing again
            t.pollOnce();
            Thread.sleep(5);
            t.pollOnce();
        }
        assertEquals(List.of("complete", "FATAL out of memory, aborting", " (exit 134)", "next"), outbox.messages());
        assertEquals("true", outbox.logs.get(1).getAttributes().get("partial"));
    }

    @Test
    void shouldNotPublishTheRestOfAnOverLongLineAfterARestartInItsMiddle() throws Exception {
        // a line of megabytes (a dumped payload), still being written when the agent stops
        final Path log = dir.resolve("app.log");
        Files.writeString(log, "before\n" + "x".repeat(1 << 20));
        try (LogTailer t = tailer((Pattern) null)) {
            t.pollOnce();
        }
        Files.writeString(log, "y".repeat(1 << 20) + "\nafter\n", StandardOpenOption.APPEND);
        try (LogTailer t = tailer((Pattern) null)) {
            t.pollOnce();
        }
        assertEquals(List.of("before", "x".repeat(16_384), "after"), outbox.messages());
        assertEquals("true", outbox.logs.get(1).getAttributes().get("truncated"));
    }

    @Test
    void shouldReadCheckpointsSavedBeforeTheyHeldTheOverLongLineFlag() throws Exception {
        final Path file = dir.resolve("checkpoints.json");
        Files.writeString(file, "[{\"identity\":\"1:2\",\"path\":\"/var/log/a.log\",\"offset\":70,\"generation\":0,"
                + "\"headLength\":70,\"headHash\":12345}]");
        assertEquals(new Checkpoint("1:2", "/var/log/a.log", 70, 0, 70, 12345, false),
                new Checkpoints(file).load().get("1:2"));
    }
}
