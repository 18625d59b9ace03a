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
            // kafka.* keys the agent sets itself are declared only to be refused
            assertTrue(values.containsKey(key) || key.startsWith("kafka."), "the sample config does not show " + key);
        }
        final CollectorConfig config = new CollectorConfig(values);
        assertEquals(Path.of("/srv/docs"), config.datasets().get("docs"));
        assertTrue(config.multilineStart().matcher("2026-01-31 12:00:00 INFO x").find());
        assertEquals(CollectorConfig.DEFAULT_MULTILINE_START, values.get("logs.multiline.start.pattern"),
                "the sample shows the default multi-line rule");
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
            {"logs.exclude.paths", "/var/log/{a,b"}, {"logs.rotated.dirs", "old,/var/log/archive/*"},
            {"events.http.address", "not-a-host.invalid"}}) {
            final ConfigException e = assertThrows(ConfigException.class, () -> ConfigFile.parse("c.properties",
                    "# a comment\nhost.name=h1\n" + bad[0] + "=" + bad[1] + "\n", CollectorConfig.CONFIG));
            assertTrue(e.getMessage().startsWith("c.properties:3: " + bad[0]), e.getMessage());
        }
    }

    @Test
    void shouldRefuseTheKafkaSettingsDeliveryRestsOnWithTheirLineAndLetOthersThrough() {
        final ConfigException e = assertThrows(ConfigException.class, () -> ConfigFile.parse("c.properties",
                "kafka.acks=0\nkafka.enable.idempotence=false\nkafka.compression.type=gzip\nkafka.linger.ms=20\n",
                CollectorConfig.CONFIG));
        assertTrue(e.getMessage().contains("c.properties:1: kafka.acks is set by Vigil")
                && e.getMessage().contains("c.properties:2: kafka.enable.idempotence")
                && e.getMessage().contains("c.properties:3: kafka.compression.type is set by Vigil; set "
                + "delivery.compression.type") && !e.getMessage().contains(":4:"), e.getMessage());
    }

    @Test
    void shouldRefuseASpoolSegmentAboveAQuarterOfTheSpoolWithItsLineAndTheOtherWrongLines(
            @org.junit.jupiter.api.io.TempDir final Path dir) throws Exception {
        final Path file = dir.resolve("c.properties");
        java.nio.file.Files.writeString(file, "spool.segment.bytes=2048\nhost.name=h1\nspool.max.bytes=4096\n"
                + "logs.charset=UTF-16\n");
        final String refused = assertThrows(ConfigException.class, () -> ConfigFile.read(file, CollectorConfig.CONFIG,
                CollectorConfig::new)).getMessage();
        final String[] lines = refused.split("\n");
        assertEquals(2, lines.length, refused);
        assertEquals(file + ":3: spool.segment.bytes must be at most a quarter of spool.max.bytes (2048 * 4 > 4096)",
                lines[0]);
        assertTrue(lines[1].startsWith(file + ":4: logs.charset"), lines[1]);
        java.nio.file.Files.writeString(file, "spool.segment.bytes=1024\nspool.max.bytes=4096\n");
        assertEquals(Map.of("spool.segment.bytes", "1024", "spool.max.bytes", "4096"),
                ConfigFile.read(file, CollectorConfig.CONFIG, CollectorConfig::new));
    }
}
