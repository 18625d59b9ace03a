package dev.vigil.backup.crypto;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.concurrent.atomic.LongAdder;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Blob ids: HMAC-SHA-256 of the plaintext under the repository's id key, so an id says nothing
 * about content to anyone without the key (kopia's keyed hashing). SHA-256 runs in the system's
 * OpenSSL ({@link OpenSsl}) when it loads, else in the provider {@link NativeCrypto} picks; all give
 * the same bytes. Thread-safe.
 */
public final class BlobHasher {
    /** Name stored in the repository config. */
    public static final String ALGORITHM = "HMAC-SHA256";
    private static final OpenSsl OPENSSL = OpenSsl.instance();
    private final byte[] rawKey;
    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs;
    /** Bytes given to {@link #id}, for figures and tests: a backup should hash each byte it reads about once. */
    private final LongAdder bytesHashed = new LongAdder();

    /** @param master the repository key */
    public BlobHasher(final MasterKey master) {
        this.rawKey = master.idKey();
        this.key = new SecretKeySpec(rawKey, "HmacSHA256");
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    private Mac newMac() {
        try {
            final Mac mac = NativeCrypto.provider() == null ? Mac.getInstance("HmacSHA256")
                    : Mac.getInstance("HmacSHA256", NativeCrypto.provider());
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java platform", e);
        }
    }

    /**
     * @param data the plaintext
     * @param offset first byte
     * @param length bytes
     * @return the 32-byte id
     */
    public byte[] id(final byte[] data, final int offset, final int length) {
        bytesHashed.add(length);
        if (OPENSSL != null) {
            return OPENSSL.hmacSha256(rawKey, data, offset, length);
        }
        final Mac mac = macs.get();
        mac.update(data, offset, length);
        return mac.doFinal();
    }

    /** @return bytes hashed into ids so far */
    public long bytesHashed() {
        return bytesHashed.sum();
    }

    /** @return where SHA-256 runs, for messages: "openssl", "conscrypt" or "jdk" */
    public static String implementation() {
        return OPENSSL != null ? "openssl" : NativeCrypto.name();
    }

    /**
     * @param data stored bytes
     * @return their SHA-256, the name of a repository file
     */
    public static byte[] sha256(final byte[] data) {
        return sha256(data, data.length);
    }

    /**
     * @param data bytes
     * @param length how many of them, from the first
     * @return SHA-256 of those
     */
    public static byte[] sha256(final byte[] data, final int length) {
        if (OPENSSL != null) {
            return OPENSSL.sha256(data, 0, length);
        }
        try {
            final MessageDigest md = NativeCrypto.provider() == null ? MessageDigest.getInstance("SHA-256")
                    : MessageDigest.getInstance("SHA-256", NativeCrypto.provider());
            md.update(data, 0, length);
            return md.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }
}
