package dev.vigil.backup.crypto;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * HMAC-SHA-256, SHA-256 and scrypt from the system's OpenSSL {@code libcrypto}, called through JNA. Chunk
 * ids hash every byte a backup reads, so this is the backup's hottest loop: OpenSSL uses the CPU's SHA
 * extensions (SHA-NI) where they exist, about 1.1 GB/s on our benchmark machine, against 285 MB/s for
 * Conscrypt 2.5.2's build and under 100 MB/s for the JDK's code before C2 has compiled it. Its scrypt
 * opens a key file in 60 ms where Bouncy Castle's takes 130-160 ms under C1, on every command's start.
 *
 * <p>Loaded once; unavailable (null from {@link #load()}) when no libcrypto 3 or 1.1 is installed, when
 * JNA has no native stub for the platform, or when the library fails a known-answer check: callers then use
 * the JDK's and Bouncy Castle's code, which give the same bytes ({@code OpenSslTest}). Thread-safe: each
 * thread copies its input, 1 MiB at a time, into its own native buffer.
 */
final class OpenSsl {
    private static final String[] LIBRARIES = {"libcrypto.so.3", "libcrypto.so.1.1", "libcrypto.so"};
    /** Inputs go to OpenSSL in slices of this many bytes, so the native buffer per thread stays small. */
    private static final int SLICE = 1 << 20;
    private static final HexFormat HEX = HexFormat.of();
    private static final OpenSsl INSTANCE = load();

    private final Pointer sha256;
    private final ThreadLocal<Memory> buffers = new ThreadLocal<>();

    private OpenSsl(final Pointer sha256) {
        this.sha256 = sha256;
    }

    /** @return the loaded binding, or null when OpenSSL cannot be used here */
    static OpenSsl instance() {
        return INSTANCE;
    }

    private static OpenSsl load() {
        if ("jdk".equals(System.getProperty("vigil.crypto"))) {
            return null;
        }
        for (final String name : LIBRARIES) {
            try {
                Native.register(Binding.class, NativeLibrary.getInstance(name));
                final OpenSsl hash = new OpenSsl(Binding.EVP_sha256());
                return hash.passesKnownAnswers() ? hash : null;
            } catch (LinkageError | RuntimeException e) {
                // Not this library (or no JNA stub for this platform): try the next, else the JDK's code.
            }
        }
        return null;
    }

    /**
     * A known-answer check at load: a library that computes anything else must never name a blob. The vectors
     * are RFC 4231's, FIPS 180-2's and RFC 7914's second input with p = 1 (its bytes checked against Bouncy
     * Castle in {@code OpenSslTest}). Computing the expected bytes with the JDK's and Bouncy Castle's code
     * instead cost ~60 ms of interpreted code on every command's start.
     */
    private boolean passesKnownAnswers() {
        final byte[] ascii = "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII);
        return Arrays.equals(hmacSha256("Jefe".getBytes(StandardCharsets.US_ASCII), ascii, 0, ascii.length),
                HEX.parseHex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")) // RFC 4231, case 2
                && Arrays.equals(sha256("abc".getBytes(StandardCharsets.US_ASCII), 0, 3),
                        HEX.parseHex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")) // FIPS 180-2
                && Arrays.equals(scrypt("password".getBytes(StandardCharsets.US_ASCII),
                        "NaCl".getBytes(StandardCharsets.US_ASCII), 1024, 8, 1, 32),
                        HEX.parseHex("27b418c674c769d12501fbb1f53bac32df6514c0f28d043872b148b348961a79"));
    }

    /**
     * @param key the MAC key
     * @param data input
     * @param offset first byte
     * @param length bytes
     * @return HMAC-SHA-256 of the range under the key
     */
    byte[] hmacSha256(final byte[] key, final byte[] data, final int offset, final int length) {
        final Pointer ctx = Binding.HMAC_CTX_new();
        try {
            check(ctx != null && Binding.HMAC_Init_ex(ctx, key, key.length, sha256, null) == 1, "HMAC_Init_ex");
            for (int done = 0; done < length; done += SLICE) {
                final int n = Math.min(SLICE, length - done);
                check(Binding.HMAC_Update(ctx, slice(data, offset + done, n), n) == 1, "HMAC_Update");
            }
            final byte[] out = new byte[32];
            check(Binding.HMAC_Final(ctx, out, null) == 1, "HMAC_Final");
            return out;
        } finally {
            Binding.HMAC_CTX_free(ctx);
        }
    }

    /**
     * @param data input
     * @param offset first byte
     * @param length bytes
     * @return SHA-256 of the range
     */
    byte[] sha256(final byte[] data, final int offset, final int length) {
        final Pointer ctx = Binding.EVP_MD_CTX_new();
        try {
            check(ctx != null && Binding.EVP_DigestInit_ex(ctx, sha256, null) == 1, "EVP_DigestInit_ex");
            for (int done = 0; done < length; done += SLICE) {
                final int n = Math.min(SLICE, length - done);
                check(Binding.EVP_DigestUpdate(ctx, slice(data, offset + done, n), n) == 1, "EVP_DigestUpdate");
            }
            final byte[] out = new byte[32];
            check(Binding.EVP_DigestFinal_ex(ctx, out, null) == 1, "EVP_DigestFinal_ex");
            return out;
        } finally {
            Binding.EVP_MD_CTX_free(ctx);
        }
    }

    /**
     * @param password the password's bytes
     * @param salt the salt
     * @param n CPU/memory cost, a power of 2
     * @param r block size
     * @param p parallelism
     * @param length bytes of key wanted
     * @return scrypt(password, salt, n, r, p)
     */
    byte[] scrypt(final byte[] password, final byte[] salt, final int n, final int r, final int p, final int length) {
        final byte[] out = new byte[length];
        // OpenSSL's own memory bound (32 MiB by default) would refuse costs above 2^14 with r = 8.
        final long memory = 128L * r * (n + p + 2) + (1 << 20);
        check(Binding.EVP_PBE_scrypt(password, password.length, salt, salt.length, n, r, p, memory, out, length) == 1,
                "EVP_PBE_scrypt");
        return out;
    }

    private static void check(final boolean ok, final String function) {
        if (!ok) {
            throw new IllegalStateException("OpenSSL " + function + " failed");
        }
    }

    /** Copies the range (at most {@link #SLICE} bytes) into this thread's native buffer. */
    private Pointer slice(final byte[] data, final int offset, final int length) {
        Memory buffer = buffers.get();
        if (buffer == null) {
            buffer = new Memory(SLICE);
            buffers.set(buffer);
        }
        buffer.write(0, data, offset, length);
        return buffer;
    }

    /** JNA direct mapping of the libcrypto functions used (all present in OpenSSL 1.1 and 3). */
    private static final class Binding {
        private Binding() {
        }

        static native Pointer EVP_sha256();

        static native Pointer HMAC_CTX_new();

        static native int HMAC_Init_ex(Pointer ctx, byte[] key, int keyLength, Pointer md, Pointer engine);

        static native int HMAC_Update(Pointer ctx, Pointer data, long length);

        static native int HMAC_Final(Pointer ctx, byte[] out, Pointer outLength);

        static native void HMAC_CTX_free(Pointer ctx);

        static native Pointer EVP_MD_CTX_new();

        static native int EVP_DigestInit_ex(Pointer ctx, Pointer md, Pointer engine);

        static native int EVP_DigestUpdate(Pointer ctx, Pointer data, long length);

        static native int EVP_DigestFinal_ex(Pointer ctx, byte[] out, Pointer outLength);

        static native void EVP_MD_CTX_free(Pointer ctx);

        static native int EVP_PBE_scrypt(byte[] password, long passwordLength, byte[] salt, long saltLength, long n,
                long r, long p, long maxMemory, byte[] key, long keyLength);
    }
}
