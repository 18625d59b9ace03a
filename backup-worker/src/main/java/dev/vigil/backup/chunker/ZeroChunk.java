package dev.vigil.backup.chunker;

import dev.vigil.backup.crypto.BlobHasher;
import dev.vigil.backup.pack.BlobId;
import java.util.Arrays;

/**
 * The chunk that all-zero data is cut into: the holes of sparse files, zeroed regions of disk images. The chunker
 * restarts its hash at each chunk, so a run of zeros always ends its chunk at the same length, and that chunk's id
 * is known once computed: zero regions are then neither chunked nor hashed when backed up, nor read from the
 * repository when restored (they stay holes). Thread-safe.
 */
public final class ZeroChunk {
    private final byte[] zeros;
    private final int length;
    private final BlobHasher hasher;
    private volatile BlobId id;

    /**
     * @param chunker the repository's chunker
     * @param hasher the repository's blob hasher
     */
    public ZeroChunk(final Chunker chunker, final BlobHasher hasher) {
        this.zeros = new byte[chunker.max()];
        this.length = chunker.next(zeros, 0, zeros.length, true);
        this.hasher = hasher;
    }

    /** @return its length in bytes */
    public int length() {
        return length;
    }

    /** @return its id */
    public BlobId id() {
        BlobId known = id;
        if (known == null) {
            known = BlobId.wrap(hasher.id(zeros, 0, length));
            id = known;
        }
        return known;
    }

    /**
     * @param buf data
     * @param start where a chunk would start
     * @param end end of the valid data
     * @return whether the chunk at {@code start} is this one: {@link #length()} zero bytes
     */
    public boolean at(final byte[] buf, final int start, final int end) {
        return end - start >= length && Arrays.mismatch(buf, start, start + length, zeros, 0, length) < 0;
    }
}
