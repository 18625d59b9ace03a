package dev.vigil.backup.archiver;

import dev.vigil.backup.BackupException;
import dev.vigil.backup.fs.NativeFs;
import dev.vigil.backup.fs.OpenDirectory;
import dev.vigil.backup.pack.BlobId;
import dev.vigil.backup.pack.BlobType;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.snapshot.FileNames;
import dev.vigil.backup.snapshot.Node;
import dev.vigil.backup.snapshot.NodeType;
import dev.vigil.backup.snapshot.Snapshot;
import dev.vigil.backup.snapshot.Tree;
import dev.vigil.backup.snapshot.Xattr;
import dev.vigil.schemas.IoErrors;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One backup's walk: compares each directory with the parent's tree, reuses unchanged files,
 * hands the rest to the {@link FileSaver}, and stores each directory's tree once its entries are
 * known. With a usable change journal it lists only directories the journal touches and reuses
 * the parent's subtrees for the rest.
 *
 * <p>Each directory is entered through its parent's open descriptor ({@link OpenDirectory}) and its entries are
 * stat'ed, read and opened through its own: a directory replaced by a link (to {@code /etc}, by a user who owns its
 * parent, racing a backup run as root) between the parent's listing and its own is not entered, and nothing of what
 * the link leads to is recorded.
 */
final class TreeWalk {
    /** At most this many large files are started before the walk (they keep every core busy already). */
    private static final int EARLY_FILES = 8;
    private final Repository repo;
    private final FileSaver saver;
    private final Executor pool;
    private final BackupProgress progress;
    private final ChangeJournal.Plan plan;
    private final Excludes excludes;
    private final Set<String> dirty = new HashSet<>();
    private final Map<String, Node> movedDirs = new ConcurrentHashMap<>();
    private final AtomicLong filesNew = new AtomicLong();
    private final AtomicLong filesChanged = new AtomicLong();
    private final AtomicLong filesUnchanged = new AtomicLong();
    private final AtomicLong filesRemoved = new AtomicLong();
    private final AtomicLong filesTorn = new AtomicLong();
    /** Set when the C library cannot be loaded: extended attributes are then not read at all. */
    private volatile boolean xattrsUnavailable;
    private final AtomicLong bytesTotal = new AtomicLong();
    private final AtomicLong bytesDelta = new AtomicLong();
    private final ConcurrentLinkedQueue<String> warnings = new ConcurrentLinkedQueue<>();
    /** What is recorded as it is but cannot be restored (sockets): said, but no failure. */
    private final ConcurrentLinkedQueue<String> notes = new ConcurrentLinkedQueue<>();
    /**
     * The parent's trees met while resolving the journal's paths: thousands of deleted paths share a few
     * directories, and each tree is decrypted and decoded once instead of once per path (and once more by
     * the walk, which takes it from here).
     */
    private final Map<BlobId, List<Node>> parentTrees = new ConcurrentHashMap<>();
    /** Large files the journal names, started before the walk reaches them (relative path → save). */
    private final Map<String, EarlyStart> early = new ConcurrentHashMap<>();

    private record EarlyStart(FileStat stat, CompletableFuture<FileSaver.FileContent> content) {
    }

    /** The repository's own directory when it is on this machine, else null: never backed up. */
    private final FileStat repository;

    private static FileStat statOf(final Path dir) {
        try {
            // the directory itself, also when the repository was named through a link
            return dir == null ? null : FileStat.of(dir.toRealPath());
        } catch (IOException e) {
            return null;
        }
    }

    TreeWalk(final Repository repo, final FileSaver saver, final Executor pool, final BackupProgress progress,
             final ChangeJournal.Plan plan, final Excludes excludes) {
        this.repo = repo;
        this.excludes = excludes;
        this.saver = saver;
        this.pool = pool;
        this.progress = progress;
        this.plan = plan;
        this.repository = statOf(repo.backend().localRoot());
        if (plan != null) {
            // Every ancestor of a named path must be listed again; everything else is the parent's.
            for (final String p : plan.changed()) {
                addWithAncestors(p);
            }
            for (final String p : plan.deleted()) {
                addWithAncestors(p);
            }
        }
    }

