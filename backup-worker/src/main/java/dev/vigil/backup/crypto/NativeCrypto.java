package dev.vigil.backup.crypto;

import java.security.Provider;

/**
 * Where AES-GCM comes from, and HMAC-SHA-256 and SHA-256 when {@link OpenSsl} is unavailable:
 * Conscrypt (BoringSSL through JNI) when its native library loads on this platform, else the JDK's
 * own provider. Native code runs at full speed from the first byte; the JDK's intrinsics only once
 * the JIT has compiled their callers, which takes hundreds of megabytes, so short runs and a JVM
 * limited to C1 pay a lot without it. All produce the same bytes: the choice never changes the
 * repository format. {@code -Dvigil.crypto=jdk} forces the JDK's code (OpenSSL's too).
 */
final class NativeCrypto {
    private static final Provider PROVIDER = load();

    private NativeCrypto() {
    }

    private static Provider load() {
        if ("jdk".equals(System.getProperty("vigil.crypto"))) {
            return null;
        }
        try {
            return org.conscrypt.Conscrypt.isAvailable() ? org.conscrypt.Conscrypt.newProvider() : null;
        } catch (LinkageError | RuntimeException e) {
            // No native library for this platform: the JDK's provider does the same, more slowly at first.
            return null;
        }
    }

    /** @return the native provider, or null for the JDK's */
    static Provider provider() {
        return PROVIDER;
    }

    /** @return a name for messages: "conscrypt" or "jdk" */
    static String name() {
        return PROVIDER == null ? "jdk" : "conscrypt";
    }
}
