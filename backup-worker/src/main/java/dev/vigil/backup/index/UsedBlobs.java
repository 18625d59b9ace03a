package dev.vigil.backup.index;

import dev.vigil.backup.pack.BlobId;
import dev.vigil.backup.pack.BlobType;
import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;

/**
 * The blobs snapshots use, as a bit per slot of the index (what check and prune mark while they walk the snapshots):
 * a set of ids held an object per blob, some 100 bytes each. An id counts whatever type it is indexed as. Valid while
 * no new blob is added to the index.
 */
public final class UsedBlobs {
    private final MasterIndex index;
    private final BitSet used;
    private final Set<BlobId> notIndexed = new HashSet<>();

    /** @param index the index whose slots the bits stand for */
    public UsedBlobs(final MasterIndex index) {
        this.index = index;
        this.used = new BitSet(index.slots());
    }

    /**
     * @param id a blob id snapshots use
     * @return whether it was not marked before
     */
    public boolean add(final BlobId id) {
        final int data = index.slotOf(BlobType.DATA, id);
        final int tree = index.slotOf(BlobType.TREE, id);
        if (data < 0 && tree < 0) {
            return notIndexed.add(id);
        }
        final boolean before = data >= 0 && used.get(data) || tree >= 0 && used.get(tree);
        if (data >= 0) {
            used.set(data);
        }
        if (tree >= 0) {
            used.set(tree);
        }
        return !before;
    }

    /**
     * @param slot a slot of the index
     * @return whether its blob is used
     */
    public boolean contains(final int slot) {
        return used.get(slot);
    }

    /** @return how many indexed entries are used */
    public int indexedUsed() {
        return used.cardinality();
    }

    /** @return the used ids that the index names as no type (an index file lost, or damage) */
    public Set<BlobId> notIndexed() {
        return notIndexed;
    }
}
