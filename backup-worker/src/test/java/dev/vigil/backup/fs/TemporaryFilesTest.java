package dev.vigil.backup.fs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemporaryFilesTest {
    @TempDir
    Path dir;

    @Test
    void shouldRemoveWhatWasLeftAndCreateNothingOnceStopped() throws Exception {
        final TemporaryFiles temps = new TemporaryFiles();
        final Path renamed = dir.resolve(".tmp-a");
        temps.create(renamed, () -> Files.writeString(renamed, "done"));
        Files.move(renamed, dir.resolve("a"));
        temps.done(renamed);
        final Path left = dir.resolve(".tmp-b");
        temps.create(left, () -> Files.writeString(left, "half"));

        temps.stop(Duration.ofMillis(50));

        assertFalse(Files.exists(left), "a write that did not end in time leaves nothing");
        assertTrue(Files.exists(dir.resolve("a")));
        final Path late = dir.resolve(".tmp-c");
        assertThrows(InterruptedIOException.class, () -> temps.create(late, () -> Files.writeString(late, "x")));
        assertFalse(Files.exists(late), "nothing is created after the stop");
    }
}
