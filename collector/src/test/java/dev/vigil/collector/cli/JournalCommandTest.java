package dev.vigil.collector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.schemas.FileActivity;
import dev.vigil.schemas.json.RecordJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class JournalCommandTest {
    @TempDir
    Path dir;

    @Test
    void shouldAppendOneContiguousRecordJsonLinePerInterval() throws Exception {
        final Path data = Files.createDirectories(dir.resolve("data"));
        final Path out = dir.resolve("journal.jsonl");
        final Thread writer = new Thread(() -> {
            try {
                // The journal file appears once the watcher runs; earlier files would be its baseline.
                final long deadline = System.nanoTime() + 30_000_000_000L;
                while (!Files.exists(out) && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                for (int i = 0; i < 5; i++) {
                    Files.writeString(data.resolve("f" + i), "content " + i);
                    Thread.sleep(100);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        final int code = new CommandLine(new CollectorCommand()).execute("journal", "--dataset", "docs=" + data,
                "--out", out.toString(), "--interval", "300ms", "--count", "5");
        writer.join();
        assertEquals(0, code);
        final List<String> lines = Files.readAllLines(out);
        assertEquals(5, lines.size());
        final java.util.Set<String> changed = new java.util.TreeSet<>();
        String epoch = null;
        for (int i = 0; i < lines.size(); i++) {
            final FileActivity a = RecordJson.read(lines.get(i), FileActivity.class);
            assertEquals(i + 1, a.getJournalSequence());
            assertEquals("docs", a.getDataset());
            epoch = epoch == null ? a.getWatcherEpoch() : epoch;
            assertEquals(epoch, a.getWatcherEpoch());
            assertTrue(a.getComplete());
            changed.addAll(a.getChangedPaths());
        }
        assertTrue(changed.containsAll(List.of("f0", "f1", "f2")), changed.toString());
    }

    @Test
    void shouldRefuseABadDatasetOrInterval() {
        final CommandLine cl = new CommandLine(new CollectorCommand());
        assertEquals(2, cl.execute("journal", "--dataset", "nopath", "--out", dir.resolve("j").toString()));
        assertEquals(2, cl.execute("journal", "--dataset", "a=" + dir, "--out", dir.resolve("j").toString(),
                "--interval", "soon"));
        assertEquals(2, cl.execute("journal", "--dataset", "a=" + dir, "--out", dir.resolve("j").toString(),
                "--interval", "50ms"), "shorter than 100ms");
        assertEquals(java.time.Duration.ofSeconds(90), JournalCommand.parseDuration(cl, "1m30s"),
                "durations as everywhere else in Vigil");
    }
}
