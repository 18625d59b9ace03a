package dev.vigil.backup.crypto;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.backup.InvalidDataException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import org.bouncycastle.crypto.generators.SCrypt;

/**
 * A password-wrapped copy of the master key (restic's {@code key.go}): scrypt derives a 256-bit
 * key from the password and a random salt; AES-256-GCM seals the master key under it. The file is
 * plaintext JSON so that its KDF parameters can be read before any key is known.
 *
 * @param kdf always {@value #KDF}
 * @param n scrypt CPU/memory cost, a power of 2 (memory is 128 * n * r bytes)
 * @param r scrypt block size
 * @param p scrypt parallelism
 * @param salt Base64 of 16 random bytes
 * @param data Base64 of the sealed master key
 * @param created when the key was added, ISO-8601
 * @param host where it was added
 * @param username who added it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record KeyFile(String kdf, int n, int r, int p, String salt, String data, String created, String host,
                      String username) {
    /** The only KDF of format 1. */
    public static final String KDF = "scrypt";
    /** Default scrypt cost: 2^14 (16 MiB with r = 8), the scrypt paper's interactive setting. */
    public static final int DEFAULT_N = 1 << 14;
    private static final byte[] AAD = "vigil key".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Wraps a master key.
     *
     * @param master the key to wrap
     * @param password the password
     * @param n scrypt cost, a power of 2 from 2^10 to 2^20 (1 GiB of memory with r = 8)
     * @param created now
     * @param host this host
     * @param username this user
     * @return the key file
     */
    public static KeyFile create(final MasterKey master, final char[] password, final int n, final Instant created,
                                 final String host, final String username) {
        if (n < 1024 || n > 1 << 20 || Integer.bitCount(n) != 1) {
            throw new IllegalArgumentException("scrypt N must be a power of 2 from 1024 to 1048576 (1 GiB of memory), "
                    + "was " + n);
        }
        final byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        final byte[] kek = derive(password, salt, n, 8, 1);
        final byte[] sealed = new Aead(kek).seal(master.toBytes(), AAD);
        final Base64.Encoder b64 = Base64.getEncoder();
        return new KeyFile(KDF, n, 8, 1, b64.encodeToString(salt), b64.encodeToString(sealed), created.toString(), host,
                username);
    }

    /**
     * @param password a password
     * @param what the key file, for messages
     * @return the master key, or null when the password does not open this key
     */
    public MasterKey open(final char[] password, final String what) {
        if (!KDF.equals(kdf)) {
            throw new InvalidDataException(what + ": unknown KDF '" + kdf + "'");
        }
        checkParameters(what);
        final Base64.Decoder b64 = Base64.getDecoder();
        final byte[] kek = derive(password, b64.decode(salt), n, r, p);
        try {
            return MasterKey.of(new Aead(kek).open(b64.decode(data), AAD, what));
        } catch (InvalidDataException e) {
            return null;
        }
    }

    /** Most memory scrypt may take (128 x N x r bytes): what {@link #create}'s largest N takes with r = 8. */
    private static final long MAX_MEMORY = 1L << 30;

    /**
     * The parameters are read from a file anyone with write access to the repository can change: a huge N or r
     * would make every open allocate gigabytes (or fail for want of them), a huge p run for hours. Refused before
     * deriving anything.
     */
    private void checkParameters(final String what) {
        final boolean ok = n >= 2 && Integer.bitCount(n) == 1 && n <= 1 << 20 && r >= 1 && r <= 32 && p >= 1
                && p <= 16 && 128L * n * r <= MAX_MEMORY;
        if (!ok) {
            throw new InvalidDataException(what + ": scrypt parameters N=" + n + " r=" + r + " p=" + p + " are out of "
                    + "range (N a power of 2 up to 2^20, r 1-32, p 1-16, 128 x N x r at most 1 GiB of memory): "
                    + "damaged or tampered with, refused");
        }
    }

    private static byte[] derive(final char[] password, final byte[] salt, final int n, final int r, final int p) {
        final byte[] pw = new String(password).getBytes(StandardCharsets.UTF_8);
        final OpenSsl openssl = OpenSsl.instance();
        return openssl != null ? openssl.scrypt(pw, salt, n, r, p, 32) : SCrypt.generate(pw, salt, n, r, p, 32);
    }

    /** @return the file's bytes */
    public byte[] toBytes() {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(this);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write key file JSON", e);
        }
    }

    /**
     * @param bytes a key file's bytes
     * @param what the file, for messages
     * @return the key file
     */
    public static KeyFile parse(final byte[] bytes, final String what) {
        try {
            return JSON.readValue(bytes, KeyFile.class);
        } catch (IOException e) {
            throw new InvalidDataException(what + ": not a key file: " + e.getMessage());
        }
    }
}
