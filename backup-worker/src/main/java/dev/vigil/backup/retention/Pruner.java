package dev.vigil.backup.retention;

import dev.vigil.backup.BackupException;
import dev.vigil.backup.backend.FileInfo;
import dev.vigil.backup.backend.FileType;
import dev.vigil.backup.backend.Handle;
import dev.vigil.backup.index.IndexFile;
import dev.vigil.backup.index.MasterIndex;
import dev.vigil.backup.index.UsedBlobs;
import dev.vigil.backup.pack.BlobId;
import dev.vigil.backup.pack.BlobType;
import dev.vigil.backup.pack.PackedBlob;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.snapshot.Node;
import dev.vigil.backup.snapshot.NodeType;
import dev.vigil.backup.snapshot.Snapshot;
import dev.vigil.backup.snapshot.SnapshotStore;
import dev.vigil.backup.snapshot.Tree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Removes data no snapshot uses (restic's prune). Packs with no used blob are deleted; packs whose
 * used share is under the threshold are repacked (their used blobs copied, still sealed, into new
 * packs) and deleted. Order, so that a crash at any point leaves every snapshot restorable: new
 * packs, then a new index naming every kept pack (in files of at most {@link IndexFile#MAX_BLOBS} blobs), then the old
 * index files are removed, then
 * the unused packs. Needs the exclusive lock.
 */
public final class Pruner {
    private final Repository repo;

    /** @param repo an open repository, exclusively locked */
    public Pruner(final Repository repo) {
        this.repo = repo;
    }

    /**
     * What prune did.
     *
     * @param packsDeleted packs removed
     * @param packsRepacked packs whose used blobs moved to new packs
     * @param blobsRemoved unused blobs dropped
     * @param bytesFreed bytes removed from the store minus bytes written
     */
    public record Result(int packsDeleted, int packsRepacked, long blobsRemoved, long bytesFreed) {
    }

    /**
     * @param minUsedShare packs whose used bytes are below this share of their blob bytes are
     *     repacked, in [0, 1]
     * @return what it did
     */
    public Result prune(final double minUsedShare) {
        return prune(minUsedShare, false);
    }

    /**
     * @param minUsedShare as for {@link #prune(double)}
     * @param dryRun only say what would be done: nothing is written or removed (a shared lock is enough), and
     *     {@link Result#bytesFreed()} counts the blobs a repack would write at their stored size
     * @return what it did, or would do
     */
    public Result prune(final double minUsedShare, final boolean dryRun) {
        try {
            return run(minUsedShare, dryRun);
        } catch (IOException e) {
            throw whenFull(new BackupException("prune of " + repo.backend().location() + ": " + e, e), minUsedShare);
        } catch (BackupException e) {
            throw whenFull(e, minUsedShare);
        }
    }

    /**
     * A prune repacks before it deletes, so on a full file system (a backup filled it) it failed for want of room for
     * a pack, and every later prune too: the one thing that frees room could not run, and the error said only "No space
     * left on device". Told by the room left, not by the error's text, which the C library may translate.
     */
    private BackupException whenFull(final BackupException e, final double minUsedShare) {
        final Path root = repo.backend().localRoot();
        final long free;
        try {
            free = root == null || minUsedShare == 0 ? Long.MAX_VALUE : Files.getFileStore(root).getUsableSpace();
        } catch (IOException | RuntimeException ignored) {
            return e;
        }
        if (free >= (long) repo.config().packSize() + repo.config().chunkMax()) { // a pack closes after its last blob
            return e;
        }
        final String hint = e.getMessage() + "; the file system of " + root + " is full (" + free + " bytes free) and "
                + "prune writes the data it keeps before it deletes: 'vigil repo prune --min-used 0' deletes only packs "
                + "no snapshot uses, which needs room for the index alone, then prune again";
        return e instanceof dev.vigil.backup.RetriableBackupException ? new dev.vigil.backup.RetriableBackupException(
                hint, e) : new BackupException(hint, e);
    }

    private Result run(final double minUsedShare, final boolean dryRun) throws IOException {
        if (!repo.indexErrors().isEmpty()) {
            // The packs of a damaged index file look like leftovers of interrupted runs: pruning would delete them.
            throw new BackupException(repo.indexErrors().size() + " index files are damaged (" + repo.indexErrors()
                    .get(0) + (repo.indexErrors().size() > 1 ? ", ..." : "") + "): prune would take their packs "
                    + "for leftovers and delete data snapshots use; run 'vigil repo repair index' first");
        }
        final long writtenBefore = repo.bytesWritten();
        repo.recordWrittenPacks(); // the new index names the packs repacking writes
        final Set<String> packsBefore = repo.writtenPacks().keySet();
        final UsedBlobs used = new UsedBlobs(repo.index());
        final SnapshotStore store = new SnapshotStore(repo);
        final List<Snapshot> snapshots = store.list();
        if (!store.damaged().isEmpty()) {
            throw new BackupException("a snapshot file cannot be read (" + store.damaged().get(0) + "): prune would "
                    + "delete the data it may use; 'vigil repo forget ID' removes it if it is lost for good");
        }
        final Set<BlobId> notIndexed = new HashSet<>();
        for (final Snapshot s : snapshots) {
            mark(BlobId.parse(s.tree()), used, notIndexed);
        }
        if (!notIndexed.isEmpty()) {
            // A lost index file leaves its packs on disk but unnamed: they would look like leftovers and be deleted.
            throw new BackupException(notIndexed.size() + " blobs that snapshots use are not in the index (e.g. "
                    + notIndexed.iterator().next() + "; an index file is missing?): prune would take the packs that "
                    + "hold them for leftovers and delete them; run 'vigil repo repair index' first, then 'vigil repo "
                    + "check', which names the snapshots whose data is lost for good if some still is");
        }
        // slots of the index grouped by pack: no object per blob. Repacking adds no new blob to the index (each is
        // there already), so the slots stay valid until the new index is written from them.
        final MasterIndex.ByPack groups = repo.index().byPack();
        final Set<String> packs = new HashSet<>();
        final Set<String> loaded = repo.loadedIndexFiles();
        final List<FileInfo> oldIndex = repo.backend().list(FileType.INDEX);
        final Map<String, Long> sizes = new HashMap<>();
        for (final FileInfo f : repo.backend().list(FileType.PACK)) {
            sizes.put(f.handle().name(), f.size());
        }
        final Map<String, List<PackedBlob>> keep = new LinkedHashMap<>();
        final List<String> remove = new ArrayList<>();
        int repacked = 0;
        long blobsRemoved = 0;
        long freed = 0;
        long wouldWrite = 0;
        for (int p = 0; p < groups.packs(); p++) {
            final String name = groups.name(p);
            final List<PackedBlob> blobs = groups.blobs(p);
            if (blobs.isEmpty()) {
                continue;
            }
            packs.add(name);
            long usedBytes = 0;
            long allBytes = 0;
            for (int i = 0; i < blobs.size(); i++) {
                final int stored = blobs.get(i).storedLength();
                allBytes += stored;
                if (used.contains(groups.slot(p, i))) {
                    usedBytes += stored;
                }
            }
            if (!sizes.containsKey(name)) {
                continue;
            }
            if (usedBytes == allBytes) {
                keep.put(name, blobs);
                continue;
            }
            if (usedBytes > 0 && usedBytes >= minUsedShare * allBytes) {
                keep.put(name, blobs);
                continue;
            }
            if (usedBytes > 0) {
                repacked++;
                final Handle h = new Handle(FileType.PACK, name);
                for (int i = 0; i < blobs.size(); i++) {
                    final int slot = groups.slot(p, i);
                    if (used.contains(slot)) {
                        final PackedBlob b = blobs.get(i);
                        if (dryRun) {
                            wouldWrite += b.storedLength();
                        } else {
                            repo.repack(b, repo.backend().load(h, b.offset(), b.storedLength()));
                        }
                    } else {
                        blobsRemoved++;
                    }
                }
            } else {
                blobsRemoved += blobs.size();
            }
            remove.add(name);
        }
        // Packs on disk that no index names: left by interrupted runs; nothing can reference them.
        for (final String name : sizes.keySet()) {
            if (!packs.contains(name)) {
                remove.add(name);
            }
        }
        if (remove.isEmpty()) {
            return new Result(0, 0, 0, 0); // nothing to do: the index stays as it is
        }
        if (dryRun) {
            for (final String name : remove) {
                freed += sizes.getOrDefault(name, 0L);
            }
            return new Result(remove.size() - repacked, repacked, blobsRemoved, freed - wouldWrite);
        }
        repo.flush();
        final long written = repo.bytesWritten() - writtenBefore;
        repo.writtenPacks().forEach((name, blobs) -> {
            if (!packsBefore.contains(name)) {
                keep.put(name, blobs);
            }
        });
        final Set<String> newIndex = saveIndex(keep);
        // only the files the index was loaded from: one listed since names packs the new index does not hold
        for (final String name : loaded) {
            if (!newIndex.contains(name)) {
                repo.backend().remove(new Handle(FileType.INDEX, name));
            }
        }
        for (final String name : remove) {
            freed += sizes.getOrDefault(name, 0L);
            repo.backend().remove(new Handle(FileType.PACK, name));
        }
        for (final FileInfo f : oldIndex) {
            if (loaded.contains(f.handle().name())) {
                freed += f.size();
            }
        }
        removeTemporaryFiles();
        return new Result(remove.size() - repacked, repacked, blobsRemoved, freed - written);
    }

    /**
     * @param packs pack name → its blobs, every pack the new index names
     * @return the names of the index files written: at least one, none of more than {@link IndexFile#MAX_BLOBS} blobs
     *     unless a single pack holds more
     */
    private Set<String> saveIndex(final Map<String, List<PackedBlob>> packs) {
        final Set<String> names = new HashSet<>();
        for (final Map<String, List<PackedBlob>> part : IndexFile.parts(packs)) {
            names.add(repo.saveIndex(part).name());
        }
        if (names.isEmpty()) {
            names.add(repo.saveIndex(Map.of()).name());
        }
        return names;
    }

    private void removeTemporaryFiles() throws IOException {
        for (final Path tmp : repo.temporaryFiles()) {
            Files.deleteIfExists(tmp);
        }
    }

    /** Adds the blobs a tree uses to {@code used}, and those of them the index does not name to {@code notIndexed}. */
    private void mark(final BlobId tree, final UsedBlobs used, final Set<BlobId> notIndexed) {
        if (!used.add(tree)) {
            return;
        }
        if (!repo.index().has(BlobType.TREE, tree)) {
            notIndexed.add(tree);
            return;
        }
        for (final Node n : Tree.decode(repo.loadBlob(BlobType.TREE, tree), "tree " + tree)) {
            if (n.type() == NodeType.DIR) {
                mark(n.subtree(), used, notIndexed);
            } else {
                for (final BlobId id : n.content()) {
                    if (used.add(id) && !repo.index().has(BlobType.DATA, id)) {
                        notIndexed.add(id);
                    }
                }
            }
        }
    }
}
