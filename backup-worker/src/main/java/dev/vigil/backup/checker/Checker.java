package dev.vigil.backup.checker;

import dev.vigil.backup.BackupException;
import dev.vigil.backup.InvalidDataException;
import dev.vigil.backup.backend.FileInfo;
import dev.vigil.backup.backend.FileType;
import dev.vigil.backup.backend.Handle;
import dev.vigil.backup.index.MasterIndex;
import dev.vigil.backup.index.UsedBlobs;
import dev.vigil.backup.pack.BlobId;
import dev.vigil.backup.pack.BlobType;
import dev.vigil.backup.pack.PackReader;
import dev.vigil.backup.pack.PackedBlob;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.snapshot.FileNames;
import dev.vigil.backup.snapshot.Node;
import dev.vigil.backup.snapshot.NodeType;
import dev.vigil.backup.snapshot.Snapshot;
import dev.vigil.backup.snapshot.SnapshotStore;
import dev.vigil.backup.snapshot.Tree;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Verifies a repository (restic's checker). The structural check reads every index file, every
 * pack header and every snapshot and tree, and checks that each referenced blob is indexed and
 * that each indexed blob is where its pack's header says. The data check also reads whole packs
 * (all, or a random share): a pack's bytes must hash to its name and every blob must decrypt and
 * hash to its id. Each problem is reported with what it affects: the snapshots and files whose
 * data is damaged or missing.
 */
public final class Checker {
    private final Repository repo;

    /** @param repo an open repository */
    public Checker(final Repository repo) {
        this.repo = repo;
    }

    /**
     * What a check found.
     *
     * @param errors damage: each names the file or blob and what it affects
     * @param hints harmless findings (unindexed packs from interrupted runs, unused blobs)
     * @param snapshots snapshots checked
     * @param packs packs checked
     * @param blobs indexed blobs
     * @param bytesRead bytes of pack data read by the data check
     */
    public record Report(List<String> errors, List<String> hints, int snapshots, int packs, int blobs,
                         long bytesRead) {
        /** @return whether no damage was found */
        public boolean ok() {
            return errors.isEmpty();
        }
    }

    /**
     * @param readShare share of packs whose data is read in full, in [0, 1]; 0 is structural only. Any share above 0
     *     reads round(share x packs) of them, at least one, chosen at random: every run reads what it says
     * @param seed picks them
     * @return the findings
     */
    public Report check(final double readShare, final long seed) {
        if (readShare < 0 || readShare > 1) {
            throw new IllegalArgumentException("read share must be in [0, 1], was " + readShare);
        }
        return check(packs -> {
            final boolean[] read = new boolean[packs.size()];
            if (readShare > 0 && !packs.isEmpty()) {
                final List<Integer> order = new ArrayList<>(java.util.stream.IntStream.range(0, packs.size()).boxed()
                        .toList());
                java.util.Collections.shuffle(order, new Random(seed));
                final long wanted = Math.max(1, Math.round(readShare * packs.size()));
                for (int i = 0; i < Math.min(wanted, packs.size()); i++) {
                    read[order.get(i)] = true;
                }
            }
            return read;
        });
    }

    /**
     * Reads the data of group {@code n} of {@code t}, by the first byte of each pack's id (restic's {@code n/t}): runs
     * with n = 1 .. t read every pack once between them.
     *
     * @param n the group, 1 .. t
     * @param t how many groups
     * @return the findings
     */
    public Report checkGroup(final int n, final int t) {
        if (t < 1 || n < 1 || n > t) {
            throw new IllegalArgumentException("group " + n + "/" + t + ": expected 1 <= n <= t");
        }
        return check(packs -> {
            final boolean[] read = new boolean[packs.size()];
            for (int i = 0; i < read.length; i++) {
                read[i] = Integer.parseInt(packs.get(i).substring(0, 2), 16) % t == n - 1;
            }
            return read;
        });
    }

    /** @param select which packs to read in full, given their names */
    private Report check(final java.util.function.Function<List<String>, boolean[]> select) {
        final List<String> errors = new ArrayList<>(repo.indexErrors());
        final List<String> hints = new ArrayList<>();
        final MasterIndex index = repo.index();
        // slots of the index grouped by pack, each pack's entries made as it is checked: no object per blob
        final MasterIndex.ByPack groups = index.byPack();
        final Set<String> indexed = new HashSet<>();
        final List<Integer> packs = new ArrayList<>();
        for (int p = 0; p < groups.packs(); p++) {
            if (groups.size(p) > 0) {
                indexed.add(groups.name(p));
                packs.add(p);
            }
        }
        packs.sort(java.util.Comparator.comparing(groups::name)); // the same seed picks the same packs
        final Map<String, Long> stored = new HashMap<>();
        try {
            for (final FileInfo f : repo.backend().list(FileType.PACK)) {
                stored.put(f.handle().name(), f.size());
            }
        } catch (IOException e) {
            throw new BackupException("cannot list packs: " + e, e);
        }
        final Set<BlobId> bad = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final boolean[] read = select.apply(packs.stream().map(groups::name).toList());
        // Packs are checked in parallel: reading, hashing and decrypting them is the bulk of a data check.
        final String[] problems = new String[packs.size()];
        final java.util.concurrent.atomic.AtomicLong bytesRead = new java.util.concurrent.atomic.AtomicLong();
        java.util.stream.IntStream.range(0, packs.size()).parallel().forEach(i -> {
            final List<PackedBlob> blobs = new ArrayList<>(groups.blobs(packs.get(i)));
            final Handle pack = new Handle(FileType.PACK, groups.name(packs.get(i)));
            final Long size = stored.get(pack.name());
            if (size == null) {
                problems[i] = pack + ": missing";
                markAll(blobs, bad);
            } else if (read[i]) {
                bytesRead.addAndGet(size <= FileType.PACK.maxSize() ? size : 0); // one larger is not read
                problems[i] = readPack(pack, blobs, bad); // marks the blobs it finds damaged
            } else {
                problems[i] = checkHeader(pack, size, blobs);
                if (problems[i] != null) {
                    // a header that cannot be trusted: what is lost is told by the blobs, read where the index says
                    markUnreadableInPlace(blobs, pack, bad);
                }
            }
        });
        boolean dataDamaged = false;
        for (final String problem : problems) {
            if (problem != null) {
                errors.add(problem);
                dataDamaged = true;
            }
        }
        final boolean indexDamaged = !repo.indexErrors().isEmpty();
        if (indexDamaged) {
            errors.add("the index is incomplete: 'vigil repo repair index' rebuilds it from the packs (do not prune "
                    + "before: the packs it lost look unused)");
        }
        final UsedBlobs used = new UsedBlobs(index);
        final List<Snapshot> snapshots = snapshots(errors);
        for (final Snapshot s : snapshots) {
            walk(s, BlobId.parse(s.tree()), "", bad, used, new HashSet<>(), errors);
        }
        // blobs snapshots use that no index names: the packs that are not indexed may hold them (a lost index file)
        final boolean blobsNotIndexed = !used.notIndexed().isEmpty();
        final Set<String> inIndexFiles = new HashSet<>(index.packs());
        for (final String name : stored.keySet()) {
            if (!indexed.contains(name) && inIndexFiles.contains(name)) {
                // two runs that stored the same data at once: the index keeps one copy of each blob
                hints.add("pack " + name.substring(0, 8) + ": every blob in it is also in another pack (stored twice "
                        + "by runs at the same time); 'vigil repo prune' removes it");
            } else if (!indexed.contains(name)) {
                hints.add("pack " + name.substring(0, 8) + ": not indexed (" + (indexDamaged || blobsNotIndexed
                        ? "maybe named by a " + (indexDamaged ? "damaged" : "lost") + " index file: 'vigil repo repair "
                        + "index' indexes it again; do not prune before)"
                        : "left by an interrupted run; 'vigil repo prune' removes it)"));
            }
        }
        if (blobsNotIndexed && !indexDamaged) {
            errors.add("snapshots use blobs that no index file names: if an index file was lost, 'vigil repo repair "
                    + "index' indexes their packs again (do not prune before: they look unused); if it ran already, "
                    + "that data is lost, and the next backup stores again what the dataset still holds");
        }
        final int unused = index.size() - used.indexedUsed();
        if (unused > 0) {
            hints.add(unused + " blobs are not used by any snapshot ('vigil repo prune' removes them where their "
                    + "pack is mostly unused, 'prune --min-used 1' all of them)");
        }
        try {
            final int temporary = repo.temporaryFiles().size();
            if (temporary > 0) {
                hints.add(temporary + " temporary files of interrupted runs ('vigil repo prune' removes them)");
            }
        } catch (IOException e) {
            // a hint only
        }
        if (dataDamaged) {
            // while the index names damaged data, backups take it as stored: it must leave the index to be stored again
            hints.add("what to do about the damaged packs: 'vigil repo repair index --read-data' leaves their damaged "
                    + "data out of the index; the next backup then stores again what the dataset still holds, which "
                    + "heals the snapshots that used it; a check after it names what is lost for good");
        }
        return new Report(errors, hints, snapshots.size(), indexed.size(), index.size(), bytesRead.get());
    }

    private List<Snapshot> snapshots(final List<String> errors) {
        final SnapshotStore store = new SnapshotStore(repo);
        final List<Snapshot> out = new ArrayList<>();
        try {
            for (final FileInfo f : repo.backend().list(FileType.SNAPSHOT)) {
                try {
                    store.find(f.handle().name()).ifPresent(out::add); // forgotten since the listing: not an error
                } catch (BackupException e) {
                    errors.add(e.getMessage() + " (this snapshot cannot be restored)");
                }
            }
        } catch (IOException e) {
            throw new BackupException("cannot list snapshots: " + e, e);
        }
        return out;
    }

    private String checkHeader(final Handle pack, final long size, final List<PackedBlob> expected) {
        try {
            return compare(pack, PackReader.blobs(repo.backend(), pack, size, repo.envelope()), expected);
        } catch (IOException | BackupException e) {
            return pack + ": header unreadable: " + e.getMessage();
        }
    }

    private static String compare(final Handle pack, final List<PackedBlob> actual, final List<PackedBlob> expected) {
        final Map<BlobId, PackedBlob> byId = new HashMap<>();
        for (final PackedBlob b : actual) {
            byId.put(b.id(), b);
        }
        for (final PackedBlob b : expected) {
            final PackedBlob a = byId.get(b.id());
            if (a == null || a.offset() != b.offset() || a.storedLength() != b.storedLength()) {
                return pack + ": blob " + b.id() + " is not where the index says";
            }
        }
        return null;
    }

    /** A pack that fails as a whole (missing, unreadable, its header damaged): none of its blobs can be trusted. */
    private static void markAll(final List<PackedBlob> blobs, final Set<BlobId> bad) {
        blobs.forEach(b -> bad.add(b.id()));
    }

    /**
     * A pack whose header cannot be trusted: its blobs are read where the index says, as restore reads them, and only
     * those that do not authenticate there are lost (bytes appended to a pack break its header, not its blobs).
     */
    private void markUnreadable(final List<PackedBlob> expected, final byte[] whole, final Handle pack,
                                final Set<BlobId> bad) {
        for (final PackedBlob b : expected) {
            if (!authentic(repo, b, whole, pack)) {
                bad.add(b.id());
            }
        }
    }

    /**
     * As {@link #markUnreadable}, reading each blob alone: never the whole file, which damage or a planted file may
     * have made of any size.
     */
    private void markUnreadableInPlace(final List<PackedBlob> expected, final Handle pack, final Set<BlobId> bad) {
        for (final PackedBlob b : expected) {
            if (!authenticInPlace(repo, b, pack)) {
                bad.add(b.id());
            }
        }
    }

    /** @return whether the blob, read alone from the pack, decrypts, authenticates and hashes to its id */
    static boolean authenticInPlace(final Repository repo, final PackedBlob b, final Handle pack) {
        final byte[] sealed;
        try {
            sealed = repo.backend().load(pack, b.offset(), b.storedLength());
        } catch (IOException e) {
            return false;
        }
        return authentic(repo, new PackedBlob(b.type(), b.id(), b.compressed(), 0, b.storedLength(), b.rawLength()),
                sealed, pack);
    }

    /** @return whether the blob decrypts, authenticates and hashes to its id where {@code b} says it is */
    static boolean authentic(final Repository repo, final PackedBlob b, final byte[] whole, final Handle pack) {
        try {
            final byte[] plain = repo.openBlob(b, whole, b.offset(), pack.toString());
            return Arrays.equals(repo.hasher().id(plain, 0, plain.length), b.id().toBytes());
        } catch (RuntimeException e) {
            return false; // cut short, tampered with, or not where it is said to be
        }
    }

    private String readPack(final Handle pack, final List<PackedBlob> expected, final Set<BlobId> bad) {
        final byte[] whole;
        try {
            whole = Repository.loadWhole(repo.backend(), pack);
        } catch (IOException e) {
            markAll(expected, bad);
            return pack + ": unreadable: " + e.getMessage();
        } catch (InvalidDataException e) {
            markUnreadableInPlace(expected, pack, bad); // larger than any pack: bytes appended, or planted
            return e.getMessage();
        }
        final boolean hashOk = Repository.fileId(whole).equals(pack.name());
        final List<PackedBlob> actual;
        try {
            actual = PackReader.blobs(whole, pack, repo.envelope());
        } catch (BackupException e) {
            markUnreadable(expected, whole, pack, bad);
            return pack + ": damaged header: " + e.getMessage();
        }
        final String mismatch = compare(pack, actual, expected);
        if (mismatch != null) {
            markUnreadable(expected, whole, pack, bad);
            return mismatch;
        }
        final List<String> damaged = new ArrayList<>();
        for (final PackedBlob b : actual) {
            if (!authentic(repo, b, whole, pack)) {
                damaged.add(b.id().toString());
                bad.add(b.id());
            }
        }
        if (!damaged.isEmpty()) {
            return pack + ": " + damaged.size() + " damaged blobs: " + String.join(", ", damaged);
        }
        return hashOk ? null : pack + ": content does not hash to its name";
    }

    private void walk(final Snapshot s, final BlobId tree, final String path, final Set<BlobId> bad,
                      final UsedBlobs used, final Set<BlobId> seen, final List<String> errors) {
        used.add(tree);
        final List<Node> nodes;
        try {
            if (bad.contains(tree)) {
                throw new BackupException("in a damaged pack");
            }
            nodes = Tree.decode(repo.loadBlob(BlobType.TREE, tree), "tree " + tree);
        } catch (BackupException e) {
            errors.add("snapshot " + s.shortId() + " (" + FileNames.display(s.dataset()) + "): directory /"
                    + FileNames.display(path) + ": tree " + tree
                    + ": " + e.getMessage() + "; everything below it is lost in this snapshot");
            return;
        }
        if (!seen.add(tree)) {
            return;
        }
        for (final Node n : nodes) {
            final String p = path.isEmpty() ? n.name() : path + "/" + n.name();
            if (n.type() == NodeType.DIR) {
                walk(s, n.subtree(), p, bad, used, seen, errors);
            } else if (n.type() == NodeType.FILE) {
                boolean reported = false;
                for (final BlobId id : n.content()) {
                    // every blob of a damaged file is still in use: none is offered to prune as unused
                    used.add(id);
                    if (!reported && (bad.contains(id) || !repo.index().has(BlobType.DATA, id))) {
                        errors.add("snapshot " + s.shortId() + " (" + FileNames.display(s.dataset()) + "): file /"
                                + FileNames.display(p) + ": data blob "
                                + id + (bad.contains(id) ? " is damaged" : " is missing"));
                        reported = true;
                    }
                }
            }
        }
    }
}
