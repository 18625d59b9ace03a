package dev.vigil.backup.crypto;

import com.github.luben.zstd.Zstd;
import dev.vigil.backup.InvalidDataException;
import java.nio.charset.StandardCharsets;

/**
 * Sealed small files (config, index, snapshots, locks, pack headers): {@code flags (1) || body}
 * where flag bit 0 marks a zstd body, encrypted with AES-256-GCM and authenticated together with
 * the name of the kind of file, so that a file cannot pass for another kind.
 */
public final class Envelope {
    private static final int ZSTD_LEVEL = 3;
    private final Aead aead;

    /** @param aead the repository's cipher */
    public Envelope(final Aead aead) {
        this.aead = aead;
    }

    /**
     * @param kind the kind of file ("index", "snapshot", ...), authenticated
     * @param body the plaintext
     * @param compress whether to try zstd (kept only when it saves space)
     * @return the sealed bytes
     */
    public byte[] seal(final String kind, final byte[] body, final boolean compress) {
        byte[] stored = body;
        byte flags = 0;
        if (compress && body.length > 64) {
            final byte[] z = Zstd.compress(body, ZSTD_LEVEL);
            if (z.length < body.length) {
                stored = z;
                flags = 1;
            }
        }
        final byte[] plain = new byte[stored.length + 1];
        plain[0] = flags;
        System.arraycopy(stored, 0, plain, 1, stored.length);
        return aead.seal(plain, kind.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * @param kind the kind of file it must be
     * @param sealed the stored bytes
     * @param offset where they start
     * @param length how many
     * @param what the file, for messages
     * @return the plaintext body
     * @throws InvalidDataException when it does not authenticate or decompress
     */
    public byte[] open(final String kind, final byte[] sealed, final int offset, final int length, final String what) {
        final byte[] plain = aead.open(sealed, offset, length, kind.getBytes(StandardCharsets.US_ASCII), what);
        if (plain.length == 0) {
            throw new InvalidDataException(what + ": empty envelope");
        }
        if ((plain[0] & 1) == 0) {
            final byte[] body = new byte[plain.length - 1];
            System.arraycopy(plain, 1, body, 0, body.length);
            return body;
        }
        final byte[] z = new byte[plain.length - 1];
        System.arraycopy(plain, 1, z, 0, z.length);
        final long size = Zstd.getFrameContentSize(z);
        if (size < 0 || size > Integer.MAX_VALUE) {
            throw new InvalidDataException(what + ": bad compressed body");
        }
        return Zstd.decompress(z, (int) size);
    }

    /**
     * @param kind the kind of file it must be
     * @param sealed the stored bytes
     * @param what the file, for messages
     * @return the plaintext body
     */
    public byte[] open(final String kind, final byte[] sealed, final String what) {
        return open(kind, sealed, 0, sealed.length, what);
    }
}
