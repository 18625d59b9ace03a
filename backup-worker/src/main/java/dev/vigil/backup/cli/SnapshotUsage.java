package dev.vigil.backup.cli;

import dev.vigil.backup.BackupException;
import dev.vigil.backup.index.MasterIndex;
import dev.vigil.backup.pack.BlobId;
import dev.vigil.backup.pack.BlobType;
import dev.vigil.backup.pack.PackedBlob;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.snapshot.FileNames;
import dev.vigil.backup.snapshot.Node;
import dev.vigil.backup.snapshot.NodeType;
import dev.vigil.backup.snapshot.Tree;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What snapshots hold and what they use of a repository, for {@code vigil repo stats}: the regular files under each
 * tree and their bytes, and each blob they use counted once with its raw and stored length from the index. Reads
 * trees only, each once: a tree's figures are kept by its id (two longs), so a directory that many snapshots share
 * costs a map lookup after the first. Blobs are marked with a bit per slot of the index, as check and prune do.
 */
final class SnapshotUsage {
    private final Repository repo;
    private final MasterIndex index;
    private final BitSet marked;
    private final Map<BlobId, Files> trees = new HashMap<>();
    private final Set<BlobId> missing = new HashSet<>();
    private final Blobs data = new Blobs();
    private final Blobs tree = new Blobs();
    /** Trees read, for the progress line. */
    volatile long treesRead;

    /**
     * Regular files and their bytes (each path counted: what a restore writes).
     *
     * @param files how many
     * @param bytes their sizes summed, holes of sparse files included
     */
    record Files(long files, long bytes) {
        Files plus(final Files other) {
            return new Files(files + other.files, bytes + other.bytes);
        }
    }

    /** Blobs of one type, each counted once. */
    static final class Blobs {
        long count;
        long rawBytes;
        long storedBytes;
        long compressedCount;
        long compressedRawBytes;
        long compressedStoredBytes;

        void add(final PackedBlob b) {
            count++;
            rawBytes += b.rawLength();
            storedBytes += b.storedLength();
            if (b.compressed()) {
                compressedCount++;
                compressedRawBytes += b.rawLength();
                compressedStoredBytes += b.storedLength();
            }
        }
    }

    /** @param repo an open repository, whose index is not added to while this counts */
    SnapshotUsage(final Repository repo) {
        this.repo = repo;
        this.index = repo.index();
        this.marked = new BitSet(index.slots());
    }

    /**
     * @param root a snapshot's root tree
     * @return the regular files under it
     * @throws BackupException naming the path of a tree that cannot be read
     */
    Files of(final BlobId root) {
        return of(root, "");
    }

    private Files of(final BlobId id, final String path) {
        final Files known = trees.get(id);
        if (known != null) {
            return known;
        }
        mark(BlobType.TREE, id);
        final java.util.List<Node> nodes;
        try {
            nodes = Tree.decode(repo.loadBlob(BlobType.TREE, id), "tree " + id);
        } catch (BackupException e) {
            throw new BackupException("/" + FileNames.display(path) + ": " + e.getMessage(), e);
        }
        treesRead++;
        Files sum = new Files(0, 0);
        for (final Node n : nodes) {
            if (n.type() == NodeType.FILE) {
                sum = sum.plus(new Files(1, n.size()));
                for (final BlobId b : n.content()) {
                    mark(BlobType.DATA, b);
                }
            } else if (n.type() == NodeType.DIR) {
                sum = sum.plus(of(n.subtree(), path.isEmpty() ? n.name() : path + "/" + n.name()));
            }
        }
        trees.put(id, sum);
        return sum;
    }

    private void mark(final BlobType type, final BlobId id) {
        final int slot = index.slotOf(type, id);
        if (slot < 0) {
            missing.add(id); // damage or a lost index file: check names it, repair index rebuilds
        } else if (!marked.get(slot)) {
            marked.set(slot);
            (type == BlobType.TREE ? tree : data).add(index.blob(slot));
        }
    }

    /** @return the data blobs used, each once */
    Blobs data() {
        return data;
    }

    /** @return the tree blobs used, each once */
    Blobs trees() {
        return tree;
    }

    /** @return how many blobs used are in no index */
    int missing() {
        return missing.size();
    }
}
