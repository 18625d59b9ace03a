package dev.vigil.schemas.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {
    private static final ConfigDef DEFINITION = CommonConfig.define()
            .define("anomaly.threshold", ConfigDef.Type.DOUBLE, 0.65, ConfigDef.Range.between(0.5, 1.0),
                    ConfigDef.Importance.HIGH, "Score at which an episode opens.")
            .define("interval.ms", ConfigDef.Type.LONG, 10_000L, ConfigDef.Range.atLeast(100),
                    ConfigDef.Importance.MEDIUM, "Collection interval.");

    private static String refusal(final String text) {
        return assertThrows(ConfigException.class, () -> ConfigFile.parse("agent.properties", text, DEFINITION))
                .getMessage();
    }

    @Test
    void shouldReadKeysCommentsBlankLinesAByteOrderMarkAndKafkaPassThrough() {
        final Map<String, String> values = ConfigFile.parse("agent.properties",
                "\uFEFF# a comment\n\nbootstrap.servers = k1:9092,k2:9092\r\nanomaly.threshold=0.9\n"
                        + "kafka.security.protocol=SSL\n", DEFINITION);
        assertEquals(Map.of("bootstrap.servers", "k1:9092,k2:9092", "anomaly.threshold", "0.9",
                "kafka.security.protocol", "SSL"), values);
        final CommonConfig config = new CommonConfig(DEFINITION, values);
        assertEquals("SSL", config.kafkaClientConfig().get("security.protocol"));
        assertEquals("k1:9092,k2:9092", config.kafkaClientConfig().get("bootstrap.servers"));
    }

    @Test
    void shouldRefuseAnUnknownKeyWithItsLineAndTheKeyMeant() {
        assertEquals("agent.properties:3: unknown key 'anomaly.treshold'; did you mean 'anomaly.threshold'?",
                refusal("bootstrap.servers=k:1\n\nanomaly.treshold=0.9\n"));
    }

    @Test
    void shouldRefuseAValueOutOfRangeOrOfTheWrongTypeWithItsLine() {
        assertEquals("agent.properties:2: anomaly.threshold: Invalid value 1.5 for configuration anomaly.threshold:"
                + " Value must be no more than 1.0 (expected double, [0.5,...,1.0])",
                refusal("# threshold\nanomaly.threshold=1.5\n"));
        assertEquals("agent.properties:1: interval.ms: Invalid value ten for configuration interval.ms: Not a number"
                + " of type LONG (expected long, [100,...])", refusal("interval.ms=ten"));
    }

    @Test
    void shouldNameEveryWrongLineOfAFileInOneRefusal() {
        assertEquals(String.join("\n",
                        "agent.properties:2: unknown key 'anomaly.treshold'; did you mean 'anomaly.threshold'?",
                        "agent.properties:3: interval.ms: Invalid value ten for configuration interval.ms: Not a number"
                                + " of type LONG (expected long, [100,...])",
                        "agent.properties:4: expected key=value, found 'garbage'",
                        "agent.properties:5: interval.ms is already set on line 3"),
                refusal("bootstrap.servers=k1:9092\nanomaly.treshold=0.9\ninterval.ms=ten\ngarbage\ninterval.ms=200\n"));
    }

    @Test
    void shouldRefuseDuplicatesAndLinesWithoutEquals() {
        assertEquals("agent.properties:2: interval.ms is already set on line 1",
                refusal("interval.ms=200\ninterval.ms=300\n"));
        assertEquals("agent.properties:1: expected key=value, found 'interval.ms 200'", refusal("interval.ms 200"));
    }

    @Test
    void shouldRefuseAKafkaClientValueEveryClientWouldRefuseWithItsLine() {
        final String refused = refusal("bootstrap.servers=k:1\nkafka.acks=banana\n");
        assertTrue(refused.startsWith("agent.properties:2: kafka.acks: "), refused);
        assertTrue(refusal("kafka.request.timeout.ms=soon\n")
                .startsWith("agent.properties:1: kafka.request.timeout.ms"));
        assertEquals(Map.of("kafka.acks", "all", "kafka.num.stream.threads", "2", "kafka.fetch.min.bytes", "1"),
                ConfigFile.parse("agent.properties", "kafka.acks=all\nkafka.num.stream.threads=2\n"
                        + "kafka.fetch.min.bytes=1\n", DEFINITION), "valid, or a setting of a client that checks it");
        assertEquals(Map.of("kafka.request.timeout.ms", "${env:TIMEOUT}", "kafka.partitioner.class", "com.example.P"),
                ConfigFile.parse("agent.properties", "kafka.request.timeout.ms=${env:TIMEOUT}\n"
                        + "kafka.partitioner.class=com.example.P\n", DEFINITION),
                "a config provider's placeholder and a class are the clients' to resolve");
    }

    @Test
    void shouldNameAMissingFile(@TempDir final Path dir) throws Exception {
        final Path missing = dir.resolve("nope.properties");
        assertEquals(missing + ": no such file",
                assertThrows(ConfigException.class, () -> ConfigFile.read(missing, DEFINITION)).getMessage());
        final Path binary = dir.resolve("bin.properties");
        Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0});
        assertEquals(binary + ": not UTF-8 text",
                assertThrows(ConfigException.class, () -> ConfigFile.read(binary, DEFINITION)).getMessage());
    }

    /** A service's check across keys, as an XxxConfig constructor makes it. */
    private static void threshold(final Map<String, String> values) {
        final CommonConfig config = new CommonConfig(DEFINITION, values);
        if (config.getDouble("anomaly.threshold") * 1000 > config.getLong("interval.ms")) {
            throw new ConfigException("anomaly.threshold * 1000 must be at most interval.ms (a made-up rule)");
        }
    }

    private static String crossRefusal(final String text) {
        return assertThrows(ConfigException.class, () -> ConfigFile.parse("agent.properties", text, DEFINITION,
                ConfigFileTest::threshold)).getMessage();
    }

    @Test
    void shouldGiveAnErrorAcrossKeysTheLineOfTheKeyItNamesThatComesLastWithTheOtherErrors() {
        assertEquals("agent.properties:4: anomaly.threshold * 1000 must be at most interval.ms (a made-up rule)",
                crossRefusal("interval.ms=600\n# later\n\nanomaly.threshold=0.9\n"));
        assertEquals("agent.properties:2: anomaly.threshold * 1000 must be at most interval.ms (a made-up rule)",
                crossRefusal("anomaly.threshold=0.9\ninterval.ms=600\n"));
        assertEquals("agent.properties:2: anomaly.threshold * 1000 must be at most interval.ms (a made-up rule)",
                crossRefusal("host.name=h\ninterval.ms=600\n"), "the other key at its default");
        // reported with the per-line errors, in line order, not only once they are fixed
        assertEquals(String.join("\n",
                        "agent.properties:1: unknown key 'anomaly.treshold'; did you mean 'anomaly.threshold'?",
                        "agent.properties:2: anomaly.threshold * 1000 must be at most interval.ms (a made-up rule)",
                        "agent.properties:3: expected key=value, found 'garbage'"),
                crossRefusal("anomaly.treshold=0.9\ninterval.ms=600\ngarbage\n"));
        // about a key whose own line is refused: that line's error alone (the check saw its default, not the file)
        assertEquals("agent.properties:1: interval.ms: Invalid value 50 for configuration interval.ms: Value must be "
                + "at least 100 (expected long, [100,...])", crossRefusal("interval.ms=50\nanomaly.threshold=0.9\n"));
        assertEquals(Map.of("interval.ms", "2000"), ConfigFile.parse("agent.properties", "interval.ms=2000\n",
                DEFINITION, ConfigFileTest::threshold));
    }

    @Test
    void shouldFindAKeyInAMessageOnlyAsAWholeName() {
        assertTrue(ConfigFile.names("spool.max.bytes (4096)", "spool.max.bytes"));
        assertTrue(ConfigFile.names("must be below spool.max.bytes.", "spool.max.bytes"));
        assertTrue(ConfigFile.names("a quarter of spool.max.bytes", "spool.max.bytes"));
        assertFalse(ConfigFile.names("spool.max.bytes.extra must be set", "spool.max.bytes"));
        assertFalse(ConfigFile.names("kafka.spool.max.bytes must be set", "spool.max.bytes"));
        assertFalse(ConfigFile.names("spool.max.bytes_2 must be set", "spool.max.bytes"));
    }
}
