package dev.vigil.backup.restorer;

import dev.vigil.backup.BackupException;
import dev.vigil.backup.chunker.ZeroChunk;
import dev.vigil.backup.fs.NativeFs;
import dev.vigil.backup.fs.OpenDirectory;
import dev.vigil.backup.fs.ShortPaths;
import dev.vigil.backup.fs.TemporaryFiles;
import dev.vigil.backup.index.MasterIndex;
import dev.vigil.backup.pack.BlobId;
import dev.vigil.backup.pack.BlobType;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.snapshot.FileNames;
import dev.vigil.backup.snapshot.Node;
import dev.vigil.backup.snapshot.NodeType;
import dev.vigil.backup.snapshot.Snapshot;
import dev.vigil.backup.snapshot.Tree;
import dev.vigil.schemas.IoErrors;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Restores a snapshot, or chosen paths of it, into a directory (restic's restorer). One thread
 * walks the trees and creates directories and links; a pool writes file contents, big files in
 * segments written in parallel at their offsets. Every chunk is authenticated as it is read.
 * Metadata (owner when root, the group as a user too, mode, mtime) is set after content, directories last and deepest
 * first. Each file is written beside its target and renamed into place (with overwrite: over the old one) once
 * whole, so a crash leaves either the old file, or none, or the new one, never half of one.
 */
public final class Restorer {
    private static final long SEGMENT = 32L << 20;
    private static final String TMP_PREFIX = ".vigil-restore-";
    /** A temporary file untouched this long belongs to a restore that was killed. */
    private static final long STALE_AFTER_MS = 10 * 60_000L;
    private static final java.util.regex.Pattern STALE_TEMP = java.util.regex.Pattern.compile(
            java.util.regex.Pattern.quote(TMP_PREFIX) + "[0-9a-f]{1,16}");
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));
    private static final String ACCESS_ACL = "system.posix_acl_access";
    private static final String DEFAULT_ACL = "system.posix_acl_default";
    private final Repository repo;
    /** All-zero chunks are holes: not read from the repository. */
    private final ZeroChunk zero;
    private final java.time.Clock clock;

    /** @param repo an open repository */
    public Restorer(final Repository repo) {
        this(repo, java.time.Clock.systemUTC());
    }

    /**
     * @param repo an open repository
     * @param clock tells when a temporary file left in the target is stale
     */
    public Restorer(final Repository repo, final java.time.Clock clock) {
        this.repo = repo;
        this.clock = clock;
        this.zero = new ZeroChunk(repo.config().newChunker(), repo.hasher());
    }

    /**
     * What a restore did.
     *
     * @param files regular files restored
     * @param bytes bytes of file content restored
     * @param warnings entries not restored (sockets, devices) or metadata not applied
     * @param notFound included paths that name nothing in the snapshot
     * @param unrestored files not restored because their data could not be had from the repository, each with why
     *     (nothing of them is left in the target; every other file is restored)
     * @param kept with {@link RestoreOptions#missingOnly()}: entries that existed in the target and were left as they are
     * @param failed entries that could not be written in the target (permission denied, disk full), each with why;
     *     nothing half-written of them is left, and every other entry is restored
     */
    public record Result(long files, long bytes, List<String> warnings, List<String> notFound,
                         List<String> unrestored, long kept, List<String> failed) {
    }

    /**
     * @param snapshot what to restore
     * @param target the directory to restore into (created when missing)
     * @param options paths, overwrite, threads
     * @param bytesDone live counter of restored bytes, or null
     * @return what was restored
     * @throws BackupException on failure
     */
    public Result restore(final Snapshot snapshot, final Path target, final RestoreOptions options,
                          final AtomicLong bytesDone) {
        final int threads = Math.max(1, options.threads());
        final ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(threads * 2), r -> {
                    final Thread t = new Thread(r, "vigil-restorer");
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.CallerRunsPolicy());
        final Run run = new Run(pool, options, bytesDone == null ? new AtomicLong() : bytesDone);
        // Ctrl-C ends the JVM without the finally below: the temporary files of overwrites go then
        final Thread onExit = new Thread(run::stop, "vigil-restore-exit");
        Runtime.getRuntime().addShutdownHook(onExit);
        try {
            if (!run.lookUpIncludes(BlobId.parse(snapshot.tree()))) {
                // nothing asked for is in the snapshot: a refusal, which leaves the target as it was, or makes none
                return new Result(0, 0, List.of(), options.include(), List.of(), 0, List.of());
            }
            // The target itself may be reached through a link (the operator named it); nothing inside it is.
            // A directory that was there is the operator's (a mount point, a sticky /tmp-like place): its own mode,
            // owner and time stay, as restic leaves them; one the restore makes, or overwrites (the dataset's own
            // place), gets the snapshot's root's
            run.refuseTooLong(target, snapshot);
            final boolean made = !Files.exists(target);
            final Path root = Files.createDirectories(target).toRealPath();
            if (made && root.getParent() != null && run.defaultAcl(root.getParent())) {
                run.inheriting.add(root.getParent());
            }
            run.take(root);
            if (!options.missingOnly()) {
                run.refuseConflicts(root, snapshot);
            }
            run.walk(root, "", BlobId.parse(snapshot.tree()), made);
            CompletableFuture.allOf(run.pending.toArray(new CompletableFuture<?>[0])).join();
            // deepest first: while one is given its owner, every directory above it is still the restore's alone
            for (int i = run.dirs.size() - 1; i >= 0; i--) {
                final Map.Entry<Path, Node> d = run.dirs.get(i);
                try (ShortPaths.Reached at = run.paths.reach(d.getKey())) {
                    if (options.overwrite()) {
                        run.dropOtherXattrs(at.path(), d.getValue().xattrs());
                    }
                    run.metadata(at.path(), d.getValue());
                    run.taken.remove(d.getKey());
                } catch (IOException e) {
                    // one directory's mode or time (not its owner's, say), not the others'
                    run.warnings.add(run.shown(d.getKey()) + ": mode, owner or time not restored: "
                            + IoErrors.reason(e));
                }
            }
            run.giveBack();
            if ((made || options.overwrite() || options.resume()) && options.include().isEmpty()
                    && snapshot.root() != null) {
                final Snapshot.Root r = snapshot.root();
                if (options.overwrite() && r.xattrs() != null) {
                    run.dropOtherXattrs(root, r.xattrs());
                }
                run.metadata(root, new Node("", NodeType.DIR, r.mode(), r.uid(), r.gid(), r.mtimeNanos(), 0, 0, 0, 1,
                        0, "", null, List.of()).withXattrs(r.xattrs() == null ? List.of() : r.xattrs()));
            }
            return new Result(run.files.get(), run.bytes.get(), List.copyOf(run.warnings),
                    options.include().stream().filter(i -> !run.found.contains(i)).toList(),
                    run.unrestored.stream().sorted().toList(), run.kept.get(), run.failed.stream().sorted().toList());
        } catch (CompletionException e) {
            final Throwable c = e.getCause() == null ? e : e.getCause();
            throw c instanceof BackupException be ? be : new BackupException("restore to " + target + ": "
                    + (c instanceof IOException io ? IoErrors.describe(io) : c.toString()), c);
        } catch (IOException e) {
            throw new BackupException("restore to " + target + ": " + IoErrors.describe(e), e);
        } finally {
            pool.shutdownNow();
            run.removeTemps();
            run.giveBack();
            run.paths.close(); // last: every path through them is used by now
            try {
                Runtime.getRuntime().removeShutdownHook(onExit);
            } catch (IllegalStateException exiting) {
                // the JVM is exiting: the hook runs
            }
        }
    }

    private final class Run {
        final ThreadPoolExecutor pool;
        final RestoreOptions options;
        final AtomicLong bytesDone;
        final AtomicLong files = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        /**
         * Files being written, and those whose write failed (the end of the restore rethrows it). One that finished is
         * dropped at once: kept, each would hold its path until the end, ~500 bytes of heap per file restored.
         */
        final java.util.Set<CompletableFuture<?>> pending = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final List<Map.Entry<Path, Node>> dirs = new ArrayList<>();
        /** The first entry of each inode with more than one link, by its real path (see {@link ShortPaths#reach}). */
        final Map<String, CompletableFuture<Path>> links = new HashMap<>();
        final List<String> warnings = java.util.Collections.synchronizedList(new ArrayList<>());
        /** With missingOnly: entries that exist in the target, left as they are. */
        final AtomicLong kept = new AtomicLong();
        /** Entries that could not be written in the target, with why. */
        final List<String> failed = java.util.Collections.synchronizedList(new ArrayList<>());
        /** Files whose data the repository could not give, with why. */
        final List<String> unrestored = java.util.Collections.synchronizedList(new ArrayList<>());
        /** The inodes (link keys) whose first file the target refused, each with that file as messages name it. */
        final Map<String, String> unwritten = new java.util.concurrent.ConcurrentHashMap<>();
        /**
         * Directories (by real path) that had a default ACL when the restore entered them: what it makes in them
         * inherits that ACL, which their entries in the snapshot need not have had.
         */
        final java.util.Set<Path> inheriting = java.util.concurrent.ConcurrentHashMap.newKeySet();
        /** Includes that named something in the snapshot. */
        final java.util.Set<String> found = new java.util.HashSet<>();
        /** The includes that name something in the snapshot: the restore makes no directory for the others. */
        List<String> includes;
        /** Temporary files of overwrites not yet renamed into place. */
        final TemporaryFiles temps = new TemporaryFiles();

        /**
         * Directories of the target taken from another user for the restore, with their owner, group and mode before,
         * in the order taken (parents first). Walker thread only.
         */
        final Map<Path, int[]> taken = new java.util.LinkedHashMap<>();
        /** Directories missing-only opened to write what is missing in them, with their mode before. Walker thread only. */
        final Map<Path, Integer> opened = new java.util.LinkedHashMap<>();

        /** Paths past PATH_MAX, a tree nested deep enough, are reached through directories held open while used. */
        final ShortPaths paths = new ShortPaths();

        /** When this run began: a temporary file older than that is not its own. */
        final long started = clock.millis();

        Run(final ThreadPoolExecutor pool, final RestoreOptions options, final AtomicLong bytesDone) {
            this.pool = pool;
            this.options = options;
            this.bytesDone = bytesDone;
            this.includes = options.include();
        }

        /** @return the path as messages name it: not through procfs, where {@link #paths} reaches it so */
        String shown(final Path p) {
            return FileNames.shown(paths.real(p));
        }

        /**
         * @param path a path in the snapshot; an include names it as {@code ls} shows it (bytes that are not UTF-8 as
         *     {@code \xNN})
         * @return 0 skip, 1 restore the whole entry, 2 descend only (an ancestor of an included path)
         */
        int selected(final String path) {
            if (options.include().isEmpty()) {
                return 1;
            }
            // As ls shows it, or as the file system names it (the collector's paths, in a worker's RESTORE)
            final String shown = FileNames.display(path);
            int best = 0;
            for (final String inc : includes) {
                final String i = inc.replaceAll("^/+|/+$", "");
                if (i.isEmpty() || under(shown, i) || under(path, i)) {
                    found.add(inc); // every include that names this path: one inside another is found too
                    best = 1;
                } else if (best == 0 && (i.startsWith(shown + "/") || i.startsWith(path + "/"))) {
                    best = 2;
                }
            }
            return best;
        }

        /**
         * Finds, before anything is written, which includes name something in the snapshot, reading only the trees
         * on their way: an include that names nothing would otherwise leave behind, empty, each directory on its way
         * (a restore refused for naming nothing must leave the target as it was). One whose way passes a tree that
         * cannot be read stays, so that the restore names that directory as not restored.
         *
         * @return whether there is anything to restore: no include, or one that names something
         */
        boolean lookUpIncludes(final BlobId root) {
            if (options.include().isEmpty()) {
                return true;
            }
            lookUp(root, "");
            includes = options.include().stream().filter(found::contains).toList();
            found.clear();
            return !includes.isEmpty();
        }

        private void lookUp(final BlobId tree, final String rel) {
            final List<Node> nodes;
            try {
                nodes = nodes(tree);
            } catch (BackupException e) {
                if (rel.isEmpty()) {
                    throw e; // the snapshot's own listing: nothing can be restored
                }
                found.addAll(sought(rel));
                return;
            }
            for (final Node n : nodes) {
                final String r = rel.isEmpty() ? n.name() : rel + "/" + n.name();
                final int sel = selected(r); // records what it names
                // into an included directory too, for an include inside it ("d" and "d/typo")
                if (sel != 0 && n.type() == NodeType.DIR && !sought(r).isEmpty()) {
                    lookUp(n.subtree(), r);
                }
            }
        }

        /** @return the includes not found yet that name a path below this one */
        private List<String> sought(final String rel) {
            return options.include().stream().filter(inc -> !found.contains(inc)).filter(inc -> {
                final String i = inc.replaceAll("^/+|/+$", "");
                return i.startsWith(FileNames.display(rel) + "/") || i.startsWith(rel + "/");
            }).toList();
        }

        private static boolean under(final String path, final String include) {
            return path.equals(include) || path.startsWith(include + "/");
        }

        /**
         * Without overwrite, a path of the snapshot that exists in the target is refused before anything is written:
         * failing halfway would leave a mix that only an overwrite (of what was meant to be kept) could finish. With
         * overwrite, so is a directory (empty or not) where the snapshot has a file, link or FIFO: a rename cannot
         * replace it, and the restorer never deletes a directory of the target. Anything else at a directory's place
         * is removed, and a file, link or FIFO is replaced by a rename.
         */
        void refuseConflicts(final Path root, final Snapshot snapshot) throws IOException {
            try (java.util.stream.Stream<Path> entries = Files.list(root)) {
                if (entries.findAny().isEmpty()) {
                    return;
                }
            }
            final List<String> conflicts = new ArrayList<>();
            conflicts(root, "", BlobId.parse(snapshot.tree()), conflicts);
            found.clear();
            if (conflicts.isEmpty()) {
                return;
            }
            final String paths = conflicts.size() + (conflicts.size() > 5 ? "+" : "") + " paths of snapshot "
                    + snapshot.shortId();
            final String first = String.join(", ", conflicts.subList(0, Math.min(5, conflicts.size())));
            throw new BackupException(options.overwrite()
                    ? paths + " cannot replace what is in " + root + " (" + first + "); nothing was written: the "
                    + "restorer does not remove directories (remove them, or restore elsewhere)"
                    : paths + " exist already in " + root + " (" + first + "); nothing was written: restore with "
                    + "overwrite to replace them, with missing-only to keep them and restore the rest (it finishes a "
                    + "restore that was stopped: what that wrote is whole), or into an empty directory");
        }

        private void conflicts(final Path dir, final String rel, final BlobId tree, final List<String> out)
                throws IOException {
            final List<Node> nodes = rel.isEmpty() ? nodes(tree) : readable(tree, null);
            for (final Node n : nodes) {
                final String r = rel.isEmpty() ? n.name() : rel + "/" + n.name();
                final int sel = selected(r);
                if (sel == 0 || (sel == 2 && n.type() != NodeType.DIR) || out.size() > 5) {
                    continue;
                }
                final Path p = FileNames.resolve(dir, n.name());
                final boolean isDir = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
                if (n.type() == NodeType.DIR && isDir) {
                    final Path in = paths.within(p);
                    try {
                        conflicts(in, r, n.subtree(), out);
                    } finally {
                        paths.release(in);
                    }
                } else if (options.overwrite()) {
                    if (isDir && kind(n.type()) != null) {
                        out.add("/" + FileNames.display(r) + ": a directory where the snapshot has a "
                                + kind(n.type()));
                    }
                } else if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.add("/" + FileNames.display(r)); // also a link or a file where the snapshot has a directory
                }
            }
        }

        /**
         * Without procfs no path past PATH_MAX can be written ({@link ShortPaths}): a snapshot (or the includes of it)
         * with one under this target is refused before anything is written, rather than restored without those
         * entries, which only the list of failures at the end would tell.
         */
        void refuseTooLong(final Path target, final Snapshot snapshot) throws IOException {
            if (OpenDirectory.byDescriptor()) {
                return;
            }
            Path at = target.toAbsolutePath().normalize();
            while (!Files.exists(at)) {
                at = at.getParent();
            }
            final Path real = at.toRealPath().resolve(at.relativize(target.toAbsolutePath().normalize()));
            final String deep = tooLong(FileNames.bytesOf(real).length, "", BlobId.parse(snapshot.tree()));
            found.clear();
            if (deep != null) {
                final String shown = FileNames.display(deep);
                final int bytes = FileNames.bytesOf(real).length + 1 + FileNames.encode(deep).length;
                throw new BackupException("restore to " + real + ": /" + (shown.length() > 120
                        ? shown.substring(0, 40) + "..." + shown.substring(shown.length() - 60) : shown)
                        + (ShortPaths.fits(FileNames.bytesOf(real).length, FileNames.encode(deep).length)
                        ? " (" + bytes + " bytes there) is written through a temporary file beside it whose path passes"
                        : " would be " + bytes + " bytes long there, past")
                        + " Linux's PATH_MAX (4096), and such paths are written through "
                        + "procfs (/proc/self/fd), which is not mounted here; nothing was written: mount it (mount -t "
                        + "proc proc /proc), or leave the deep paths out with --include");
            }
        }

        /** @return the first path of the tree whose entry, or its temporary file, does not fit; null when all do */
        private String tooLong(final int dirBytes, final String rel, final BlobId tree) {
            for (final Node n : rel.isEmpty() ? nodes(tree) : readable(tree, null)) {
                final String r = rel.isEmpty() ? n.name() : rel + "/" + n.name();
                final int sel = selected(r);
                if (sel == 0 || (sel == 2 && n.type() != NodeType.DIR)) {
                    continue;
                }
                final int name = FileNames.encode(n.name()).length;
                // a file is written beside its place first, and so is any other entry with overwrite
                final boolean beside = n.type() == NodeType.FILE || options.overwrite() && n.type() != NodeType.DIR;
                if (!ShortPaths.fits(dirBytes, beside ? Math.max(name, TMP_PREFIX.length() + 16) : name)) {
                    return r;
                }
                if (n.type() == NodeType.DIR) {
                    final String deeper = tooLong(dirBytes + 1 + name, r, n.subtree());
                    if (deeper != null) {
                        return deeper;
                    }
                }
            }
            return null;
        }

        /** {@link #dir} through the path {@link #paths} gives it, held while it and the files written in it use it. */
        void walk(final Path dir, final String rel, final BlobId tree, final boolean made) throws IOException {
            final Path in = paths.within(dir);
            try {
                dir(in, rel, tree, made);
            } finally {
                paths.release(in);
            }
        }

        void dir(final Path dir, final String rel, final BlobId tree, final boolean made) throws IOException {
            if (!made) {
                removeStaleTemps(dir);
            }
            // one this restore made holds only what it inherited from its parent: its own metadata comes at the end
            final Path real = paths.real(dir);
            if (made ? real.getParent() != null && inheriting.contains(real.getParent()) : defaultAcl(dir)) {
                inheriting.add(real);
            }
            // A directory's listing that cannot be had loses that directory's contents, not the whole restore
            final List<Node> nodes = rel.isEmpty() ? nodes(tree) : readable(tree, rel);
            for (final Node n : nodes) {
                final String r = rel.isEmpty() ? n.name() : rel + "/" + n.name();
                final int sel = selected(r);
                if (sel == 0 || (sel == 2 && n.type() != NodeType.DIR)) {
                    continue;
                }
                final Path p = FileNames.resolve(dir, n.name());
                final boolean exists = options.missingOnly() && Files.exists(p, LinkOption.NOFOLLOW_LINKS);
                if (exists && (n.type() != NodeType.DIR || !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))) {
                    kept.incrementAndGet(); // put back since it was deleted, maybe edited: not ours to replace
                    continue;
                }
                try {
                    switch (n.type()) {
                        case DIR -> {
                            final boolean fresh = directory(p);
                            take(p);
                            if (!exists || options.resume()) {
                                dirs.add(Map.entry(paths.real(p), n)); // set at the end, when p may lead elsewhere
                            }
                            writable(p, exists && !options.resume());
                            walk(p, r, n.subtree(), fresh);
                        }
                        case FILE -> file(p, n);
                        case SYMLINK -> symlink(p, n);
                        case FIFO -> fifo(p, n, r);
                        case CHARDEV, BLOCKDEV -> device(p, n, r);
                        default -> warnings.add(FileNames.display(r) + ": " + n.type().name().toLowerCase()
                                + " not restored (a socket; or a FIFO or device in a tree written before trees knew "
                                + "them)");
                    }
                } catch (IOException e) {
                    // this entry (a directory: with what it holds), not the restore: restic goes on too
                    failed.add("/" + FileNames.display(r) + ": cannot write: " + IoErrors.reason(e));
                }
            }
        }

        /**
         * As root, a directory of the target that another user owns or may write (root's sticky ones aside: only
         * what is theirs in it can be renamed) is taken (owner root, mode 0700)
         * before anything is written in it, and given back at the end. Its owner could otherwise rename a directory
         * of it away and put a link to /etc in its place while the restore runs, and every file written below, as
         * root, with the snapshot's owner and mode, would land in /etc. Paths are resolved again at each write; the
         * directories above this one are the restore's own or taken already, so once it is taken no one else can
         * change what its names lead to.
         */
        void take(final Path dir) throws IOException {
            if (!ROOT) {
                return; // a restore as a user can only write where that user may: nothing to gain by misleading it
            }
            final Map<String, Object> a = Files.readAttributes(dir, "unix:uid,gid,mode", LinkOption.NOFOLLOW_LINKS);
            final int uid = (Integer) a.get("uid");
            final int mode = (Integer) a.get("mode");
            // others may write in a sticky directory of root's (/tmp), but not rename or remove what is not theirs
            if (uid == 0 && ((mode & 0022) == 0 || (mode & 01000) != 0)) {
                return;
            }
            // the owner first: once it is root, its former owner can no longer change the mode back
            Files.setAttribute(dir, "unix:uid", 0, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(dir, "unix:gid", 0, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(dir, "unix:mode", 0700, LinkOption.NOFOLLOW_LINKS);
            taken.putIfAbsent(paths.real(dir), new int[] {uid, (Integer) a.get("gid"), mode & 07777});
        }

        /**
         * Gives the directories taken and not given the snapshot's metadata their owner and mode back, deepest first,
         * and those missing-only opened their mode.
         */
        void giveBack() {
            final List<Map.Entry<Path, Integer>> shut = new ArrayList<>(opened.entrySet());
            opened.clear();
            for (int i = shut.size() - 1; i >= 0; i--) {
                try (ShortPaths.Reached at = paths.reach(shut.get(i).getKey())) {
                    Files.setAttribute(at.path(), "unix:mode", shut.get(i).getValue(), LinkOption.NOFOLLOW_LINKS);
                } catch (IOException e) {
                    warnings.add(shown(shut.get(i).getKey()) + ": mode not given back after the restore: "
                            + IoErrors.reason(e));
                }
            }
            final List<Map.Entry<Path, int[]>> back = new ArrayList<>(taken.entrySet());
            taken.clear();
            for (int i = back.size() - 1; i >= 0; i--) {
                final Path dir = back.get(i).getKey();
                final int[] was = back.get(i).getValue();
                try (ShortPaths.Reached at = paths.reach(dir)) {
                    Files.setAttribute(at.path(), "unix:uid", was[0], LinkOption.NOFOLLOW_LINKS);
                    Files.setAttribute(at.path(), "unix:gid", was[1], LinkOption.NOFOLLOW_LINKS);
                    Files.setAttribute(at.path(), "unix:mode", was[2], LinkOption.NOFOLLOW_LINKS); // after chown, which may clear bits
                } catch (IOException e) {
                    warnings.add(shown(dir) + ": owner or mode not given back after the restore: "
                            + IoErrors.reason(e));
                }
            }
        }

        /**
         * With overwrite, a directory of the target that its owner made read-only (mode 0555) is opened for writing
         * while the restore writes into it: the pass over directories at the end gives it the snapshot's mode again.
         * One closed to reading (000, or 0300, a drop box) is opened for reading too: the restore lists it (for a
         * killed run's temporary files), and the JDK's chmod of the last pass opens it first. With missing-only, a
         * directory that was there keeps its own metadata: what is missing is written in, then its mode given back.
         *
         * @param kept a directory that was there, whose metadata missing-only keeps
         */
        private void writable(final Path dir, final boolean kept) {
            if (!(options.overwrite() || kept)
                    || Files.isWritable(dir) && Files.isReadable(dir) && Files.isExecutable(dir)) {
                return;
            }
            try {
                final java.util.Set<java.nio.file.attribute.PosixFilePermission> mode =
                        Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
                if (kept) {
                    // the whole mode, setgid and sticky bits too, which a set of permissions leaves out
                    opened.putIfAbsent(paths.real(dir), (Integer) Files.getAttribute(dir, "unix:mode",
                            LinkOption.NOFOLLOW_LINKS) & 07777);
                }
                mode.add(java.nio.file.attribute.PosixFilePermission.OWNER_READ);
                mode.add(java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
                mode.add(java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE);
                Files.setPosixFilePermissions(dir, mode);
            } catch (IOException | UnsupportedOperationException e) {
                // not its owner: each file it holds fails, named
            }
        }

        private List<Node> nodes(final BlobId tree) {
            return Tree.decode(repo.loadBlob(BlobType.TREE, tree), "tree " + tree);
        }

        /**
         * @param rel the directory's path in the snapshot, to name it among the unrestored; null to say nothing
         * @return the directory's entries, or none when its tree cannot be had from the repository (restic skips such
         *     a directory too and restores the rest)
         */
        private List<Node> readable(final BlobId tree, final String rel) {
            try {
                return nodes(tree);
            } catch (BackupException e) {
                if (rel != null) {
                    unrestored.add("/" + FileNames.display(rel) + "/: what it held is not restored, its listing "
                            + "cannot be read: " + e.getMessage());
                }
                return List.of();
            }
        }

        /**
         * Makes a directory of the snapshot, never through a link: a link at its place (which could point outside
         * the target) or a file is refused, or with overwrite removed (the link only, never what it points to).
         *
         * @return whether it made the directory: nothing of an earlier run can be in it
         */
        boolean directory(final Path p) throws IOException {
            try {
                Files.createDirectory(p); // mkdir(2) fails on a link too: it never follows one
                return true;
            } catch (FileAlreadyExistsException e) {
                // something is there: a directory to restore into, or what the checks below refuse or replace
            }
            final boolean link = Files.isSymbolicLink(p);
            if (link || !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                if (!options.overwrite()) {
                    throw new BackupException(shown(p) + ": exists already as a " + (link ? "symbolic link" : "file")
                            + " where the snapshot has a directory (restore with overwrite to replace it)");
                }
                Files.delete(p);
                Files.createDirectory(p);
                return true;
            }
            return false;
        }

        <T> CompletableFuture<T> track(final CompletableFuture<T> f) {
            pending.add(f);
            f.thenRun(() -> pending.remove(f));
            return f;
        }

        /** Writes a file; its tasks hold the descriptor its directory is reached through, if any, until they end. */
        void file(final Path p, final Node n) throws IOException {
            paths.retain(p);
            final CompletableFuture<?> tasks;
            try {
                tasks = fileTasks(p, n);
            } catch (IOException | RuntimeException e) {
                paths.release(p);
                throw e;
            }
            if (tasks == null) {
                paths.release(p);
            } else {
                tasks.whenComplete((v, e) -> paths.release(p));
            }
        }

        /** @return the tasks that write it, or null when there are none */
        private CompletableFuture<?> fileTasks(final Path p, final Node n) throws IOException {
            if (n.links() > 1) {
                final String key = linkKey(n);
                final CompletableFuture<Path> first = links.get(key);
                if (first != null) {
                    return track(first.thenAccept(src -> {
                        if (src == null) {
                            // the repository is not to blame when the target refused the first (the operator
                            // would be sent to check it): this one is as unwritten as that one
                            final String refused = unwritten.get(key);
                            if (refused != null) {
                                failed.add(shown(p) + ": cannot write: a hard link to " + refused
                                        + ", which could not be written");
                            } else {
                                unrestored.add(shown(p) + ": a hard link to a file that could not be restored");
                            }
                            return;
                        }
                        try (ShortPaths.Reached at = paths.reach(src)) {
                            replace(p, NodeType.FILE, tmp -> Files.createLink(tmp, at.path()));
                        } catch (IOException e) {
                            throw new CompletionException(e);
                        }
                    }));
                }
            }
            // Written beside and renamed into place once whole, with overwrite or not: a kill leaves no file cut short
            // at its real name, only a temporary file that the next run removes.
            final Path out = p.resolveSibling(TMP_PREFIX + Long.toHexString(ThreadLocalRandom.current().nextLong()));
            final List<List<BlobId>> segments = new ArrayList<>();
            final List<Long> starts = new ArrayList<>();
            long offset = 0;
            long segmentStart = 0;
            List<BlobId> segment = new ArrayList<>();
            for (final BlobId id : n.content()) {
                final MasterIndex.Location loc = repo.index().lookup(BlobType.DATA, id);
                if (loc == null) {
                    unrestored.add(shown(p) + ": data blob " + id + " is not in the index (run 'vigil repo "
                            + "check')");
                    if (n.links() > 1) {
                        links.put(linkKey(n), CompletableFuture.completedFuture(null));
                    }
                    return null;
                }
                segment.add(id);
                offset += loc.blob().rawLength();
                if (offset - segmentStart >= SEGMENT) {
                    segments.add(segment);
                    starts.add(segmentStart);
                    segment = new ArrayList<>();
                    segmentStart = offset;
                }
            }
            if (!segment.isEmpty() || segments.isEmpty()) {
                segments.add(segment);
                starts.add(segmentStart);
            }
            final CompletableFuture<Path> done;
            if (segments.size() == 1) {
                // The common case: one task creates, writes and finishes the file with a single open.
                done = CompletableFuture.supplyAsync(() -> {
                    try (FileChannel ch = create(out)) {
                        count(FileWriter.write(repo, zero, ch, segments.get(0), 0));
                        FileWriter.extend(ch, n.size());
                    } catch (IOException e) {
                        throw new CompletionException(new BackupException(shown(p) + ": cannot write: "
                                + IoErrors.reason(e), e));
                    }
                    return finish(p, out, n);
                }, pool);
            } else {
                create(out).close();
                final List<CompletableFuture<Long>> parts = new ArrayList<>();
                for (int i = 0; i < segments.size(); i++) {
                    parts.add(writeAsync(out, segments.get(i), starts.get(i)));
                }
                done = CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
                    try (FileChannel ch = FileChannel.open(out, StandardOpenOption.WRITE)) {
                        FileWriter.extend(ch, n.size());
                    } catch (IOException e) {
                        throw new CompletionException(e);
                    }
                    return finish(p, out, n);
                });
            }
            final CompletableFuture<Path> restored = done.exceptionally(e -> {
                final Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                final IOException gone = discard(out); // nothing half-written stays
                if (c instanceof UnrestorableDataException) {
                    if (gone != null) {
                        warnings.add(shown(out) + ": partial file not removed: " + gone.getMessage());
                    }
                    unrestored.add(shown(p) + ": " + c.getMessage());
                    return null;
                }
                if (gone != null) {
                    c.addSuppressed(gone);
                }
                if (!(c instanceof IOException || c.getCause() instanceof IOException)) {
                    throw e instanceof CompletionException ce ? ce : new CompletionException(c);
                }
                // the target refused it (permission, a full disk): this file, not the restore
                final IOException io = c instanceof IOException x ? x : (IOException) c.getCause();
                failed.add(shown(p) + ": cannot write: " + IoErrors.reason(io));
                if (n.links() > 1) {
                    unwritten.put(linkKey(n), shown(p)); // before the links to it read it: they wait for this
                }
                return null;
            });
            if (n.links() > 1) {
                links.put(linkKey(n), restored);
            }
            return track(restored);
        }

        /** @return the temporary file a file's content is written to, open; it takes its place in {@link #finish} */
        FileChannel create(final Path out) throws IOException {
            return temps.create(out, () -> FileChannel.open(out, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE));
        }

        /** @return why a failed file's temporary file could not be removed, or null once it is gone */
        private IOException discard(final Path out) {
            try {
                Files.deleteIfExists(out);
                temps.done(out);
                return null;
            } catch (IOException e) {
                return e;
            }
        }

        void count(final long n) {
            bytes.addAndGet(n);
            bytesDone.addAndGet(n);
        }

        Path finish(final Path p, final Path out, final Node n) {
            try {
                metadata(out, p, n);
                try {
                    move(out, p, shown(p), NodeType.FILE, options.overwrite());
                } catch (FileAlreadyExistsException e) {
                    throw new BackupException(shown(p) + ": exists already (restore with overwrite to replace it)");
                }
                temps.done(out);
                files.incrementAndGet();
                return paths.real(p); // a hard link's source, linked to when p may lead elsewhere
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }

        CompletableFuture<Long> writeAsync(final Path out, final List<BlobId> chunks, final long offset) {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    final long n = FileWriter.write(repo, zero, out, chunks, offset);
                    count(n);
                    return n;
                } catch (IOException e) {
                    throw new CompletionException(new BackupException(shown(out) + ": cannot write: "
                            + IoErrors.reason(e), e));
                }
            }, pool);
        }

        /**
         * A symlink, FIFO or device that shares its inode with one restored before it (cp -al, rsnapshot: every
         * entry of a tree linked, not only regular files) becomes a hard link to it, as in the source; it is made at
         * once, on this thread, so the one before is there.
         *
         * @return whether it was made as such a link (its metadata is the other's)
         */
        boolean linkedToEarlier(final Path p, final Node n) throws IOException {
            if (n.links() <= 1) {
                return false;
            }
            final CompletableFuture<Path> first = links.putIfAbsent(linkKey(n),
                    CompletableFuture.completedFuture(paths.real(p)));
            final Path src = first == null ? null : first.getNow(null);
            if (src == null) {
                return false; // the first, or one whose first could not be made: made on its own
            }
            try (ShortPaths.Reached at = paths.reach(src)) {
                if (!Files.exists(at.path(), LinkOption.NOFOLLOW_LINKS)) {
                    return false;
                }
                replace(p, n.type(), tmp -> Files.createLink(tmp, at.path())); // link(2) does not follow a symlink
            }
            return true;
        }

        void symlink(final Path p, final Node n) throws IOException {
            if (linkedToEarlier(p, n)) {
                return;
            }
            // symlink(2) with the target's bytes: a Java Path would drop a "//" or a trailing "/" from it
            replace(p, NodeType.SYMLINK, tmp -> NativeFs.symlink(tmp, FileNames.encode(n.linkTarget())));
            try {
                NativeFs.setMtime(p, n.mtimeNanos()); // the JDK's lutimes would drop the nanoseconds
            } catch (IOException e) {
                warnings.add(shown(p) + ": link time not restored: " + e.getMessage());
            }
            ownership(p, n);
            xattrs(p, n);
        }

        void fifo(final Path p, final Node n, final String rel) throws IOException {
            try {
                if (linkedToEarlier(p, n)) {
                    return;
                }
                replace(p, NodeType.FIFO, tmp -> NativeFs.mkfifo(tmp, n.mode()));
                ownership(p, n); // lchown: the JDK does not open the file for it
                xattrs(p, n);
                dropInheritedAcls(p, p, n);
                NativeFs.chmod(p, n.mode());
                NativeFs.setMtime(p, n.mtimeNanos());
            } catch (IOException e) {
                // a file system without FIFOs, or no C library: one entry, not the whole restore
                warnings.add(FileNames.display(rel) + ": FIFO not restored: " + e.getMessage());
            }
        }

        void device(final Path p, final Node n, final String rel) {
            try {
                if (linkedToEarlier(p, n)) {
                    return;
                }
                replace(p, n.type(), tmp -> NativeFs.mknod(tmp, n.type() == NodeType.CHARDEV, n.mode(), n.size()));
                ownership(p, n);
                xattrs(p, n);
                dropInheritedAcls(p, p, n);
                NativeFs.chmod(p, n.mode());
                NativeFs.setMtime(p, n.mtimeNanos());
            } catch (IOException e) {
                // not root (EPERM), or a file system mounted nodev: one entry, not the whole restore
                warnings.add(FileNames.display(rel) + ": device " + n.deviceNumber() + " not restored: "
                        + e.getMessage());
            }
        }

        void replace(final Path p, final NodeType type, final IoAction create) throws IOException {
            if (!options.overwrite()) {
                try {
                    create.apply(p);
                } catch (FileAlreadyExistsException e) {
                    throw new BackupException(shown(p) + ": exists already (restore with overwrite to replace it)");
                }
                return;
            }
            final Path tmp = p.resolveSibling(TMP_PREFIX + Long.toHexString(ThreadLocalRandom.current().nextLong()));
            temps.create(tmp, () -> {
                create.apply(tmp);
                return null;
            });
            move(tmp, p, shown(p), type);
            temps.done(tmp); // on a failure it stays, for removeTemps
        }

        /**
         * When the JVM is stopped (Ctrl-C, SIGTERM; the finally of the restore does not run then): no temporary file
         * is created from now on, writes in progress get a moment to end, and the temporary files left are removed.
         */
        void stop() {
            temps.refuseNew();
            pool.shutdownNow();
            try {
                pool.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            temps.removeAll();
        }

        /**
         * Removes what a restore killed in this directory left (kill -9 runs no cleanup): its temporary files, by their
         * exact name pattern, and only those untouched for {@link #STALE_AFTER_MS} (by ctime, which every write,
         * chmod and time setting moves), so that a restore running beside this one keeps its own; after a killed run
         * of this one with none beside ({@link RestoreOptions#afterAKill()}), all that are older than this run.
         */
        void removeStaleTemps(final Path dir) throws IOException {
            final long before = options.afterAKill() ? started : clock.millis() - STALE_AFTER_MS;
            try (java.nio.file.DirectoryStream<Path> s = Files.newDirectoryStream(dir, TMP_PREFIX + "*")) {
                for (final Path p : s) {
                    if (STALE_TEMP.matcher(p.getFileName().toString()).matches()
                            && !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                            && ((FileTime) Files.getAttribute(p, "unix:ctime", LinkOption.NOFOLLOW_LINKS))
                            .toMillis() < before) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }

        /**
         * Once the pool is shut down: after a failure, writes still running are stopped by the interruption and
         * waited for, so that none leaves a temporary file after this removed them.
         */
        void removeTemps() {
            try {
                pool.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            temps.removeAll();
        }

        void metadata(final Path p, final Node n) throws IOException {
            metadata(p, p, n);
        }

        /** @param named the path its warnings name: the file's, where p is the temporary file written in its place */
        void metadata(final Path p, final Path named, final Node n) throws IOException {
            ownership(p, named, n);
            xattrs(p, named, n); // after the owner (chown clears a file's capabilities), before a mode that may forbid writing
            dropInheritedAcls(p, named, n);
            Files.setAttribute(p, "unix:mode", n.mode(), LinkOption.NOFOLLOW_LINKS);
            try {
                // utimensat: the JDK's setter turns a time before 1970 with a fraction of a second into 1970-01-01
                // (it passes a negative tv_nsec, gets EINVAL and retries with 0)
                NativeFs.setMtime(p, n.mtimeNanos());
            } catch (IOException e) {
                if (!(e.getCause() instanceof LinkageError)) {
                    throw e;
                }
                Files.setLastModifiedTime(p, FileTime.from(n.mtimeNanos(), TimeUnit.NANOSECONDS));
            }
        }

        /**
         * Removes from a directory that was there the extended attributes the snapshot does not give it: the restore
         * puts it back as it was, and an attribute added since may be a grant (a POSIX ACL) that the snapshot never
         * made. {@code security.*} stays: the system sets those (SELinux labels), not the directory's owner.
         */
        void dropOtherXattrs(final Path p, final List<dev.vigil.backup.snapshot.Xattr> keep) {
            try {
                for (final dev.vigil.backup.snapshot.Xattr x : NativeFs.xattrs(p)) {
                    if (!x.name().startsWith("security.")
                            && keep.stream().noneMatch(k -> k.name().equals(x.name()))) {
                        NativeFs.removeXattr(p, x.name());
                    }
                }
            } catch (IOException e) {
                warnings.add(shown(p) + ": extended attributes the snapshot does not have not removed: "
                        + e.getMessage());
            }
        }

        void xattrs(final Path p, final Node n) {
            xattrs(p, p, n);
        }

        /** @return whether the directory has a default ACL, which what is made in it inherits */
        boolean defaultAcl(final Path dir) {
            try {
                return NativeFs.xattrs(dir).stream().anyMatch(x -> x.name().equals(DEFAULT_ACL));
            } catch (IOException e) {
                return false; // no extended attributes here, or no C library: nothing to inherit
            }
        }

        /**
         * Removes from an entry the restore made the POSIX ACLs it inherited from a directory's default ACL (made
         * there by the restore, or by the operator) and its snapshot's entry did not have: a restored file would
         * otherwise grant what the original did not (a default ACL's named users, within the group bits of its mode).
         *
         * @param p the entry, maybe its temporary file
         * @param named the entry as messages name it (its parent tells whether it inherited)
         */
        void dropInheritedAcls(final Path p, final Path named, final Node n) {
            if (inheriting.isEmpty()) {
                return;
            }
            final Path real = paths.real(named);
            if (real.getParent() == null || !inheriting.contains(real.getParent())) {
                return;
            }
            for (final String acl : n.type() == NodeType.DIR ? List.of(ACCESS_ACL, DEFAULT_ACL) : List.of(ACCESS_ACL)) {
                if (n.xattrs().stream().noneMatch(x -> x.name().equals(acl))) {
                    try {
                        NativeFs.removeXattr(p, acl);
                    } catch (IOException e) {
                        warnings.add(shown(named) + ": ACL inherited from its directory (" + acl + ") not removed: "
                                + why(e));
                    }
                }
            }
        }

        /** Sets what extended attributes it can; one that is not permitted or not supported here is a warning. */
        void xattrs(final Path p, final Path named, final Node n) {
            for (final dev.vigil.backup.snapshot.Xattr x : n.xattrs()) {
                try {
                    NativeFs.setXattr(p, x);
                } catch (IOException e) {
                    warnings.add(shown(named) + ": extended attribute " + x.name() + " not restored: " + why(e));
                }
            }
        }

        void ownership(final Path p, final Node n) {
            ownership(p, p, n);
        }

        void ownership(final Path p, final Path named, final Node n) {
            if (!ROOT) {
                try {
                    // a group of this user's comes back, as with cp -a, rsync -a and restic; another is refused
                    Files.setAttribute(p, "unix:gid", n.gid(), LinkOption.NOFOLLOW_LINKS);
                } catch (IOException | UnsupportedOperationException e) {
                    // silently, as with them: what a user restores is theirs, in their own group
                }
                return;
            }
            try {
                Files.setAttribute(p, "unix:uid", n.uid(), LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(p, "unix:gid", n.gid(), LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                warnings.add(shown(named) + ": owner not restored: " + why(e));
            } catch (UnsupportedOperationException e) {
                warnings.add(shown(named) + ": owner not restored: " + e.getMessage());
            }
        }
    }

    /**
     * @return why a call failed, without the path it was given (a temporary file's, or one through procfs), which the
     *     warning names as the operator knows it
     */
    private static String why(final IOException e) {
        return e instanceof java.nio.file.FileSystemException || e.getCause() == null ? IoErrors.reason(e)
                : e.getCause().getMessage();
    }

    /** @return the type as messages name it, for the types renamed over their place; null for the others */
    /** @return what the entries of one inode share: their file system and inode number, hard links to each other */
    private static String linkKey(final Node n) {
        return n.device() + ":" + n.inode();
    }

    private static String kind(final NodeType type) {
        return switch (type) {
            case FILE -> "file";
            case SYMLINK -> "symlink";
            case FIFO -> "FIFO";
            case CHARDEV, BLOCKDEV -> "device";
            default -> null;
        };
    }

    /** The directory check repeats the one before the restore, for a directory made since. */
    private static void move(final Path from, final Path to, final String shown, final NodeType type)
            throws IOException {
        move(from, to, shown, type, true);
    }

    /** @param replace whether an entry at {@code to} is replaced; without, it is refused (FileAlreadyExistsException) */
    private static void move(final Path from, final Path to, final String shown, final NodeType type,
                             final boolean replace) throws IOException {
        if (Files.isDirectory(to, LinkOption.NOFOLLOW_LINKS)) {
            Files.deleteIfExists(from);
            throw new BackupException(shown + ": a directory where the snapshot has a " + kind(type) + "; it is left as "
                    + "it is (remove it, or restore elsewhere)");
        }
        if (!replace) {
            Files.move(from, to); // rename(2) would replace a file put there meanwhile: checked first, as conflicts were
            return;
        }
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @FunctionalInterface
    private interface IoAction {
        void apply(Path p) throws IOException;
    }
}
