package dev.vigil.backup.archiver;

import dev.vigil.backup.index.MasterIndex;
import dev.vigil.backup.pack.BlobId;
import dev.vigil.backup.pack.BlobType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the parent snapshot's version of a changed file had its chunks: ids, lengths and offsets.
 * {@link FileSaver} uses it to confirm an unchanged range by hashing it, without running the chunker
 * over it. This gives the same chunks as chunking the whole file: a chunk's end depends only on its
 * start and its own bytes (except a last chunk cut by the end of the file), so bytes that hash to a
 * parent chunk's id, starting where that chunk started, end where it ended.
 */
final class ParentChunks {
    private final BlobId[] ids;
    private final int[] lengths;
    private final long[] offsets;
    private final Map<Long, Integer> byOffset = new HashMap<>();
    private final Map<BlobId, Integer> byId = new HashMap<>();

    private ParentChunks(final List<BlobId> content, final MasterIndex index) {
        ids = content.toArray(new BlobId[0]);
        lengths = new int[ids.length];
        offsets = new long[ids.length];
        long offset = 0;
        for (int i = 0; i < ids.length; i++) {
            lengths[i] = index.lookup(BlobType.DATA, ids[i]).blob().rawLength();
            offsets[i] = offset;
            byOffset.putIfAbsent(offset, i);
            byId.putIfAbsent(ids[i], i);
            offset += lengths[i];
        }
    }

    /**
     * @param content the parent version's chunk ids
     * @param index the repository's index
     * @return the layout, or null when it cannot help: fewer than two chunks, or a chunk not in the index
     */
    static ParentChunks of(final List<BlobId> content, final MasterIndex index) {
        if (content == null || content.size() < 2) {
            return null;
        }
        for (final BlobId id : content) {
            if (!index.has(BlobType.DATA, id)) {
                return null;
            }
        }
        return new ParentChunks(content, index);
    }

    /** @return number of chunks */
    int count() {
        return ids.length;
    }

    /** @return chunk i's id */
    BlobId id(final int i) {
        return ids[i];
    }

    /** @return chunk i's length */
    int length(final int i) {
        return lengths[i];
    }

    /** @return where chunk i ended in the parent version */
    long end(final int i) {
        return offsets[i] + lengths[i];
    }

    /** @return the first chunk that started at this offset of the parent version, or -1 */
    int startingAt(final long offset) {
        return byOffset.getOrDefault(offset, -1);
    }

    /** @return the first chunk with this id, or -1 */
    int indexOf(final BlobId id) {
        return byId.getOrDefault(id, -1);
    }
}