    private void addWithAncestors(final String path) {
        String p = path;
        while (dirty.add(p)) {
            final int slash = p.lastIndexOf('/');
            if (slash < 0) {
                break;
            }
            p = p.substring(0, slash);
        }
    }

    CompletableFuture<BlobId> root(final Path root, final BlobId parentTree) {
        final OpenDirectory top;
        try {
            top = OpenDirectory.open(root);
        } catch (IOException e) {
            throw new BackupException("directory " + root + ": cannot list: " + IoErrors.reason(e), e);
        }
        if (!OpenDirectory.byDescriptor()) {
            notes.add("directories walked by path (no Linux procfs here): a directory replaced by a link during the "
                    + "backup may be entered; files are still not read through it");
        }
        if (plan != null && parentTree != null) {
            // First, as they end the backup: the deleted paths below take a tree lookup each (thousands after a day).
            startLargeFiles(root, top, parentTree);
            // A directory renamed-from in the journal may reappear under a new name: match it by inode, so its
            // files are compared with their old versions instead of read again.
            for (final String gone : plan.deleted()) {
                final Node n = resolve(parentTree, gone);
                if (n != null && n.type() == NodeType.DIR) {
                    movedDirs.put(n.device() + ":" + n.inode(), n);
                }
            }
        }
        // A file started early but not met by the walk (gone, or changed again) must still finish before the packs are flushed.
        return dir(() -> top, root, "", parentTree, plan != null, false)
                .thenCompose(tree -> CompletableFuture.allOf(early.values().stream()
                        .map(e -> e.content().exceptionally(err -> null)).toArray(CompletableFuture<?>[]::new))
                        .thenApply(v -> tree));
    }

    /**
     * Starts the large files the journal names that changed in place, largest first, before the walk:
     * the walk meets files in name order, and a large file met last would leave one core working alone
     * at the end. New files are left to the walk, which may find them under a renamed directory.
     */
    private void startLargeFiles(final Path root, final OpenDirectory top, final BlobId parentTree) {
        final List<Map.Entry<String, FileStat>> large = new ArrayList<>();
        for (final String rel : plan.changed()) {
            try {
                // A plain stat first: the unix view (FileStat) builds a map of a dozen attributes, and large
                // files are few.
                final Path path = root.resolve(rel);
                final BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                if (a.isRegularFile() && saver.large(a.size())) {
                    large.add(Map.entry(rel, FileStat.of(path)));
                }
            } catch (IOException e) {
                // Gone or unreadable: the walk finds out and reports it.
            }
        }
        large.sort((a, b) -> Long.compare(b.getValue().size(), a.getValue().size()));
        for (final Map.Entry<String, FileStat> e : large.subList(0, Math.min(EARLY_FILES, large.size()))) {
            final String rel = e.getKey();
            final FileStat st = e.getValue();
            final Node before = resolve(parentTree, rel);
            if (before == null || before.type() != NodeType.FILE
                    || nodeOf(before.name(), st).sameFileAs(before)) {
                continue;
            }
            final ParentChunks parent = ParentChunks.of(before.content(), repo.index());
            // read through its directories' descriptors, as the walk reads: no link on its path is followed
            final int slash = rel.lastIndexOf('/');
            final OpenDirectory in;
            try {
                in = slash < 0 ? top.retain() : top.descend(rel.substring(0, slash));
            } catch (IOException ex) {
                continue; // the walk finds out and reports it
            }
            final String name = rel.substring(slash + 1);
            early.put(rel, new EarlyStart(st, CompletableFuture.supplyAsync(() -> {
                try (in) {
                    return saver.save(FileNames.resolve(root, rel), in, name, st, parent);
                } catch (IOException ex) {
                    throw new CompletionException(ex);
                }
            }, pool).thenCompose(f -> f)));
        }
    }

    /**
     * @return a path's extended attributes; none, with a warning, when they cannot be read (once for the whole
     *     backup when the C library cannot be loaded)
     */
    List<Xattr> xattrs(final Path p, final Path at) {
        if (xattrsUnavailable) {
            return List.of();
        }
        try {
            return NativeFs.xattrs(at, p);
        } catch (IOException e) {
            if (e.getCause() instanceof LinkageError) {
                xattrsUnavailable = true;
                warnings.add("extended attributes not stored: " + e.getMessage());
            } else {
                warnings.add(p + ": extended attributes not stored: " + IoErrors.reason(e));
            }
            return List.of();
        }
    }

