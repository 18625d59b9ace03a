package dev.vigil.backup.archiver;

import dev.vigil.backup.BackupException;
import dev.vigil.backup.chunker.Chunker;
import dev.vigil.backup.pack.BlobId;
import dev.vigil.backup.pack.BlobType;
import dev.vigil.backup.repository.HostInfo;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.snapshot.FileNames;
import dev.vigil.backup.snapshot.Node;
import dev.vigil.backup.snapshot.NodeType;
import dev.vigil.backup.snapshot.Snapshot;
import dev.vigil.backup.snapshot.SnapshotStore;
import dev.vigil.backup.snapshot.Tree;
import dev.vigil.backup.snapshot.Xattr;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Backs up a directory tree into a snapshot (restic's archiver). One thread walks the tree in
 * order and compares each entry with the parent snapshot; files that are new or changed go to a
 * pool that reads, chunks, hashes, compresses, encrypts and packs them, while the walk goes on.
 * The pool's queue is bounded and a full queue makes the walker do the work itself, so memory
 * stays bounded whatever the tree's size. Directory trees are stored once their entries are.
 */
public final class Archiver {
    private final Repository repo;
    private final Clock clock;

    /**
     * @param repo an open repository
     * @param clock the time source
     */
    public Archiver(final Repository repo, final Clock clock) {
        this.repo = repo;
        this.clock = clock;
    }

    /**
     * The outcome of a backup.
     *
     * @param snapshot the saved snapshot
     * @param warnings files that could not be read or kept changing
     * @param notes entries recorded that a restore cannot bring back (sockets), a dataset directory on another file
     *     system than at the last snapshot: not a failure
     * @param loss the snapshot before this one, protected because this one lost most of its files or bytes, or null
     */
    public record Result(Snapshot snapshot, List<String> warnings, List<String> notes, Loss loss) {
    }

    /**
     * A backup that lost most of the last snapshot's files or bytes ({@link ArchiveOptions#lossRatio}).
     *
     * @param kept that snapshot, now protected from retention (its id is new when it was not protected before)
     * @param message what was lost and what was kept, for people
     */
    public record Loss(Snapshot kept, String message) {
    }

    /**
     * @param source the dataset directory
     * @param options what and how
     * @param progress live counters, or null
     * @return the snapshot
     * @throws BackupException when the backup fails; a snapshot is written only on success. The packs written whole
     *     are then indexed, and the repository object stores no more blobs: open it again for another backup
     * @throws EmptySourceException when the directory is empty and the dataset's last snapshot had files, unless
     *     {@link ArchiveOptions#allowEmpty}: nothing is written
     */
    public Result backup(final Path source, final ArchiveOptions options, final BackupProgress progress) {
        return backup(source, options, progress, new SnapshotStore(repo).history(options.dataset()));
    }

    /**
     * A backup for a caller that listed the dataset's snapshots already (the worker, which first looks for a snapshot
     * of the same command): each listing reads and decrypts every snapshot file (docs/BENCHMARKS.md).
     *
     * @param source the dataset directory
     * @param options what and how
     * @param progress live counters, or null
     * @param history the dataset's snapshots, oldest first ({@link SnapshotStore#history}), listed under the lock
     *     this backup runs under
     * @return the snapshot
     * @throws BackupException as {@link #backup(Path, ArchiveOptions, BackupProgress)}
     * @throws EmptySourceException as {@link #backup(Path, ArchiveOptions, BackupProgress)}
     */
    public Result backup(final Path source, final ArchiveOptions options, final BackupProgress progress,
                         final List<Snapshot> history) {
        final Instant start = clock.instant();
        final long writtenBefore = repo.bytesWritten();
        final Path given = source.toAbsolutePath().normalize();
        final Path root;
        final Path realRoot;
        final FileStat rootStat;
        try {
            // a dataset root that is a link is followed: the operator named it (links inside it are kept as links)
            root = Files.isSymbolicLink(given) ? given.toRealPath() : given;
            rootStat = FileStat.of(root);
            realRoot = root.toRealPath();
        } catch (IOException e) {
            throw new BackupException("source " + given + ": " + dev.vigil.schemas.IoErrors.reason(e), e);
        }
        if (rootStat.type() != NodeType.DIR) {
            throw new BackupException("source " + root + ": not a directory");
        }
        final Excludes excludes = options.excludes().forRoot(given, root);
        final SnapshotStore snapshots = new SnapshotStore(repo);
        // the loss guard compares with the dataset's last snapshot whatever the level: a FULL of an empty mount point
        // pushes the good snapshots out of retention as surely as an INCREMENTAL does; one listing serves it and the
        // parent
        final Optional<Snapshot> last = SnapshotStore.latest(history, false);
        final Optional<Snapshot> parent = switch (options.level()) {
            case FULL -> Optional.empty();
            case INCREMENTAL -> last;
            case DIFFERENTIAL -> SnapshotStore.latest(history, true);
        };
        final Level level = parent.isEmpty() ? Level.FULL : options.level();
        final boolean moved = last.map(Snapshot::root).map(Snapshot.Root::device)
                .filter(d -> d != rootStat.device()).isPresent();
        if (last.isPresent() && LossGuard.files(last.get()) > 0 && !options.allowEmpty() && isEmpty(root)) {
            throw LossGuard.empty(options.dataset(), root.toString(), last.get(), moved);
        }
        ChangeJournal.Plan plan = null;
        Snapshot.JournalUse journalUse = null;
        if (options.journal() != null) {
            if (level != Level.INCREMENTAL) {
                journalUse = new Snapshot.JournalUse(false, "a " + level + " backup scans the tree", null);
            } else if (moved) {
                // a journal names changes made through the file system it watched, not a mount or unmount under it
                journalUse = new Snapshot.JournalUse(false, "the dataset directory is on another file system than at "
                        + "the parent snapshot", null);
            } else if (!repo.indexErrors().isEmpty()) {
                // the journal's unchanged paths keep the parent's entries unread, whose data may be named only by
                // the damaged index file: a scan compares each file with what the index still names
                journalUse = new Snapshot.JournalUse(false, "an index file is damaged ('vigil repo repair index')",
                        null);
            } else {
                final Snapshot p = parent.get();
                plan = options.journal().plan(options.dataset(), Instant.parse(p.coveredFrom()),
                        options.journalMustReach());
                if (plan.usable() && !(options.excludes().patterns().equals(orNone(p.excludes()))
                        && options.excludes().markers().equals(orNone(p.excludeIfPresent())))) {
                    // The journal names what changed, not what the new patterns now take in or leave out.
                    plan = ChangeJournal.Plan.fallback("the exclude patterns or markers differ from the parent "
                            + "snapshot's");
                }
                journalUse = new Snapshot.JournalUse(plan.usable(), plan.reason(),
                        plan.usable() ? plan.coveredUntil().toString() : null);
                if (!plan.usable()) {
                    plan = null;
                }
            }
        }
        final BackupProgress live = progress != null ? progress
                : new BackupProgress(parent.map(s -> s.figures().bytesTotal()).orElse(0L));
        final Chunker chunker = repo.config().newChunker();
        final int threads = Math.max(1, options.threads());
        final ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(threads * 2), r -> {
                    final Thread t = new Thread(r, "vigil-archiver");
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.CallerRunsPolicy());
        try {
            final TreeWalk walk = new TreeWalk(repo, new FileSaver(repo, chunker, pool, live, realRoot), pool, live, plan,
                    excludes);
            final BlobId tree;
            final List<Xattr> rootXattrs;
            try {
                tree = walk.root(root, parent.map(s -> BlobId.parse(s.tree())).orElse(null)).join();
                repo.flush();
                rootXattrs = walk.xattrs(root, root);
            } catch (CompletionException e) {
                // a failed backup indexes the packs it wrote whole, so that the next run re-uses them
                throw repo.indexWrittenPacksAfter(unwrap(e));
            } catch (RuntimeException e) {
                throw repo.indexWrittenPacksAfter(e);
            }
            final Instant end = clock.instant();
            final Snapshot.SnapshotFigures figures = walk.figures(parent.map(Snapshot::figures).orElse(null),
                    live.bytesRead(), repo.bytesWritten() - writtenBefore, Duration.between(start, end).toMillis());
            final List<String> warnings = walk.warnings();
            final List<String> notes = new ArrayList<>();
            if (moved) {
                notes.add(root + " is on another file system than at the last " + LossGuard.named(last.get())
                        + ": mounted elsewhere, moved, or not mounted?");
            }
            notes.addAll(walk.notes());
            final Loss loss = last.map(l -> lost(snapshots, l, figures, options.lossRatio())).orElse(null);
            // the parent protected has a new id, which this snapshot names
            final String parentId = loss != null && parent.equals(last) ? loss.kept().id()
                    : parent.map(Snapshot::id).orElse(null);
            final Snapshot snapshot = snapshots.save(new Snapshot(null, start.toString(),
                    plan != null ? plan.coveredUntil().toString() : start.toString(), options.host(),
                    HostInfo.userName(), options.dataset(), root.toString(), tree.hex(), level.name(),
                    parentId, options.tags(), options.protect(), options.commandId(),
                    null, journalUse, warnings.isEmpty() ? null : warnings, figures,
                    new Snapshot.Root(rootStat.mode(), rootStat.uid(), rootStat.gid(), rootStat.mtimeNanos(),
                            rootStat.device(), rootXattrs),
                    nullIfNone(options.excludes().patterns()), nullIfNone(options.excludes().markers())));
            return new Result(snapshot, warnings, List.copyOf(notes), loss);
        } finally {
            pool.shutdownNow();
        }
    }

    /** @return the loss, once the last snapshot is protected; null when this backup lost less than the ratio */
    private static Loss lost(final SnapshotStore snapshots, final Snapshot last,
                             final Snapshot.SnapshotFigures figures, final double ratio) {
        final String what = LossGuard.lost(last, figures, ratio);
        if (what == null) {
            return null;
        }
        return loss(last, LossGuard.protect(snapshots, last), what);
    }

    private static Loss loss(final Snapshot last, final Snapshot kept, final String what) {
        return new Loss(kept, "dataset " + last.dataset() + " " + what + ": " + LossGuard.named(kept) + " is protected"
                + (kept.id().equals(last.id()) ? "" : " now (it was " + last.shortId() + ")")
                + ", so that no retention forgets it; 'vigil repo forget --allow-protected " + kept.shortId()
                + "' once it is not needed");
    }

    /**
     * The loss a backup found, for a command run again after a crash that reports the snapshot the first run saved
     * (whose result was never sent): the dataset's snapshot before it, protected, when the backup lost the ratio.
     *
     * @param history the dataset's snapshots, oldest first ({@link SnapshotStore#history})
     * @param done a snapshot a backup saved, one of them
     * @param ratio the loss ratio that backup ran with
     * @return the loss, or null
     */
    public static Loss lossBefore(final List<Snapshot> history, final Snapshot done, final double ratio) {
        final Snapshot before = history.stream().filter(s -> done.dataset().equals(s.dataset()))
                .filter(s -> s.instant().isBefore(done.instant())).reduce((a, b) -> b).orElse(null);
        final String what = before == null || !before.protectedSnapshot() ? null
                : LossGuard.lost(before, done.figures(), ratio);
        return what == null ? null : loss(before, before, what);
    }

    /** @return whether a directory has no entry at all (a mount point of a file system not mounted) */
    private static boolean isEmpty(final Path dir) {
        try (var entries = Files.newDirectoryStream(dir)) {
            return !entries.iterator().hasNext();
        } catch (IOException e) {
            return false; // the walk reports what cannot be listed
        }
    }

    private static List<String> orNone(final List<String> list) {
        return list == null ? List.of() : list;
    }

    private static List<String> nullIfNone(final List<String> list) {
        return list.isEmpty() ? null : list;
    }

    static RuntimeException unwrap(final CompletionException e) {
        Throwable c = e;
        while (c instanceof CompletionException && c.getCause() != null) {
            c = c.getCause();
        }
        if (c instanceof RuntimeException re) {
            return re;
        }
        return new BackupException(c.toString(), c);
    }

    /**
     * @param repo a repository
     * @param tree a parent snapshot's tree id
     * @return its entries; none when an index file is damaged and the index does not name it
     */
    static List<Node> loadTree(final Repository repo, final BlobId tree) {
        if (!repo.indexErrors().isEmpty() && !repo.index().has(BlobType.TREE, tree)) {
            // A parent's directory named only by a damaged index file: compared with nothing, so its files are read
            // and stored again (safe), rather than failing the backup until 'vigil repo repair index' is run.
            return List.of();
        }
        return Tree.decode(repo.loadBlob(BlobType.TREE, tree), "tree " + tree);
    }

    /**
     * @param path a directory
     * @return its entry names, sorted
     * @throws IOException when it cannot be listed
     */
    static List<String> list(final Path path) throws IOException {
        final List<String> names = new ArrayList<>();
        try (var stream = Files.newDirectoryStream(path)) {
            for (final Path p : stream) {
                names.add(FileNames.textOf(p.getFileName()));
            }
        }
        names.sort(null);
        return names;
    }
}
