package dev.vigil.backup.checker;

import dev.vigil.backup.BackupException;
import dev.vigil.backup.backend.FileInfo;
import dev.vigil.backup.backend.FileType;
import dev.vigil.backup.backend.Handle;
import dev.vigil.backup.pack.PackReader;
import dev.vigil.backup.pack.PackedBlob;
import dev.vigil.backup.repository.Repository;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rebuilds the index from the packs themselves (restic's {@code repair index}): every pack's encrypted header
 * lists its blobs, so a damaged or lost index file costs nothing once its packs are read again. Writes one index
 * naming every pack whose header opens, then removes the old index files: a crash at any point leaves the union
 * of old and new, which is valid. Needs the exclusive lock.
 *
 * <p>A pack whose header cannot be read (cut short, its tail damaged) still holds blobs: those the old index placed in
 * it that authenticate there are kept in the new index, as {@link Checker} counts them, so the files they hold still
 * restore; only the rest is lost.
 */
public final class IndexRebuilder {
    private final Repository repo;

    /** @param repo an open repository, exclusively locked */
    public IndexRebuilder(final Repository repo) {
        this.repo = repo;
    }

    /**
     * What the rebuild did.
     *
     * @param packs packs indexed
     * @param blobs blobs indexed
     * @param indexFilesReplaced old index files removed (damaged ones included)
     * @param damagedIndexFiles index files that could not be read when the repository was opened
     * @param unreadablePacks packs whose header could not be read, with the reason and how many of the blobs the old
     *     index placed there were kept (those that authenticate where it said); the others are unindexed
     */
    public record Result(int packs, long blobs, int indexFilesReplaced, int damagedIndexFiles,
                         List<String> unreadablePacks) {
    }

    /** @return what it did */
    public Result rebuild() {
        try {
            final Map<String, List<PackedBlob>> packs = new LinkedHashMap<>();
            final List<String> unreadable = new ArrayList<>();
            final Map<String, List<PackedBlob>> before = new java.util.HashMap<>();
            repo.index().forEach((id, loc) -> before.computeIfAbsent(loc.pack(), k -> new ArrayList<>()).add(loc.blob()));
            long blobs = 0;
            for (final FileInfo f : repo.backend().list(FileType.PACK)) {
                try {
                    final List<PackedBlob> in = PackReader.blobs(repo.backend(), f.handle(), f.size(), repo.envelope());
                    packs.put(f.handle().name(), in);
                    blobs += in.size();
                } catch (IOException | BackupException e) {
                    final List<PackedBlob> was = before.getOrDefault(f.handle().name(), List.of());
                    final List<PackedBlob> kept = salvage(f.handle(), was);
                    if (!kept.isEmpty()) {
                        packs.put(f.handle().name(), kept);
                        blobs += kept.size();
                    }
                    unreadable.add(f.handle() + ": " + e.getMessage() + (was.isEmpty() ? "" : "; " + kept.size()
                            + " of the " + was.size() + " blobs the old index placed there authenticate and stay "
                            + "indexed"));
                }
            }
            // the files listed before the packs were read: one listed since may name packs this listing missed
            final Set<String> old = new java.util.HashSet<>(repo.loadedIndexFiles());
            final Handle fresh = repo.saveIndex(packs);
            int replaced = 0;
            for (final String name : old) {
                if (!name.equals(fresh.name())) {
                    repo.backend().remove(new Handle(FileType.INDEX, name));
                    replaced++;
                }
            }
            return new Result(packs.size(), blobs, replaced, repo.indexErrors().size(), unreadable);
        } catch (IOException e) {
            throw new BackupException("index rebuild of " + repo.backend().location() + ": " + e, e);
        }
    }

    /** @return the blobs of a pack whose header is lost that authenticate where the old index placed them */
    private List<PackedBlob> salvage(final Handle pack, final List<PackedBlob> was) {
        if (was.isEmpty()) {
            return List.of();
        }
        final byte[] whole;
        try {
            whole = repo.backend().load(pack);
        } catch (IOException e) {
            return List.of();
        }
        return was.stream().filter(b -> Checker.authentic(repo, b, whole, pack)).toList();
    }
}
