package dev.vigil.backup.archiver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.backup.TestRepos;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.restorer.RestoreOptions;
import dev.vigil.backup.restorer.Restorer;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file that is written to all the time, as a busy log is, changes during every read of it. It is still stored, as
 * its last read found it, counted as torn and named in a warning: leaving it out would never protect it.
 */
class ChangingFileTest {
    @TempDir
    Path tmp;

    @Test
    void shouldStoreAFileThatNeverStopsChangingAsItsLastReadFoundItAndSaySo() throws Exception {
        final Path src = Files.createDirectories(tmp.resolve("src"));
        final Path log = src.resolve("app.log");
        final byte[] start = new byte[96 << 20]; // reading it takes long enough for many appends
        new Random(7).nextBytes(start);
        Files.write(log, start);
        final AtomicBoolean writing = new AtomicBoolean(true);
        final Thread writer = new Thread(() -> {
            try (OutputStream out = Files.newOutputStream(log, StandardOpenOption.APPEND)) {
                for (int i = 0; writing.get(); i++) {
                    out.write(("line " + i + "\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    LockSupport.parkNanos(200_000);
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            final Archiver.Result result;
            writer.start();
            try {
                result = new Archiver(repo, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds", Level.FULL), null);
            } finally {
                writing.set(false);
                writer.join();
            }

            assertEquals(1, result.snapshot().figures().filesTorn());
            assertEquals(1, result.warnings().size(), result.warnings().toString());
            assertTrue(result.warnings().get(0).startsWith(log + ": changed while being read, 3 times; stored as the "
                    + "last read found it"), result.warnings().get(0));
            final Path out = tmp.resolve("out");
            new Restorer(repo).restore(result.snapshot(), out, RestoreOptions.defaults(), null);
            final byte[] restored = Files.readAllBytes(out.resolve("app.log"));
            final byte[] now = Files.readAllBytes(log);
            assertTrue(restored.length > start.length && restored.length <= now.length,
                    "the file as one of its reads found it: " + restored.length + " bytes");
            assertArrayEquals(Arrays.copyOf(now, restored.length), restored, "an appended file is a prefix of itself");

            // once it stops changing, the next backup reads it again: what was read torn is not taken for unchanged
            final Archiver.Result next = new Archiver(repo, Clock.systemUTC()).backup(src,
                    ArchiveOptions.of("ds", Level.INCREMENTAL), null);
            assertEquals(1, next.snapshot().figures().filesChanged());
            assertEquals(0, next.snapshot().figures().filesTorn());
        }
    }
}