    private static Node nodeOf(final String name, final FileStat st) {
        return new Node(name, st.type(), st.mode(), st.uid(), st.gid(), st.mtimeNanos(), st.ctimeNanos(),
                st.inode(), st.device(), st.links(), st.size(), "", null, List.of());
    }

    private Node resolve(final BlobId tree, final String path) {
        BlobId t = tree;
        Node found = null;
        for (final String part : path.split("/")) {
            if (t == null) {
                return null;
            }
            found = named(parentTrees.computeIfAbsent(t, id -> Archiver.loadTree(repo, id)), part);
            if (found == null) {
                return null;
            }
            t = found.type() == NodeType.DIR ? found.subtree() : null;
        }
        return found;
    }

    /** @return the entry of this name in a tree (entries are sorted by name), or null */
    private static Node named(final List<Node> tree, final String name) {
        int lo = 0;
        int hi = tree.size() - 1;
        while (lo <= hi) {
            final int mid = (lo + hi) >>> 1;
            final int c = tree.get(mid).name().compareTo(name);
            if (c == 0) {
                return tree.get(mid);
            }
            if (c < 0) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return null;
    }

    /** Opens a directory to walk: the root, or an entry of an open directory. */
    @FunctionalInterface
    private interface Opener {
        OpenDirectory open() throws IOException;
    }

    /**
     * @param opener opens the directory (it is closed here, once its listing, stats and the tasks it starts no longer
     *     need it)
     * @param path the directory's path as shown
     * @return a directory's tree, stored; null when it was removed since the walk's stat
     */
    private CompletableFuture<BlobId> dir(final Opener opener, final Path path, final String rel,
                                              final BlobId parentTree, final boolean journal, final boolean moved) {
        OpenDirectory opened = null;
        List<String> listed = null;
        IOException unlisted = null;
        try {
            opened = opener.open();
            listed = Archiver.list(opened.path());
        } catch (IOException e) {
            unlisted = e;
        }
        try (OpenDirectory d = opened) {
            return dir(d, listed, unlisted, path, rel, parentTree, journal, moved);
        }
    }

    private CompletableFuture<BlobId> dir(final OpenDirectory d, final List<String> names, final IOException unlisted,
                                          final Path path, final String rel, final BlobId parentTree,
                                          final boolean journal, final boolean moved) {
        // The parent's entries, sorted by name as the listing is: the two are walked side by side. A tree met while
        // resolving the journal's paths is not loaded twice; the walk needs it only here.
        final List<Node> resolved = parentTree == null ? null : parentTrees.remove(parentTree);
        final List<Node> old = parentTree == null ? List.of()
                : resolved != null ? resolved : Archiver.loadTree(repo, parentTree);
        if (unlisted != null) {
            final IOException e = unlisted;
            if (rel.isEmpty()) {
                throw new BackupException("directory " + path + ": cannot list: " + IoErrors.reason(e), e);
            }
            if (e instanceof NoSuchFileException) {
                // removed since the walk's stat: gone, as a file that vanishes is (null), not its parent's version
                return CompletableFuture.completedFuture(null);
            }
            // One unreadable directory (permissions, I/O error) must not cost the whole backup: like an unreadable
            // file, it keeps its parent's version when there is one, and the backup reports it (exit code 3).
            final List<Node> kept = old.stream().filter(n -> !excludes.excludes(rel + "/" + n.name(), n.name(),
                    n.type() == NodeType.DIR)).toList();
            warnings.add((e instanceof OpenDirectory.ReplacedException ? e.getMessage()
                    : path + ": cannot list: " + IoErrors.reason(e)) + (parentTree != null
                    ? "; kept the parent's version (" + kept.size() + " entries)" : "; recorded empty"));
            return CompletableFuture.completedFuture(saveTree(kept));
        }
        // Each entry goes into the tree's bytes at its place as soon as it is known: a directory of a million files
        // is not held as a million nodes (nor their futures) until the last one is read.
        final Entries children = new Entries(names.size());
        int k = 0;
        for (int i = 0; i < names.size(); i++) {
            final String name = names.get(i);
            names.set(i, null); // held in the tree from now on
            final String r = rel.isEmpty() ? name : rel + "/" + name;
            Node before = null;
            for (; k < old.size(); k++) {
                final Node o = old.get(k);
                final int c = o.name().compareTo(name);
                if (c == 0) {
                    before = o;
                    k++;
                    break;
                }
                if (c > 0) {
                    break;
                }
                gone(o, rel, journal, moved);
            }
            if (excludes.excludes(r, name, false)) {
                removed(before);
                continue;
            }
            if (journal && before != null && !dirty.contains(r)) {
                children.set(i, before);
                continue;
            }
            final Path p = FileNames.resolve(path, name);
            final Path at = d.entry(name);
            final FileStat st;
            try {
                st = FileStat.of(d, name);
            } catch (NoSuchFileException e) {
                if (name.indexOf('\uFFFD') >= 0 && !FileNames.rawAccess()) {
                    // The JVM decodes file names as UTF-8; without raw access a name that is not cannot be opened.
                    warnings.add(p + ": name is not valid UTF-8 and the JVM runs without --add-opens "
                            + "java.base/sun.nio.fs=ALL-UNNAMED, not backed up");
                }
                removed(before);
                continue;
            } catch (IOException e) {
                // A directory that may be listed but not entered (r without x): like an unreadable file, each entry
                // keeps its parent's version, else it would vanish from the snapshot as if deleted
                final boolean keep = before != null && !(before.type() == NodeType.DIR && excludes.excludes(r, name,
                        true));
                warnings.add(p + ": cannot stat: " + IoErrors.reason(e) + (keep ? "; kept the parent's version"
                        : "; left out"));
                if (keep) {
                    if (before.type() == NodeType.FILE) {
                        filesUnchanged.incrementAndGet();
                        bytesTotal.addAndGet(before.size());
                    }
                    children.set(i, before);
                }
                continue;
            }
            if (st.type() == NodeType.DIR && (excludes.excludes(r, name, true) || excludes.marked(at)
                    || repository != null && st.device() == repository.device() && st.inode() == repository.inode())) {
                // excluded ('build/' matches directories only, a marker file its directory), or a repository kept
                // inside what it backs up, which would store itself, growing with every backup
                removed(before);
                continue;
            }
            children.set(i, entry(d, p, r, name, st, before, journal, moved));
        }
        for (; k < old.size(); k++) {
            gone(old.get(k), rel, journal, moved);
        }
        return children.all().thenApply(this::saveTree);
    }

    /** An entry of the parent's version of a directory that the listing no longer has. */
    private void gone(final Node gone, final String rel, final boolean journal, final boolean moved) {
        if (moved) {
            // Counted already, as part of the renamed-from directory.
            return;
        }
        if (journal && !dirty.contains(rel.isEmpty() ? gone.name() : rel + "/" + gone.name())
                && !dirty.contains(rel)) {
            return;
        }
        removed(gone);
    }

    /**
     * A directory's entries as they become known, each set at its place in its tree; done once every one started is,
     * failed (with the first failure) when any failed. An entry that turns out gone (null) is left out.
     */
    private static final class Entries {
        private final Tree.Builder tree;
        /** Entries started and not known yet, plus one until {@link #all} (no more are started then). */
        private final AtomicInteger open = new AtomicInteger(1);
        private final AtomicReference<Throwable> failed = new AtomicReference<>();
        private final CompletableFuture<Tree.Builder> done = new CompletableFuture<>();

        Entries(final int places) {
            tree = new Tree.Builder(places);
        }

        void set(final int place, final Node n) {
            tree.set(place, n);
        }

        void set(final int place, final CompletableFuture<Node> entry) {
            open.incrementAndGet();
            entry.whenComplete((n, err) -> {
                if (err != null) {
                    failed.compareAndSet(null, err);
                } else if (n != null) {
                    tree.set(place, n);
                }
                end();
            });
        }

        /** @return the tree, once every entry set is known */
        CompletableFuture<Tree.Builder> all() {
            end();
            return done;
        }

        private void end() {
            if (open.decrementAndGet() == 0) {
                if (failed.get() != null) {
                    done.completeExceptionally(failed.get());
                } else {
                    done.complete(tree);
                }
            }
        }
    }

    private CompletableFuture<Node> entry(final OpenDirectory d, final Path p, final String r, final String name,
                                          final FileStat st, final Node before, final boolean journal,
                                          final boolean moved) {
        final Path at = d.entry(name);
        final Node stat = nodeOf(name, st);
        // a file whose size, times and inode are unchanged has its attributes unchanged too (setting one sets ctime)
        final Node node = stat.withXattrs(stat.sameFileAs(before) ? before.xattrs() : xattrs(p, at));
        switch (st.type()) {
            case DIR -> {
                final boolean oldDir = before != null && before.type() == NodeType.DIR;
                if (before != null && !oldDir) {
                    removed(before);
                }
                final boolean sub = journal && oldDir && !plan.changed().contains(r);
                BlobId previous = oldDir ? before.subtree() : null;
                boolean from = moved;
                if (previous == null) {
                    final Node renamed = movedDirs.get(st.device() + ":" + st.inode());
                    if (renamed != null) {
                        previous = renamed.subtree();
                        from = true;
                    }
                }
                final boolean movedHere = from;
                final BlobId parentTree = previous;
                // Directories are walked on the pool too: listing, stat and loading the parent's tree overlap. It is
                // opened there, through this one's descriptor, and only if it is still the directory stat'ed here.
                final OpenDirectory in = d.retain();
                final Opener opener = () -> {
                    try (in) {
                        return in.openChild(name, st.device(), st.inode());
                    }
                };
                return CompletableFuture.supplyAsync(() -> dir(opener, p, r, parentTree, sub, movedHere), pool)
                        .thenCompose(f -> f).thenApply(tree -> {
                            if (tree == null) {
                                if (oldDir) {
                                    removed(before);
                                }
                                return null;
                            }
                            return node.withSubtree(tree);
                        });
            }
            case FILE -> {
                return file(d, p, r, node, before, st, moved);
            }
            case SYMLINK -> {
                if (before != null && before.type() == NodeType.DIR) {
                    removed(before);
                }
                try {
                    final String target = FileNames.textOf(Files.readSymbolicLink(at));
                    return CompletableFuture.completedFuture(new Node(name, st.type(), st.mode(), st.uid(), st.gid(),
                            st.mtimeNanos(), st.ctimeNanos(), st.inode(), st.device(), st.links(), 0, target, null,
                            List.of(), node.xattrs()));
                } catch (IOException e) {
                    warnings.add(p + ": cannot read link: " + IoErrors.reason(e));
                    return CompletableFuture.completedFuture(null);
                }
            }
            default -> {
                if (st.type() == NodeType.OTHER) {
                    notes.add(p + ": socket, recorded, not restored (the program that listens on it makes it)");
                }
                return CompletableFuture.completedFuture(node);
            }
        }
    }

    private CompletableFuture<Node> file(final OpenDirectory d, final Path p, final String rel, final Node node,
                                         final Node before, final FileStat st, final boolean moved) {
        if (node.sameFileAs(before) && before.content().stream().allMatch(id -> repo.index().has(BlobType.DATA, id))) {
            if (moved) {
                // Same file under a renamed directory: new at this path, but not read again.
                filesNew.incrementAndGet();
                bytesDelta.addAndGet(st.size());
            } else {
                filesUnchanged.incrementAndGet();
            }
            bytesTotal.addAndGet(st.size());
            done(st.size());
            return CompletableFuture.completedFuture(node.withContent(before.content()));
        }
        final boolean existed = before != null && before.type() == NodeType.FILE;
        if (before != null && before.type() == NodeType.DIR) {
            removed(before);
        }
        final EarlyStart started = early.get(rel);
        final CompletableFuture<FileSaver.FileContent> saved;
        if (started != null && !started.stat().changedSince(st)) {
            saved = started.content();
        } else {
            // its directory stays open until the file is opened and stat'ed after its read
            final OpenDirectory in = d.retain();
            saved = CompletableFuture.supplyAsync(() -> {
                try (in) {
                    return saver.save(p, in, node.name(), st, existed ? ParentChunks.of(before.content(), repo.index())
                            : null);
                } catch (IOException e) {
                    throw new CompletionException(e);
                }
            }, pool).thenCompose(f -> f);
        }
        return saved.handle((content, err) -> {
            if (err == null) {
                if (content.torn()) {
                    filesTorn.incrementAndGet();
                    warnings.add(p + ": changed while being read, " + FileSaver.ATTEMPTS + " times; stored as the "
                            + "last read found it (" + content.stat().size() + " bytes), which may mix old and new "
                            + "content");
                }
                return stored(node, before, existed, content.stat(), content.chunks());
            }
            final Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
            if (cause instanceof NoSuchFileException) {
                removed(before);
                return null;
            } else if (cause instanceof FileSaver.UnreadableFileException) {
                warnings.add(cause.getMessage() + (existed ? "; kept the parent's version" : "; left out"));
            } else if (cause instanceof IOException && !(cause instanceof AccessDeniedException)
                    && !(cause.getMessage() != null && cause.getMessage().contains(p.toString()))) {
                throw new CompletionException(cause);
            } else if (cause instanceof IOException) {
                warnings.add(p + ": cannot read: " + IoErrors.reason((IOException) cause)
                        + (existed ? "; kept the parent's version" : "; left out"));
            } else {
                throw cause instanceof RuntimeException re ? re : new CompletionException(cause);
            }
            if (existed) {
                filesUnchanged.incrementAndGet();
                bytesTotal.addAndGet(before.size());
                return before;
            }
            return null;
        });
    }

    private Node stored(final Node node, final Node before, final boolean existed, final FileStat st,
                        final List<BlobId> chunks) {
        if (existed) {
            filesChanged.incrementAndGet();
            bytesDelta.addAndGet(st.size() - before.size());
        } else {
            filesNew.incrementAndGet();
            bytesDelta.addAndGet(st.size());
        }
        bytesTotal.addAndGet(st.size());
        done(st.size());
        return new Node(node.name(), node.type(), st.mode(), st.uid(), st.gid(), st.mtimeNanos(), st.ctimeNanos(),
                st.inode(), st.device(), st.links(), st.size(), "", null, chunks, node.xattrs());
    }

    private void done(final long size) {
        progress.filesDone.incrementAndGet();
        progress.bytesDone.addAndGet(size);
    }

    private void removed(final Node gone) {
        if (gone == null) {
            return;
        }
        if (gone.type() == NodeType.FILE) {
            filesRemoved.incrementAndGet();
            bytesDelta.addAndGet(-gone.size());
        } else if (gone.type() == NodeType.DIR) {
            for (final Node n : Archiver.loadTree(repo, gone.subtree())) {
                removed(n);
            }
        }
    }

    private BlobId saveTree(final List<Node> nodes) {
        final byte[] tree = Tree.encode(nodes);
        return repo.saveBlob(BlobType.TREE, tree, 0, tree.length).id();
    }

    private BlobId saveTree(final Tree.Builder nodes) {
        final byte[] tree = nodes.finish();
        return repo.saveBlob(BlobType.TREE, tree, 0, tree.length).id();
    }

    Snapshot.SnapshotFigures figures(final Snapshot.SnapshotFigures parent, final long bytesRead,
                                     final long bytesAdded, final long durationMs) {
        long unchanged = filesUnchanged.get();
        long total = bytesTotal.get();
        if (plan != null && parent != null) {
            // Reused subtrees were not visited: count from the parent's totals and this run's changes.
            final long parentFiles = parent.filesNew() + parent.filesChanged() + parent.filesUnchanged();
            unchanged = parentFiles - filesChanged.get() - filesRemoved.get();
            total = parent.bytesTotal() + bytesDelta.get();
        }
        return new Snapshot.SnapshotFigures(filesNew.get(), filesChanged.get(), unchanged, filesRemoved.get(),
                filesTorn.get(), bytesRead, bytesAdded, total, durationMs);
    }

    List<String> warnings() {
        return List.copyOf(warnings);
    }

    List<String> notes() {
        return List.copyOf(notes);
    }
}
