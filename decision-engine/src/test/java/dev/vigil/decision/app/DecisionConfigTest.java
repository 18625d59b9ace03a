package dev.vigil.decision.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.schemas.config.ConfigFile;
import dev.vigil.schemas.security.CommandSignature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    void shouldRefuseASigningKeyThatCannotSignWithTheFileTheKeyAndTheLine(@TempDir final Path dir) throws Exception {
        final Path good = dir.resolve("engine.key");
        CommandSignature.write(CommandSignature.generate(), good);
        final Path open = dir.resolve("open.key");
        CommandSignature.write(CommandSignature.generate(), open);
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        final Path mismatched = dir.resolve("mismatched.key");
        CommandSignature.write(CommandSignature.generate(), mismatched);
        Files.copy(CommandSignature.publicFileFor(good), CommandSignature.publicFileFor(mismatched),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        final Map<Path, String> cases = new java.util.LinkedHashMap<>();
        cases.put(dir.resolve("missing.key"), "missing.key: signing key not found or not readable");
        cases.put(Files.createDirectory(dir.resolve("a-directory.key")), "a-directory.key: Is a directory");
        cases.put(Files.writeString(dir.resolve("garbage.key"), "garbage\n"), "garbage.key: not an Ed25519 private key");
        cases.put(CommandSignature.publicFileFor(good), "engine.key.pub: a public key (key id");
        cases.put(open, "open.key: readable or writable by every user");
        cases.put(mismatched, "is not the public key of " + mismatched);
        for (final Map.Entry<Path, String> c : cases.entrySet()) {
            final Path config = Files.writeString(dir.resolve("e.properties"), "tick.interval=1s\nsigning.key.file="
                    + c.getKey() + "\n");
            final String message = assertThrows(ConfigException.class, () -> DecisionConfig.read(config)).getMessage();
            assertTrue(message.startsWith(config + ":2: signing.key.file: ") && message.contains(c.getValue()),
                    message);
        }
        assertEquals("1s", DecisionConfig.read(Files.writeString(dir.resolve("e.properties"), "tick.interval=1s\n"
                + "signing.key.file=" + good + "\n")).get("tick.interval"));
    }

    @Test
    void shouldNameTheSigningKeySettingWhenTheKeyGivenInCodeCannotSign(@TempDir final Path dir) {
        final Path missing = dir.resolve("missing.key");
        final ConfigException e = assertThrows(ConfigException.class, () -> new DecisionConfig(Map.of(
                "signing.key.file", missing.toString())).signer());
        assertTrue(e.getMessage().startsWith("signing.key.file: " + missing + ": signing key not found"),
                e.getMessage());
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
        CommandSignature.write(CommandSignature.generate(), dir.resolve("k"));
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
