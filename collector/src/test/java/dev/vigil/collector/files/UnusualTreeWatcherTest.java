package dev.vigil.collector.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.schemas.FileActivity;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Trees that hosts have and development machines rarely do, made by real processes where Java cannot make them. */
class UnusualTreeWatcherTest {
    @TempDir
    Path root;

    private DatasetWatcher start(final String mode) throws IOException {
        return DatasetWatcher.start("ds", root, DatasetWatcher.Options.of(mode, 0, 1000, 1 << 20, 8192),
                Clock.systemUTC());
    }

    /** Runs a shell script in the dataset: names that are not UTF-8 cannot be written from Java. */
    private void sh(final String script) throws Exception {
        final Process p = new ProcessBuilder("sh", "-c", script).directory(root.toFile()).inheritIO().start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), script);
        assertEquals(0, p.exitValue(), script);
    }

    /** Closes intervals until notifications stop coming (bounded); all of them merged into one. */
    private static FileActivity settle(final DatasetWatcher w) throws InterruptedException {
        final long deadline = System.nanoTime() + 10_000_000_000L;
        int last = -1;
        while (System.nanoTime() < deadline) {
            Thread.sleep(150);
            final int now = w.pendingNotifications();
            if (now == last) {
                break;
            }
            last = now;
        }
        return w.closeInterval();
    }

    @ParameterizedTest
    @ValueSource(strings = {"watch", "scan"})
    void shouldSeeChangesUnderADirectoryWhoseNameIsNotUtf8(final String mode) throws Exception {
        // Latin-1 'é' (0xE9), as an old Samba share or a tar made under another locale leaves it
        sh("mkdir \"$(printf 'caf\\351')\" && echo one > \"$(printf 'caf\\351')/menu.txt\"");
        try (DatasetWatcher w = start(mode)) {
            sh("echo two >> \"$(printf 'caf\\351')/menu.txt\" && echo new > \"$(printf 'caf\\351')/new.txt\"");
            final FileActivity a = settle(w);
            // The JVM decodes the byte as U+FFFD: the worker takes such a journal path as unknown and walks the tree
            assertEquals(List.of("caf\uFFFD/menu.txt", "caf\uFFFD/new.txt"), a.getChangedPaths(), a.toString());
            assertEquals(1, a.getCreated(), a.toString());
            assertEquals(1, a.getModified(), a.toString());
        }
    }
}
