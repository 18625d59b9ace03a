package dev.vigil.backup.crypto;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The repository's secret: a 256-bit AES-GCM key for everything stored and a 256-bit HMAC key
 * for blob ids. Created once at init; password key files wrap it.
 */
public final class MasterKey {
    /** Length of the serialized key in bytes. */
    public static final int LENGTH = 64;
    private final byte[] encryption;
    private final byte[] id;

    private MasterKey(final byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("master key must be " + LENGTH + " bytes, was " + bytes.length);
        }
        this.encryption = Arrays.copyOfRange(bytes, 0, 32);
        this.id = Arrays.copyOfRange(bytes, 32, 64);
    }

    /** @return a new random key */
    public static MasterKey random() {
        final byte[] bytes = new byte[LENGTH];
        new SecureRandom().nextBytes(bytes);
        return new MasterKey(bytes);
    }

    /**
     * @param bytes 64 bytes from {@link #toBytes()}
     * @return the key
     */
    public static MasterKey of(final byte[] bytes) {
        return new MasterKey(bytes);
    }

    /** @return the 64 bytes, encryption key first */
    public byte[] toBytes() {
        final byte[] out = new byte[LENGTH];
        System.arraycopy(encryption, 0, out, 0, 32);
        System.arraycopy(id, 0, out, 32, 32);
        return out;
    }

    byte[] encryptionKey() {
        return encryption;
    }

    byte[] idKey() {
        return id;
    }
}
