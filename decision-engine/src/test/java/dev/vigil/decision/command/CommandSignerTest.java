package dev.vigil.decision.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import dev.vigil.embedded.junit.LogCapture;
import dev.vigil.schemas.security.CommandSignature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandSignerTest {
    @TempDir
    Path dir;

    @Test
    void shouldSignWithTheIdOfThePublicKeyBesideThePrivateOne() throws Exception {
        final Path key = dir.resolve("engine.key");
        CommandSignature.write(CommandSignature.generate(), key);

        final CommandSigner signer;
        try (LogCapture log = new LogCapture(CommandSigner.class, Level.INFO)) {
            signer = CommandSigner.open(key);
            // what an operator checks after pointing the engine at a new key
            assertEquals(List.of("commands are signed with " + key + " (key id " + signer.keyId() + ")"),
                    log.messages());
        }

        assertEquals(CommandSignature.keyId(CommandSignature.readPublic(CommandSignature.publicFileFor(key))),
                signer.keyId());
    }

    @Test
    void shouldRefuseAPublicKeyFromAnotherPair() throws Exception {
        final Path key = dir.resolve("engine.key");
        CommandSignature.write(CommandSignature.generate(), key);
        final Path other = dir.resolve("other.key");
        CommandSignature.write(CommandSignature.generate(), other);
        Files.copy(CommandSignature.publicFileFor(other), CommandSignature.publicFileFor(key),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        final ConfigException e = assertThrows(ConfigException.class, () -> CommandSigner.open(key));

        assertTrue(e.getMessage().contains("engine.key.pub") && e.getMessage().contains("is not the public key of"),
                e.getMessage());
    }

    @Test
    void shouldNameTheMissingPublicKey() throws Exception {
        final Path key = dir.resolve("engine.key");
        CommandSignature.write(CommandSignature.generate(), key);
        Files.delete(CommandSignature.publicFileFor(key));

        final ConfigException e = assertThrows(ConfigException.class, () -> CommandSigner.open(key));

        assertTrue(e.getMessage().contains("must be beside the private one"), e.getMessage());
    }

    @Test
    void shouldRefuseAPrivateKeyEveryUserOfTheHostCanRead() throws Exception {
        final Path key = dir.resolve("engine.key");
        CommandSignature.write(CommandSignature.generate(), key);
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));

        final ConfigException e = assertThrows(ConfigException.class, () -> CommandSigner.open(key));

        assertTrue(e.getMessage().contains("engine.key: readable or writable by every user")
                && e.getMessage().contains("chmod 600"), e.getMessage());
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
        CommandSigner.open(key); // a group the service shares with its key's owner is the operator's choice
    }

    @Test
    void shouldSayItWasGivenAPublicKeyWhereItsPrivateKeyBelongs() throws Exception {
        final Path key = dir.resolve("engine-2027.key");
        final java.security.KeyPair pair = CommandSignature.generate();
        CommandSignature.write(pair, key);
        final Path pub = CommandSignature.publicFileFor(key);

        final ConfigException e = assertThrows(ConfigException.class, () -> CommandSigner.open(pub));

        assertTrue(e.getMessage().startsWith(pub + ": a public key (key id " + CommandSignature.keyId(pair.getPublic())
                + "), where its private key belongs"), e.getMessage());
    }
}
