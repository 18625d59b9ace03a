package dev.vigil.backup.chunker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.backup.crypto.BlobHasher;
import dev.vigil.backup.pack.BlobId;
import org.junit.jupiter.api.Test;

class ZeroChunkTest {
    private static final Chunker CHUNKER = new Chunker(16 << 10, 64 << 10, 256 << 10, 42);
    private static final BlobHasher HASHER = new BlobHasher(dev.vigil.backup.crypto.MasterKey.random());

    @Test
    void shouldBeTheChunkTheChunkerCutsFromZerosWithItsId() {
        final ZeroChunk zero = new ZeroChunk(CHUNKER, HASHER);
        final byte[] buf = new byte[3 * CHUNKER.max()];
        buf[2 * CHUNKER.max() + 5] = 1;

        assertEquals(CHUNKER.next(buf, 100, buf.length, false), zero.length(), "wherever the zeros start");
        assertEquals(BlobId.wrap(HASHER.id(new byte[zero.length()], 0, zero.length())), zero.id());
        assertTrue(zero.at(buf, 100, buf.length));
        assertFalse(zero.at(buf, 2 * CHUNKER.max() + 5 - zero.length() + 1, buf.length), "one byte is not zero");
        assertFalse(zero.at(buf, 0, zero.length() - 1), "too short: the end of a file is cut by the chunker");
    }
}
