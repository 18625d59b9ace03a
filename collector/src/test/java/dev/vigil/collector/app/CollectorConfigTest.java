package dev.vigil.collector.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.schemas.config.ConfigFile;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class CollectorConfigTest {
    private static final Path SAMPLE = Path.of("collector-sample.properties");

    @Test
    void shouldAcceptTheSampleConfigWhichShowsEveryKey() {
        final Map<String, String> values = ConfigFile.read(SAMPLE, CollectorConfig.CONFIG);
        for (final String key : CollectorConfig.CONFIG.names()) {
            assertTrue(values.containsKey(key), "the sample config does not show " + key);
        }
        final CollectorConfig config = new CollectorConfig(values);
        assertEquals(Path.of("/srv/docs"), config.datasets().get("docs"));
        assertTrue(config.multilineStart().matcher("2026-01-31 12:00:00 INFO x").find());
    }

    @Test
    void shouldRefuseWhatAnOperatorWouldRegret() {
        assertThrows(ConfigException.class, () -> new CollectorConfig(Map.of("logs.charset", "UTF-16")));
        assertThrows(ConfigException.class, () -> new CollectorConfig(Map.of("logs.multiline.start.pattern", "(")));
        assertThrows(ConfigException.class, () -> new CollectorConfig(Map.of("files.datasets", "a=/x,a=/y")));
        assertThrows(ConfigException.class, () -> new CollectorConfig(Map.of("files.datasets", "nopath")));
        assertThrows(ConfigException.class, () -> new CollectorConfig(Map.of("spool.max.bytes", "4096",
                "spool.segment.bytes", "2048")));
    }

    @Test
    void shouldNameTheFileAndLineOfAValueOnlyTheCollectorUnderstands() {
        for (final String[] bad : new String[][] {{"logs.charset", "UTF-16"}, {"logs.multiline.start.pattern", "("},
            {"files.datasets", "a=/x,a=/y"}, {"files.datasets", "nopath"}, {"logs.paths", "/var/log/*.log,/var/log/[abc"},
            {"events.http.address", "not-a-host.invalid"}}) {
            final ConfigException e = assertThrows(ConfigException.class, () -> ConfigFile.parse("c.properties",
                    "# a comment\nhost.name=h1\n" + bad[0] + "=" + bad[1] + "\n", CollectorConfig.CONFIG));
            assertTrue(e.getMessage().startsWith("c.properties:3: " + bad[0]), e.getMessage());
        }
    }
}
