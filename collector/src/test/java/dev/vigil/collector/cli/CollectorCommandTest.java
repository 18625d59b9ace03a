package dev.vigil.collector.cli;

import dev.vigil.schemas.config.ServiceClusterOptions;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CollectorCommandTest {
    @Test
    void shouldRefuseSettingsThatContradictEachOtherWithTheLineOfTheLaterKey(@TempDir final Path dir)
            throws Exception {
        final Path file = dir.resolve("c.properties");
        Files.writeString(file, "spool.max.bytes=4096\nspool.segment.bytes=2048\n");
        final ConfigException e = assertThrows(ConfigException.class, () -> CollectorCommand.load(file, new ServiceClusterOptions()));
        assertTrue(e.getMessage().startsWith(file + ":2: spool.segment.bytes must be at most a quarter"),
                e.getMessage());
    }
}
