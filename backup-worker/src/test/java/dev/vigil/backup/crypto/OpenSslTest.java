package dev.vigil.backup.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** OpenSSL's hashes and scrypt must give exactly the JDK's and Bouncy Castle's bytes. */
class OpenSslTest {
    private static final int[] LENGTHS = {0, 1, 63, 64, 65, 4096, (1 << 20) - 1, 1 << 20, (1 << 20) + 1,
        3 * (1 << 20) + 5};

    @Test
    void loadsWhereLibcryptoIsInstalled() {
        assumeTrue(Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libcrypto.so.3")),
                "this check is for Debian-like x86-64 machines with OpenSSL 3 (the machines we benchmark on)");
        assertNotNull(OpenSsl.instance(), "libcrypto.so.3 is installed but OpenSSL's hashes were not loaded");
        assertEquals("openssl", BlobHasher.implementation());
    }

    @Test
    void loadCheckVectorIsBouncyCastles() {
        // OpenSsl's known-answer check for scrypt uses this output; RFC 7914 publishes only p = 16 for this input.
        assertArrayEquals(HexFormat.of().parseHex("27b418c674c769d12501fbb1f53bac32df6514c0f28d043872b148b348961a79"),
                org.bouncycastle.crypto.generators.SCrypt.generate("password".getBytes(StandardCharsets.US_ASCII),
                        "NaCl".getBytes(StandardCharsets.US_ASCII), 1024, 8, 1, 32));
    }

    @Test
    void sameBytesAsTheJdk() throws Exception {
        final OpenSsl openssl = OpenSsl.instance();
        assumeTrue(openssl != null, "no OpenSSL here: BlobHasher uses the JDK's code, tested everywhere else");
        final SplittableRandom random = new SplittableRandom(7);
        final byte[] key = new byte[32];
        final byte[] data = new byte[LENGTHS[LENGTHS.length - 1] + 100];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) random.nextInt();
        }
        System.arraycopy(data, 11, key, 0, key.length);
        final Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        for (final int length : LENGTHS) {
            final int offset = random.nextInt(100);
            mac.update(data, offset, length);
            assertArrayEquals(mac.doFinal(), openssl.hmacSha256(key, data, offset, length), "HMAC, length " + length);
            final byte[] range = Arrays.copyOfRange(data, offset, offset + length);
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(range),
                    openssl.sha256(data, offset, length), "SHA-256, length " + length);
        }
        // Key files are created with cost 2^14 (above OpenSSL's default memory bound); tests use 2^10.
        for (final int n : new int[] {1 << 10, 1 << 14}) {
            final byte[] salt = Arrays.copyOf(data, 16);
            assertArrayEquals(org.bouncycastle.crypto.generators.SCrypt.generate(key, salt, n, 8, 1, 32),
                    openssl.scrypt(key, salt, n, 8, 1, 32), "scrypt, N=" + n);
        }
    }
}
