package dev.vigil.schemas;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.UUID;

/** Record ids: time-ordered random ids for new records, name-based ids where a retry must repeat one. */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    });

    private Ids() {
    }

    /**
     * A new UUID version 7: 48 bits of milliseconds, then randomness, so ids sort by creation time.
     *
     * @param now creation time
     * @return the id in canonical text form
     */
    public static String timeOrdered(final Instant now) {
        final long millis = now.toEpochMilli();
        final long high = (millis << 16) | 0x7000L | (RANDOM.nextInt() & 0x0fffL);
        final long low = (RANDOM.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }

    /**
     * A name-based id (UUID version 5 layout over SHA-256): the same parts always give the same id.
     *
     * @param parts what identifies the record, e.g. host, metric name and time
     * @return the id in canonical text form
     */
    public static String nameBased(final String... parts) {
        // One digest per thread: looking one up costs more than hashing a short name (analyzer profile).
        final MessageDigest sha = SHA256.get();
        sha.reset();
        final ByteBuffer length = ByteBuffer.allocate(4);
        for (final String part : parts) {
            final byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            sha.update(length.clear().putInt(bytes.length).array());
            sha.update(bytes);
        }
        final ByteBuffer hash = ByteBuffer.wrap(sha.digest());
        final long high = (hash.getLong() & ~0xf000L) | 0x5000L;
        final long low = (hash.getLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }

    /** What a dataset id may be: it names configuration keys ({@code dataset.<id>.path}) and files. */
    private static final java.util.regex.Pattern DATASET_ID = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    /** What {@link #isDatasetId} accepts, for messages. */
    public static final String DATASET_ID_RULE = "letters, digits, '.', '_' and '-', starting with a letter or digit";

    /**
     * @param id a proposed dataset id
     * @return whether it is one ({@link #DATASET_ID_RULE})
     */
    public static boolean isDatasetId(final String id) {
        return id != null && DATASET_ID.matcher(id).matches();
    }
}
