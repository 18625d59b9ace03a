package dev.vigil.backup.crypto;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Blob ids: HMAC-SHA-256 of the plaintext under the repository's id key, so an id says nothing
 * about content to anyone without the key (kopia's keyed hashing). SHA-256 runs natively ({@link
 * NativeCrypto}) or on the JVM's intrinsics. Thread-safe.
 */
public final class BlobHasher {
    /** Name stored in the repository config. */
    public static final String ALGORITHM = "HMAC-SHA256";
    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs;

    /** @param master the repository key */
    public BlobHasher(final MasterKey master) {
        this.key = new SecretKeySpec(master.idKey(), "HmacSHA256");
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
        final Mac mac = macs.get();
        mac.update(data, offset, length);
        return mac.doFinal();
    }

    /**
     * @param data stored bytes
     * @return their SHA-256, the name of a repository file
     */
    public static byte[] sha256(final byte[] data) {
        try {
            final MessageDigest md = NativeCrypto.provider() == null ? MessageDigest.getInstance("SHA-256")
                    : MessageDigest.getInstance("SHA-256", NativeCrypto.provider());
            return md.digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }
}
