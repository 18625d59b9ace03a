package dev.vigil.backup.crypto;

import dev.vigil.backup.InvalidDataException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM with a fresh random 96-bit nonce per message, stored in front of the ciphertext:
 * {@code nonce (12) || ciphertext || tag (16)}. Thread-safe: each thread keeps its own cipher.
 */
public final class Aead {
    /** Nonce length in bytes. */
    public static final int NONCE = 12;
    /** Tag length in bytes. */
    public static final int TAG = 16;
    /** Bytes a message grows by. */
    public static final int OVERHEAD = NONCE + TAG;
    private static final int PIECE = 8192;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final java.security.Provider NATIVE = NativeCrypto.provider();
    private final SecretKeySpec key;
    private final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(Aead::newCipher);

    /** @param key a 32-byte AES key */
    public Aead(final byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("AES-256 key must be 32 bytes, was " + key.length);
        }
        this.key = new SecretKeySpec(key, "AES");
    }

    /** @param master the repository key */
    public Aead(final MasterKey master) {
        this(master.encryptionKey());
    }

    private static Cipher newCipher() {
        try {
            final java.security.Provider p = NativeCrypto.provider();
            return p == null ? Cipher.getInstance("AES/GCM/NoPadding") : Cipher.getInstance("AES/GCM/NoPadding", p);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM is part of every Java platform", e);
        }
    }

    /**
     * @param plain the message
     * @param offset its first byte
     * @param length its length
     * @param aad data authenticated with it but not stored
     * @return nonce, ciphertext and tag
     */
    public byte[] seal(final byte[] plain, final int offset, final int length, final byte[] aad) {
        final byte[] out = new byte[NONCE + length + TAG];
        final byte[] nonce = new byte[NONCE];
        RANDOM.nextBytes(nonce);
        System.arraycopy(nonce, 0, out, 0, NONCE);
        try {
            final Cipher c = ciphers.get();
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG * 8, nonce));
            c.updateAAD(aad);
            // With the JDK's provider, many small updates instead of one large call: the JIT compiles the callers
            // of the AES-CTR and GHASH intrinsics after enough calls, so short runs reach full speed after megabytes,
            // not gigabytes. A native provider buffers updates, so it gets one call.
            int done = 0;
            int at = NONCE;
            while (length - done > PIECE && NATIVE == null) {
                at += c.update(plain, offset + done, PIECE, out, at);
                done += PIECE;
            }
            c.doFinal(plain, offset + done, length - done, out, at);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /**
     * @param plain the message
     * @param aad data authenticated with it
     * @return nonce, ciphertext and tag
     */
    public byte[] seal(final byte[] plain, final byte[] aad) {
        return seal(plain, 0, plain.length, aad);
    }

    /**
     * @param sealed nonce, ciphertext and tag, within a larger array
     * @param offset first byte of the nonce
     * @param length length of nonce, ciphertext and tag
     * @param aad the data authenticated with it
     * @param what the object, for the message when it does not authenticate
     * @return the message
     * @throws InvalidDataException when the bytes or the AAD were changed, or the key is wrong
     */
    public byte[] open(final byte[] sealed, final int offset, final int length, final byte[] aad, final String what) {
        if (length < OVERHEAD) {
            throw new InvalidDataException(what + ": truncated ciphertext (" + length + " bytes)");
        }
        try {
            final Cipher c = ciphers.get();
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG * 8, sealed, offset, NONCE));
            c.updateAAD(aad);
            return c.doFinal(sealed, offset + NONCE, length - NONCE);
        } catch (AEADBadTagException e) {
            throw new InvalidDataException(what + ": does not authenticate (corrupted, tampered with, or another key)");
        } catch (GeneralSecurityException e) {
            throw new InvalidDataException(what + ": cannot decrypt: " + e.getMessage());
        }
    }

    /**
     * @param sealed nonce, ciphertext and tag
     * @param aad the data authenticated with it
     * @param what the object, for messages
     * @return the message
     */
    public byte[] open(final byte[] sealed, final byte[] aad, final String what) {
        return open(sealed, 0, sealed.length, aad, what);
    }
}
