package dev.vigil.collector.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.collector.delivery.RecordingOutbox;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What other systems write into their logs: holes of NUL bytes, lines without their end, stack traces. */
class LogContentTest {
    @TempDir
    Path dir;

    private final RecordingOutbox outbox = new RecordingOutbox();

    private LogTailer tailer(final Pattern multilineStart) {
        return new LogTailer(new LogTailer.Options(List.of(dir.resolve("*.log").toString()), false, 10, 0,
                new LineFormat(StandardCharsets.UTF_8, multilineStart, 500, 1_000_000L, 16_384, 65_536)),
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
        try (LogTailer t = tailer(null)) {
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
}
