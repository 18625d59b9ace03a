package dev.vigil.schemas.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandSignatureTest {
    private static final byte[] VALUE = "a serialized command".getBytes(StandardCharsets.UTF_8);

    @Test
    void shouldVerifyWhatWasSignedAndNothingElse(@TempDir final Path dir) throws IOException {
        final KeyPair pair = CommandSignature.generate();
        CommandSignature.write(pair, dir.resolve("engine.key"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("engine.key"))));
        final var privateKey = CommandSignature.readPrivate(dir.resolve("engine.key"));
        final var publicKey = CommandSignature.readPublic(dir.resolve("engine.key.pub"));

        final RecordHeaders headers = new RecordHeaders();
        CommandSignature.sign(VALUE, privateKey, CommandSignature.keyId(publicKey), headers);
        assertTrue(CommandSignature.verify(VALUE, headers, publicKey));
        assertEquals(CommandSignature.keyId(pair.getPublic()),
                new String(headers.lastHeader(CommandSignature.KEY_ID_HEADER).value(), StandardCharsets.UTF_8));

        final byte[] tampered = VALUE.clone();
        tampered[3] ^= 1;
        assertFalse(CommandSignature.verify(tampered, headers, publicKey));
        assertFalse(CommandSignature.verify(VALUE, headers, CommandSignature.generate().getPublic()));
        assertFalse(CommandSignature.verify(VALUE, new RecordHeaders(), publicKey));
    }

    @Test
    void shouldRefuseAKeyFileThatIsNotAKey(@TempDir final Path dir) throws IOException {
        Files.writeString(dir.resolve("bad.pub"), "bm90IGEga2V5\n");
        final IOException e = assertThrows(IOException.class, () -> CommandSignature.readPublic(dir.resolve("bad.pub")));
        assertTrue(e.getMessage().contains("not an Ed25519 public key"), e.getMessage());
    }

    @Test
    void shouldNeverLetAReaderOfTheOldKeyFileSeeTheNewKey(@TempDir final Path dir) throws IOException {
        final Path key = dir.resolve("engine.key");
        Files.writeString(key, "an old key, mode 0644\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        final KeyPair pair = CommandSignature.generate();
        try (java.nio.channels.FileChannel reader = java.nio.channels.FileChannel.open(key)) {
            CommandSignature.write(pair, key); // 'vigil keys generate --force'

            final java.nio.ByteBuffer seen = java.nio.ByteBuffer.allocate(4096);
            reader.read(seen, 0);
            final String text = new String(seen.array(), 0, seen.position(), StandardCharsets.US_ASCII);
            assertFalse(text.contains(java.util.Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded())),
                    "the new private key was readable through the old file: " + text);
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertArrayEquals(pair.getPrivate().getEncoded(), CommandSignature.readPrivate(key).getEncoded());
        try (var left = Files.list(dir)) {
            assertEquals(List.of("engine.key", "engine.key.pub"), left.map(p -> p.getFileName().toString()).sorted()
                    .toList(), "no temporary file is left");
        }
    }
}
