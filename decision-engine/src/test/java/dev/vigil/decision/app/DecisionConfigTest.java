package dev.vigil.decision.app;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.schemas.config.ConfigFile;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class DecisionConfigTest {
    @Test
    void shouldRefuseTheKafkaFormOfSettingsTheEngineFixesNamingTheKeyToSet() {
        final String message = assertThrows(ConfigException.class, () -> ConfigFile.parse("e.properties",
                "kafka.processing.guarantee=at_least_once\nkafka.state.dir=/x\nkafka.num.standby.replicas=1\n",
                DecisionConfig.CONFIG)).getMessage();
        assertTrue(message.contains("e.properties:1: kafka.processing.guarantee is set by Vigil")
                && message.contains("e.properties:2: kafka.state.dir is set by Vigil; set state.dir")
                && !message.contains(":3:"), message);
    }

    @Test
    void shouldNameTheLineAndWhatIsExpectedOfAValueOnlyTheEngineUnderstands() {
        for (final String[] bad : new String[][] {{"tick.interval", "banana"}, {"tick.interval", "0s"}}) {
            final ConfigException e = assertThrows(ConfigException.class, () -> ConfigFile.parse("e.properties",
                    "signing.key.file=/k\n" + bad[0] + "=" + bad[1] + "\n", DecisionConfig.CONFIG));
            assertTrue(e.getMessage().startsWith("e.properties:2: " + bad[0]), e.getMessage());
            assertTrue(e.getMessage().contains("a duration") && !e.getMessage().contains("Lambda"), e.getMessage());
        }
    }

    @Test
    void shouldRefuseARetryBaseLongerThanItsMaximum() {
        final ConfigException e = assertThrows(ConfigException.class, () -> new DecisionConfig(java.util.Map.of(
                "guard.retry.base", "2h", "guard.retry.max", "1m")));
        assertTrue(e.getMessage().startsWith("guard.retry.base (2h) is longer than guard.retry.max (1m)"),
                e.getMessage());
    }

    @Test
    void shouldTakeAKafkaStreamsSettingThatThePlainClientsWouldRefuse() {
        // group.protocol=streams is Kafka Streams' own value: the consumer's definition alone refuses it
        assertTrue(ConfigFile.parse("e.properties", "kafka.group.protocol=streams\n", DecisionConfig.CONFIG)
                .containsKey("kafka.group.protocol"));
        assertThrows(ConfigException.class, () -> ConfigFile.parse("e.properties", "kafka.group.protocol=banana\n",
                DecisionConfig.CONFIG));
    }

    @Test
    void shouldRefuseAMissingRuleFileAsConfigurationBeforeConnecting(@org.junit.jupiter.api.io.TempDir final
                                                                     java.nio.file.Path dir) throws Exception {
        final java.nio.file.Path config = java.nio.file.Files.writeString(dir.resolve("e.properties"),
                "signing.key.file=" + dir.resolve("k") + "\nrules.file=" + dir.resolve("nope.yaml") + "\n");
        final int code = new picocli.CommandLine(new dev.vigil.decision.cli.DecisionEngineCommand())
                .execute("--config", config.toString(), "--bootstrap-server", "127.0.0.1:1");
        org.junit.jupiter.api.Assertions.assertEquals(3, code, "exit code 3: configuration or rule file refused");
    }

    @Test
    void shouldRefuseAMissingExamplesFileAsConfiguration(@org.junit.jupiter.api.io.TempDir final
                                                          java.nio.file.Path dir) {
        final ConfigException e = assertThrows(ConfigException.class, () -> DecisionService.model(new DecisionConfig(
                java.util.Map.of("tree.examples.file", dir.resolve("nope.csv").toString()))));
        assertTrue(e.getMessage().startsWith("tree.examples.file: ") && e.getMessage().endsWith(
                "nope.csv: cannot read examples: no such file or directory"), e.getMessage());
    }
}
