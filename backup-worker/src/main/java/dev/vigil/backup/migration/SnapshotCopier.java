package dev.vigil.backup.migration;

import dev.vigil.backup.BackupException;
import dev.vigil.backup.pack.BlobId;
import dev.vigil.backup.pack.BlobType;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.snapshot.Node;
import dev.vigil.backup.snapshot.NodeType;
import dev.vigil.backup.snapshot.Snapshot;
import dev.vigil.backup.snapshot.SnapshotStore;
import dev.vigil.backup.snapshot.Tree;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Copies snapshots to another repository (restic's {@code copy}), e.g. an off-site one. Blob ids
 * are keyed per repository, so each blob is decrypted, hashed with the target's key, and stored
 * there unless the target has it: re-encrypted under the target's keys and deduplicated against
 * everything it holds. Trees are rewritten with the new ids. A snapshot already copied (the target
 * has one whose {@code original} is its id) is skipped, so an interrupted copy can simply run
 * again; so is one the target holds as it was before it was marked protected (its {@code replaces}), which
 * is then marked protected there too. The target's snapshot is written last, after its data and index.
 */
public final class SnapshotCopier {
    private final Repository source;
    private final Repository target;
    private final Map<BlobId, BlobId> mapped = new HashMap<>();

    /**
     * @param source where the snapshots are
     * @param target where they go
     */
    public SnapshotCopier(final Repository source, final Repository target) {
        this.source = source;
        this.target = target;
    }

    /**
     * What a copy did.
     *
     * @param copied new snapshots in the target, by source id → target id
     * @param skipped source ids the target had already
     * @param bytesAdded bytes written to the target
     * @param damaged source snapshots not copied because their file or some of their data could not be read from the
     *     source, each with why
     */
    public record Result(Map<String, String> copied, List<String> skipped, long bytesAdded, List<String> damaged) {
    }

    /**
     * @param which selects the source snapshots to copy
     * @return what was copied
     * @throws BackupException when the copy fails; the packs written whole to the target are then indexed, and the
     *     target stores no more blobs: open it again for another copy
     */
    public Result copy(final Predicate<Snapshot> which) {
        final long before = target.bytesWritten();
        final SnapshotStore targetStore = new SnapshotStore(target);
        // the target's snapshots by the source id they were copied from
        final Map<String, Snapshot> present = new HashMap<>();
        for (final Snapshot s : targetStore.list()) {
            if (s.original() != null) {
                present.put(s.original(), s);
            }
        }
        final Map<String, String> copied = new java.util.LinkedHashMap<>();
        final List<String> skipped = new ArrayList<>();
        final SnapshotStore sourceStore = new SnapshotStore(source);
        final List<String> unreadable = new ArrayList<>();
        try {
            final List<Snapshot> all = sourceStore.list();
            // a snapshot marked protected is the same backup under a new id (Snapshot.replaces); a crash while it was
            // marked leaves both files
            final Map<String, Snapshot> replacedBy = new HashMap<>();
            for (final Snapshot s : all) {
                if (s.replaces() != null) {
                    replacedBy.put(s.replaces(), s);
                }
            }
            for (final Snapshot s : all) {
                if (!which.test(s)) {
                    continue;
                }
                final String originalId = originalOf(s);
                final Snapshot there = thereAlready(present, s, replacedBy);
                if (there != null) {
                    if (s.protectedSnapshot() && !there.protectedSnapshot()) {
                        // the target holds it as it was before: protected there too, not copied a second time
                        final Snapshot kept = targetStore.protect(there);
                        present.put(kept.original(), kept);
                    }
                    skipped.add(s.id());
                    continue;
                }
                final BlobId tree;
                try {
                    tree = copyTree(BlobId.parse(s.tree()));
                } catch (DamagedSource e) {
                    // the other snapshots still go to the off-site copy; what this one wrote is unused there, prune's
                    unreadable.add("snapshot " + s.shortId() + " (" + s.dataset() + "): " + e.getMessage());
                    continue;
                }
                target.flush();
                final Snapshot saved = targetStore.save(s.copiedAs(originalId, tree.hex()));
                copied.put(s.id(), saved.id());
                present.put(originalId, saved);
            }
        } catch (RuntimeException e) {
            // indexes the packs it wrote whole to the target, as a failed backup does, so the next copy re-uses them
            throw target.indexWrittenPacksAfter(e);
        }
        unreadable.addAll(0, sourceStore.damaged());
        return new Result(copied, skipped, target.bytesWritten() - before, unreadable);
    }

    /** @return the id a copy of the snapshot records as its {@code original}: the first repository's */
    private static String originalOf(final Snapshot s) {
        return s.original() != null ? s.original() : s.id();
    }

    /**
     * @return the target's copy of the snapshot, of the one it replaced (its version before it was marked protected),
     *     or of the one that replaced it; null when the target has none
     */
    private static Snapshot thereAlready(final Map<String, Snapshot> present, final Snapshot s,
                                         final Map<String, Snapshot> replacedBy) {
        Snapshot there = present.get(originalOf(s));
        if (there == null) {
            there = present.get(s.id());
        }
        if (there == null && s.replaces() != null) {
            there = present.get(s.replaces());
        }
        if (there == null && replacedBy.containsKey(s.id())) {
            there = present.get(originalOf(replacedBy.get(s.id())));
        }
        return there;
    }

    private BlobId copyTree(final BlobId tree) {
        final BlobId known = mapped.get(tree);
        if (known != null) {
            return known;
        }
        final List<Node> out = new ArrayList<>();
        final List<Node> nodes;
        try {
            nodes = Tree.decode(sourceBlob(BlobType.TREE, tree), "tree " + tree);
        } catch (BackupException e) {
            throw new DamagedSource(e); // a tree that does not decode
        }
        for (final Node n : nodes) {
            if (n.type() == NodeType.DIR) {
                out.add(n.withSubtree(copyTree(n.subtree())));
            } else if (n.type() == NodeType.FILE) {
                final List<BlobId> content = new ArrayList<>(n.content().size());
                for (final BlobId id : n.content()) {
                    content.add(copyBlob(BlobType.DATA, id));
                }
                out.add(n.withContent(content));
            } else {
                out.add(n);
            }
        }
        final byte[] encoded = Tree.encode(out);
        final BlobId id = target.saveBlob(BlobType.TREE, encoded, 0, encoded.length).id();
        mapped.put(tree, id);
        return id;
    }

    /** A blob the source cannot give (damaged, missing): that snapshot is not copied, the others are. */
    private static final class DamagedSource extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DamagedSource(final BackupException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private byte[] sourceBlob(final BlobType type, final BlobId id) {
        try {
            return source.loadBlob(type, id);
        } catch (BackupException e) {
            throw new DamagedSource(e);
        }
    }

    private BlobId copyBlob(final BlobType type, final BlobId id) {
        final BlobId known = mapped.get(id);
        if (known != null) {
            return known;
        }
        final byte[] plain = sourceBlob(type, id);
        final BlobId copy = target.saveBlob(type, plain, 0, plain.length).id();
        mapped.put(id, copy);
        return copy;
    }
}
