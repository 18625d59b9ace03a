package dev.vigil.collector.logs;

import java.util.UUID;

/**
 * Ids of log records, derived from where and what the record is, so that reading a record again
 * (after a crash, before its checkpoint was saved) repeats its id. The same idea as {@code
 * Ids.nameBased}, but with two 64-bit multiply-xorshift hashes instead of SHA-256: ids are for
 * telling repeats apart, not for security, and SHA-256 was a fifth of the agent's CPU at 1,000
 * lines/s. Laid out as a UUID of version 8 (custom).
 *
 * <p>Not thread-safe: one instance per tailing thread (it keeps a scratch array, so that hashing a
 * record walks a {@code char[]} rather than calling {@code String.charAt} per character, which
 * halves its cost under C1).
 */
final class RecordIds {
    private static final long PRIME_1 = 0x100000001b3L;
    private static final long PRIME_2 = 0x9E3779B97F4A7C15L;

    private char[] chars = new char[256];
    private long a;
    private long b;

    /**
     * @param host host name
     * @param file file identity
     * @param generation truncation generation
     * @param offset byte offset of the record
     * @param text the record
     * @return the id in canonical UUID text form
     */
    String of(final String host, final FileIdentity file, final long generation, final long offset,
              final String text) {
        a = 0xcbf29ce484222325L;
        b = 0x84222325cbf29ce4L;
        add(file.device());
        add(file.inode());
        add(generation);
        add(offset);
        add(host.length());
        add(text.length());
        add(host);
        add(text);
        final long high = mix(a ^ Long.rotateLeft(b, 17));
        final long low = mix(b ^ a);
        return new UUID((high & ~0xf000L) | 0x8000L, (low & 0x3fffffffffffffffL) | 0x8000000000000000L).toString();
    }

    private void add(final long n) {
        a = (a ^ n) * PRIME_1;
        b = Long.rotateLeft(b ^ n, 29) * PRIME_2;
    }

    private void add(final String s) {
        final int length = s.length();
        if (chars.length < length) {
            chars = new char[Math.max(length, chars.length * 2)];
        }
        s.getChars(0, length, chars, 0);
        long x = a;
        long y = b;
        for (int i = 0; i < length; i++) {
            final char c = chars[i];
            x = (x ^ c) * PRIME_1;
            y = Long.rotateLeft(y ^ c, 29) * PRIME_2;
        }
        a = x;
        b = y;
    }

    /** MurmurHash3's 64-bit finalizer: every input bit affects every output bit. */
    private static long mix(final long k) {
        long h = k;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
