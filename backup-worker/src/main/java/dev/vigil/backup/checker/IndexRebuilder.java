package dev.vigil.backup.checker;

import dev.vigil.backup.BackupException;
import dev.vigil.backup.backend.FileInfo;
import dev.vigil.backup.backend.FileType;
import dev.vigil.backup.backend.Handle;
import dev.vigil.backup.index.IndexFile;
import dev.vigil.backup.pack.PackReader;
import dev.vigil.backup.pack.PackedBlob;
import dev.vigil.backup.repository.Repository;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rebuilds the index from the packs themselves (restic's {@code repair index}): every pack's encrypted header
 * lists its blobs, so a damaged or lost index file costs nothing once its packs are read again. Writes a new index
 * naming every pack whose header opens, in files of at most {@value IndexFile#MAX_BLOBS} blobs as the packs are read, then
 * removes the old index files: a crash at any point leaves the union of old and new, which is valid. Needs the
 * exclusive lock.
 *
 * <p>A pack whose header cannot be read (cut short, its tail damaged) still holds blobs: those the old index placed in
 * it that authenticate there are kept in the new index, as {@link Checker} counts them, so the files they hold still
 * restore; only the rest is lost.
 *
 * <p>Reading the data too ({@code readData}) leaves out the blobs that do not authenticate in packs whose header is
 * fine (a flipped bit): while the index names a damaged blob, backups take it as stored and never store it again; once
 * it is out, the next backup of a file that still holds that data stores it again (its id is the same), which heals the
 * snapshots that used it. Such a pack's whole blobs move to a new pack and the damaged file goes, once the new index
 * names them there (restic's {@code repair packs}).
 */
public final class IndexRebuilder {
    private final Repository repo;
    private final boolean readData;

    /** @param repo an open repository, exclusively locked; headers only */
    public IndexRebuilder(final Repository repo) {
        this(repo, false);
    }

    /**
     * @param repo an open repository, exclusively locked
     * @param readData whether every pack is read whole and its blobs authenticated, the damaged ones left out
     */
    public IndexRebuilder(final Repository repo, final boolean readData) {
        this.repo = repo;
        this.readData = readData;
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
     * @param damagedPacks with {@code readData}: packs whose header reads but some of whose blobs do not authenticate,
     *     with how many were left out of the index
     */
    public record Result(int packs, long blobs, int indexFilesReplaced, int damagedIndexFiles,
                         List<String> unreadablePacks, List<String> damagedPacks) {
        /** @return whether some data was found lost: a backup should store again what the datasets still hold */
        public boolean dataLost() {
            return !unreadablePacks.isEmpty() || !damagedPacks.isEmpty();
        }
    }

    /** @return what it did */
    public Result rebuild() {
        try {
            final Parts packs = new Parts();
            repo.recordWrittenPacks(); // the packs that damaged ones' blobs move to go into the new index
            final List<String> unreadable = new ArrayList<>();
            final List<String> damaged = new ArrayList<>();
            final List<Handle> rewritten = new ArrayList<>();
            long blobs = 0;
            for (final FileInfo f : repo.backend().list(FileType.PACK)) {
                try {
                    List<PackedBlob> in;
                    if (readData) {
                        final byte[] whole = Repository.loadWhole(repo.backend(), f.handle());
                        final List<PackedBlob> listed = PackReader.blobs(whole, f.handle(), repo.envelope());
                        in = listed.stream().filter(b -> Checker.authentic(repo, b, whole, f.handle())).toList();
                        if (in.size() < listed.size()) {
                            // the file is damaged for good: its whole blobs move to a new pack, and it goes
                            for (final PackedBlob b : in) {
                                repo.repack(b, java.util.Arrays.copyOfRange(whole, b.offset(),
                                        b.offset() + b.storedLength()));
                            }
                            blobs += in.size();
                            rewritten.add(f.handle());
                            damaged.add(f.handle() + ": " + (listed.size() - in.size()) + " of its " + listed.size()
                                    + " blobs do not authenticate; the others moved to a new pack and it is removed");
                            continue;
                        }
                    } else {
                        in = PackReader.blobs(repo.backend(), f.handle(), f.size(), repo.envelope());
                    }
                    packs.put(f.handle().name(), in);
                    blobs += in.size();
                } catch (IOException | BackupException e) {
                    final List<PackedBlob> was = indexedIn(f.handle().name());
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
            if (!rewritten.isEmpty()) {
                repo.flush();
                repo.writtenPacks().forEach(packs::put);
            }
            final Set<String> fresh = packs.finish();
            // the files listed before the packs were read: one listed since may name packs this listing missed
            int replaced = 0;
            for (final String name : repo.loadedIndexFiles()) {
                if (!fresh.contains(name)) {
                    repo.backend().remove(new Handle(FileType.INDEX, name));
                    replaced++;
                }
            }
            for (final Handle h : rewritten) {
                repo.backend().remove(h); // only once the new index names its blobs elsewhere
            }
            return new Result(packs.count, blobs, replaced, repo.indexErrors().size(), unreadable, damaged);
        } catch (IOException e) {
            throw new BackupException("index rebuild of " + repo.backend().location() + ": " + e, e);
        }
    }

    /**
     * @return the blobs the index loaded places in this pack: looked up when a pack's header is lost (seldom), rather
     *     than a list per pack of the whole index held for the whole rebuild
     */
    private List<PackedBlob> indexedIn(final String pack) {
        final List<PackedBlob> in = new ArrayList<>();
        repo.index().forEach((id, loc) -> {
            if (loc.pack().equals(pack)) {
                in.add(loc.blob());
            }
        });
        return in;
    }

    /**
     * The new index, written in files of at most {@link IndexFile#MAX_BLOBS} blobs as its packs are read: the rebuild
     * holds an object per blob of one file's packs, not of the whole repository.
     */
    private final class Parts {
        private final Set<String> written = new HashSet<>();
        private Map<String, List<PackedBlob>> part = new LinkedHashMap<>();
        private int blobs;
        private int count;

        void put(final String pack, final List<PackedBlob> in) {
            if (blobs > 0 && blobs + in.size() > IndexFile.MAX_BLOBS) {
                written.add(repo.saveIndex(part).name());
                part = new LinkedHashMap<>();
                blobs = 0;
            }
            part.put(pack, in);
            blobs += in.size();
            count++;
        }

        /** @return the names of the index files written: at least one (an empty repository's index is empty) */
        Set<String> finish() {
            if (written.isEmpty() || !part.isEmpty()) {
                written.add(repo.saveIndex(part).name());
                part = new LinkedHashMap<>();
            }
            return written;
        }
    }

    /** @return the blobs of a pack whose header is lost that authenticate where the old index placed them */
    private List<PackedBlob> salvage(final Handle pack, final List<PackedBlob> was) {
        if (was.isEmpty()) {
            return List.of();
        }
        // blob by blob: the file may be of any size (bytes appended to it are what broke its header)
        return was.stream().filter(b -> Checker.authenticInPlace(repo, b, pack)).toList();
    }
}
