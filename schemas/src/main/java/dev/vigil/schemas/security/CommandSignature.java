package dev.vigil.schemas.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Ed25519 signatures over command messages, and the key files that hold the keys.
 *
 * <p>Key files are one line of Base64: the private key in PKCS#8, the public key in X.509
 * SubjectPublicKeyInfo, the same encodings {@code openssl pkey -outform DER} gives. A key's id
 * is the first 16 hex digits of the SHA-256 of its public key encoding.
 */
public final class CommandSignature {
    /** Header holding the signature of the value bytes. */
    public static final String SIGNATURE_HEADER = "vigil.signature";
    /** Header holding the id of the key that signed. */
    public static final String KEY_ID_HEADER = "vigil.key-id";
    private static final String ALGORITHM = "Ed25519";

    private CommandSignature() {
    }

    /**
     * Signs a message value and sets the two headers.
     *
     * @param value the serialized command
     * @param key the decision engine's private key
     * @param keyId the id of the matching public key
     * @param headers the message's headers, changed in place
     */
    public static void sign(final byte[] value, final PrivateKey key, final String keyId, final Headers headers) {
        try {
            final Signature signer = Signature.getInstance(ALGORITHM);
            signer.initSign(key);
            signer.update(value);
            headers.remove(SIGNATURE_HEADER).remove(KEY_ID_HEADER);
            headers.add(SIGNATURE_HEADER, signer.sign());
            headers.add(KEY_ID_HEADER, keyId.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with " + ALGORITHM, e);
        }
    }

    /**
     * @param value the serialized command as received
     * @param headers the message's headers
     * @param key the trusted public key
     * @return whether the headers hold a valid signature of exactly these bytes by this key
     */
    public static boolean verify(final byte[] value, final Headers headers, final PublicKey key) {
        final Header signature = headers.lastHeader(SIGNATURE_HEADER);
        if (value == null || signature == null || signature.value() == null) {
            return false;
        }
        try {
            final Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(key);
            verifier.update(value);
            return verifier.verify(signature.value());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /**
     * @param headers a message's headers
     * @return the id of the key the message says it was signed with, or null when it names none; only a claim until
     *     the signature is verified with that key
     */
    public static String claimedKeyId(final Headers headers) {
        final Header id = headers.lastHeader(KEY_ID_HEADER);
        return id == null || id.value() == null ? null : new String(id.value(), StandardCharsets.UTF_8);
    }

    /** @return a new random key pair */
    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is part of Java 15 and later", e);
        }
    }

    /**
     * @param key a public key
     * @return its id
     */
    public static String keyId(final PublicKey key) {
        try {
            final byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes a key pair: {@code NAME.key} (private, mode 0600) and {@code NAME.pub}.
     *
     * @param pair the keys
     * @param privateFile where the private key goes; the public key goes beside it with suffix .pub
     * @throws IOException when a file cannot be written
     */
    public static void write(final KeyPair pair, final Path privateFile) throws IOException {
        final Path parent = privateFile.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        // Made 0600 (createTempFile's mode on POSIX; elsewhere the directory's permissions are all there is) and
        // renamed into place whole. Written and then chmod'ed, the new key was readable by every local user for a
        // moment, and 'generate --force' over a 0644 key wrote it into the file anyone could still hold open.
        final Path tmp = Files.createTempFile(parent, ".vigil-key-", ".tmp");
        try {
            Files.writeString(tmp, Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()) + "\n");
            Files.move(tmp, privateFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        writePublic(pair.getPublic(), publicFileFor(privateFile));
    }

    /**
     * @param key a public key
     * @param file where it goes, in the form {@link #readPublic} reads
     * @throws IOException when the file cannot be written
     */
    public static void writePublic(final PublicKey key, final Path file) throws IOException {
        Files.writeString(file, Base64.getEncoder().encodeToString(key.getEncoded()) + "\n");
    }

    /**
     * @param privateFile a private key file
     * @return the path of its public key file
     */
    public static Path publicFileFor(final Path privateFile) {
        return privateFile.resolveSibling(privateFile.getFileName() + ".pub");
    }

    /**
     * @param file a private key file written by {@link #write}
     * @return the key
     * @throws IOException when it cannot be read or is not an Ed25519 private key
     */
    public static PrivateKey readPrivate(final Path file) throws IOException {
        byte[] encoded = null;
        try {
            encoded = decode(file);
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(encoded));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            final PublicKey given = encoded == null ? null : publicOrNull(encoded);
            if (given != null) {
                // the new .pub named where the new private key was meant, the easy slip of a key change
                throw new IOException(file + ": a public key (key id " + keyId(given) + "), where its private key "
                        + "belongs: the file 'vigil keys generate --out' names, without .pub", e);
            }
            throw new IOException(file + ": not an Ed25519 private key (expected the base64 text 'vigil keys generate' "
                    + "writes)", e);
        }
    }

    private static PublicKey publicOrNull(final byte[] encoded) {
        try {
            return publicKey(encoded);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return null;
        }
    }

    private static PublicKey publicKey(final byte[] encoded) throws GeneralSecurityException {
        return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(encoded));
    }

    /**
     * @param file a public key file written by {@link #write}
     * @return the key
     * @throws IOException when it cannot be read or is not an Ed25519 public key
     */
    public static PublicKey readPublic(final Path file) throws IOException {
        byte[] encoded = null;
        try {
            encoded = decode(file);
            return publicKey(encoded);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            if (encoded != null && isPrivate(encoded)) {
                // the easy slip (engine.key for engine.key.pub), and a private key on a host that should not hold it
                throw new IOException(file + ": a private key, where its public key belongs ('vigil keys public --key "
                        + file + "' writes it beside, as " + publicFileFor(file).getFileName() + "); keep the private "
                        + "key on the decision engine's hosts only: whoever reads it can sign commands every worker "
                        + "obeys", e);
            }
            throw new IOException(file + ": not an Ed25519 public key (expected the base64 text 'vigil keys generate' "
                    + "writes)", e);
        }
    }

    private static boolean isPrivate(final byte[] encoded) {
        try {
            KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(encoded));
            return true;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] decode(final Path file) throws IOException {
        try {
            return Base64.getDecoder().decode(Files.readString(file).strip());
        } catch (java.nio.charset.MalformedInputException e) {
            throw new IOException(file + ": not a key file (not text)", e);
        } catch (IOException e) {
            // any read error names the file: a directory's is a bare "Is a directory"
            throw new IOException(file + ": " + dev.vigil.schemas.IoErrors.reason(e), e);
        }
    }
}
