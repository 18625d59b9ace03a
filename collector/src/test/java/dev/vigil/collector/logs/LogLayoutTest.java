package dev.vigil.collector.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.collector.delivery.RecordingOutbox;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where logs live on real hosts: directories and files reached through symbolic links, rotated names. */
class LogLayoutTest {
    @TempDir
    Path dir;

    private final RecordingOutbox outbox = new RecordingOutbox();

    private LogTailer tailer(final String glob) {
        return new LogTailer(new LogTailer.Options(List.of(glob), false, 10, 0,
                new LineFormat(StandardCharsets.UTF_8, null, 500, 1_000_000L, 16_384, 65_536)),
                dir.resolve("state"), outbox, "h", Clock.systemUTC());
    }

    @Test
    void shouldTailFilesInADirectoryReachedThroughASymbolicLink() throws Exception {
        // /var/log/app -> /data/app-logs: a glob under the link's name
        final Path real = Files.createDirectories(dir.resolve("data/app-logs"));
        Files.writeString(real.resolve("server.log"), "one\n");
        Files.createSymbolicLink(dir.resolve("app"), real);
        try (LogTailer t = tailer(dir.resolve("app/*.log").toString())) {
            t.pollOnce();
            Files.writeString(real.resolve("server.log"), "two\n", StandardOpenOption.APPEND);
            t.pollOnce();
        }
        assertEquals(List.of("one", "two"), outbox.messages());
        assertEquals(dir.resolve("app/server.log").toString(), outbox.logs.get(0).getSource());
    }

    @Test
    void shouldFollowALinkedLogWhoseTargetChanges() throws Exception {
        // /var/log/app/current -> app-2026-11-26.log, then -> app-2026-11-27.log (s6, runit, some Java servers)
        final Path current = dir.resolve("current");
        Files.writeString(dir.resolve("app-2026-11-26.log"), "monday\n");
        Files.createSymbolicLink(current, dir.resolve("app-2026-11-26.log"));
        try (LogTailer t = tailer(current.toString())) {
            t.pollOnce();
            Files.writeString(dir.resolve("app-2026-11-26.log"), "monday late\n", StandardOpenOption.APPEND);
            Files.writeString(dir.resolve("app-2026-11-27.log"), "tuesday\n");
            Files.delete(current);
            Files.createSymbolicLink(current, dir.resolve("app-2026-11-27.log"));
            t.pollOnce();
            t.pollOnce();
        }
        assertEquals(List.of("monday", "monday late", "tuesday"), outbox.messages());
    }
}
