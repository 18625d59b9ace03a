package dev.vigil.backup.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A worker's file names each dataset's exclude file; a bad pattern there refuses the start, naming its line. */
class WorkerConfigTest {
    @TempDir
    Path dir;

    private Path config(final String excludeFile) throws Exception {
        return Files.writeString(dir.resolve("worker.properties"), String.join("\n",
                "bootstrap.servers=localhost:9092",
                "worker.datasets=ds,other",
                "dataset.ds.path=" + dir.resolve("ds"),
                "dataset.ds.repository=" + dir.resolve("repo"),
                "dataset.ds.password.file=" + dir.resolve("pw"),
                "dataset.ds.exclude.file=" + excludeFile,
                "dataset.other.path=" + dir.resolve("other"),
                "dataset.other.repository=" + dir.resolve("repo2"),
                "dataset.other.password.file=" + dir.resolve("pw"),
                "worker.command.public.key.file=" + dir.resolve("key.pub")) + "\n");
    }

    @Test
    void readsEachDatasetsExcludeFileAndRefusesABadPattern() throws Exception {
        Files.writeString(dir.resolve("pw"), "secret\n");
        final Path excludes = Files.write(dir.resolve("excludes"), List.of("# caches", "*.tmp", "/cache"));
        final WorkerConfig ok = WorkerConfig.read(config(excludes.toString()));
        assertEquals(List.of("*.tmp", "/cache"), ok.excludes("ds").patterns());
        assertTrue(ok.excludes("other").isEmpty());

        Files.write(excludes, List.of("*.tmp", "cache/{a,b"));
        final ConfigException e = assertThrows(ConfigException.class, () -> WorkerConfig.read(config(
                excludes.toString())));
        assertTrue(e.getMessage().contains("dataset.ds.exclude.file: exclude file " + excludes + ":2: "),
                e.getMessage());
        assertTrue(assertThrows(ConfigException.class, () -> WorkerConfig.read(config(dir.resolve("none")
                .toString()))).getMessage().contains("cannot read"));
        final ConfigException marker = assertThrows(ConfigException.class, () -> WorkerConfig.read(Files.writeString(
                dir.resolve("worker.properties"), Files.readString(config(excludes.toString())).replace(
                "dataset.ds.exclude.file=" + excludes, "dataset.ds.exclude.if.present=CACHEDIR.TAG, a/b"))));
        assertTrue(marker.getMessage().contains("dataset.ds.exclude.if.present: exclude marker 'a/b'"),
                marker.getMessage());
        // the dataset's own path: refused at the start, not at each backup
        Files.write(excludes, List.of(dir.resolve("ds") + "/"));
        assertTrue(assertThrows(ConfigException.class, () -> WorkerConfig.read(config(excludes.toString())))
                .getMessage().contains("would leave out the whole dataset"));
    }

    @Test
    void refusesRelativePathsAMissingPasswordFileAndADatasetNamedTwice() throws Exception {
        final Path file = config("");
        final String text = Files.readString(file);
        assertTrue(assertThrows(ConfigException.class, () -> WorkerConfig.read(file)).getMessage()
                .contains("dataset.ds.password.file: cannot read"), "the password file does not exist yet");
        Files.writeString(dir.resolve("pw"), "secret\n");
        WorkerConfig.read(file);
        Files.writeString(file, text.replace("dataset.ds.repository=" + dir.resolve("repo"), "dataset.ds.repository=repo"));
        assertTrue(assertThrows(ConfigException.class, () -> WorkerConfig.read(file)).getMessage()
                .contains("dataset.ds.repository must be an absolute path"));
        Files.writeString(file, text.replace("worker.datasets=ds,other", "worker.datasets=ds,other,ds"));
        assertTrue(assertThrows(ConfigException.class, () -> WorkerConfig.read(file)).getMessage()
                .contains("worker.datasets names ds twice"));
        assertTrue(assertThrows(ConfigException.class, () -> WorkerConfig.read(dir.resolve("none.properties")))
                .getMessage().endsWith("cannot read: no such file or directory"));
    }
}
