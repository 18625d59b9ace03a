package dev.vigil.analyzer.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.analyzer.logs.MinerOptions;
import dev.vigil.schemas.LogTemplate;
import dev.vigil.schemas.Severity;
import dev.vigil.schemas.config.ConfigFile;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** Settings that contradict each other are refused with the keys as the operator wrote them; documented keys reach their stage. */
class AnalyzerConfigTest {
    private static String refused(final String key, final String value, final String otherKey, final String other) {
        return assertThrows(ConfigException.class, () -> new AnalyzerConfig(Map.of(key, value, otherKey, other)))
                .getMessage();
    }

    @Test
    void namesTheKeysThatContradictEachOther() {
        assertEquals("forecast.min.points 50 must be at most forecast.window.points 20",
                refused("forecast.min.points", "50", "forecast.window.points", "20"));
        assertEquals("anomaly.close.threshold 0.8 must be below anomaly.open.threshold 0.7",
                refused("anomaly.close.threshold", "0.8", "anomaly.open.threshold", "0.7"));
        assertEquals("stats.hopping.size.ms 90000 must be a multiple of stats.window.ms 60000",
                refused("stats.hopping.size.ms", "90000", "stats.window.ms", "60000"));
        new AnalyzerConfig(Map.of()); // the defaults agree
    }

    @Test
    void shouldRefuseADedupWindowShorterThanTheGraceNamingBothKeys() {
        // the combination was accepted: a retry later than the dedup window but within the grace was counted twice
        assertEquals("clean.dedup.window.ms 60000 must be at least clean.grace.ms 120000: a retried record (same id) "
                + "that comes later than the dedup window but within the grace would be counted twice",
                refused("clean.dedup.window.ms", "60000", "clean.grace.ms", "120000"));
        // raising the grace above the default dedup window (5 min) needs the dedup window raised too
        assertTrue(assertThrows(ConfigException.class, () -> new AnalyzerConfig(Map.of("clean.grace.ms", "600000",
                "series.idle.ms", "1200000"))).getMessage().startsWith("clean.dedup.window.ms 300000 must be at least "
                + "clean.grace.ms 600000"));
        new AnalyzerConfig(Map.of("clean.dedup.window.ms", "120000", "clean.grace.ms", "120000"));
    }

    @Test
    void shouldAcceptTheDocumentedMinerKeysAndGiveThemToTheMiner() {
        final Map<String, String> file = ConfigFile.parse("analyzer.properties", String.join("\n",
                "logs.miner.depth=5", "logs.miner.similarity=0.6", "logs.miner.max.children=50",
                "logs.miner.max.templates=2000", "logs.miner.max.word.changes=2", "logs.miner.word.values=2"),
                AnalyzerConfig.CONFIG);
        assertEquals(new MinerOptions(5, 0.6, 50, 2000, 2, 2), new AnalyzerConfig(file).miner());
        assertEquals(MinerOptions.DEFAULTS, new AnalyzerConfig(Map.of()).miner(), "the defaults are the miner's");
    }

    @Test
    void shouldRefuseMinerValuesTheMinerWouldRefuseWithTheirLine() {
        final String message = assertThrows(ConfigException.class, () -> ConfigFile.parse("a.properties",
                "logs.miner.similarity=0\nlogs.miner.depth=2\nlogs.miner.word.values=1", AnalyzerConfig.CONFIG))
                .getMessage();
        assertTrue(message.contains("a.properties:1:") && message.contains("logs.miner.similarity"), message);
        assertTrue(message.contains("a.properties:2:") && message.contains("logs.miner.depth"), message);
        assertTrue(message.contains("a.properties:3:") && message.contains("logs.miner.word.values"), message);
    }

    @Test
    void shouldMineLogsWithTheConfiguredWordRule() {
        // a position that shows two users: a parameter at logs.miner.word.values=2, two templates at the default 4
        assertEquals(List.of("Accepted password for alice", "Accepted password for bob"),
                templatesOf(Map.of()));
        assertEquals(List.of("Accepted password for alice", "Accepted password for <*>"),
                templatesOf(Map.of("logs.miner.word.values", "2")));
    }

    private static List<String> templatesOf(final Map<String, ?> settings) {
        try (TopologyFixture f = new TopologyFixture(settings)) {
            f.logs.pipeInput(TopologyFixture.HOST, TopologyFixture.log(0, "Accepted password for alice", Severity.INFO));
            f.logs.pipeInput(TopologyFixture.HOST, TopologyFixture.log(1000, "Accepted password for bob", Severity.INFO));
            return f.templates.readValuesToList().stream().map(LogTemplate::getTemplate).toList();
        }
    }

    @Test
    void shouldRefuseTheKafkaFormOfSettingsTheAnalyzerFixesNamingTheKeyToSet() {
        final String message = assertThrows(ConfigException.class, () -> ConfigFile.parse("a.properties", String.join(
                "\n", "kafka.processing.guarantee=at_least_once", "kafka.application.id=x", "kafka.num.stream.threads=4",
                "kafka.state.dir=/var/lib/x", "kafka.num.standby.replicas=1"), AnalyzerConfig.CONFIG)).getMessage();
        assertEquals(List.of(
                "a.properties:1: kafka.processing.guarantee is set by Vigil; the analyzer always runs exactly_once_v2",
                "a.properties:2: kafka.application.id is set by Vigil; set application.id (the topic prefix is put in "
                        + "front of it)",
                "a.properties:3: kafka.num.stream.threads is set by Vigil; set stream.threads",
                "a.properties:4: kafka.state.dir is set by Vigil; set state.dir"), List.of(message.split("\n")));
        assertThrows(ConfigException.class, () -> new AnalyzerConfig(Map.of("kafka.state.dir", "/x")), "also in code");
        assertEquals("1", new AnalyzerConfig(Map.of("kafka.num.standby.replicas", "1")).kafkaClientConfig()
                .get("num.standby.replicas"), "other kafka.* keys pass");
        assertEquals(null, new AnalyzerConfig(Map.of()).kafkaClientConfig().get("state.dir"));
    }
}
