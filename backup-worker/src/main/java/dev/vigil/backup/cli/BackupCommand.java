package dev.vigil.backup.cli;

import dev.vigil.backup.archiver.ArchiveOptions;
import dev.vigil.backup.archiver.Archiver;
import dev.vigil.backup.archiver.BackupProgress;
import dev.vigil.backup.archiver.ChangeJournal;
import dev.vigil.backup.archiver.EmptySourceException;
import dev.vigil.backup.archiver.Excludes;
import dev.vigil.backup.archiver.Level;
import dev.vigil.backup.lock.RepoLock;
import dev.vigil.backup.lock.StopOrder;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.snapshot.FileNames;
import dev.vigil.backup.snapshot.Snapshot;
import dev.vigil.schemas.Durations;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vigil repo backup}. */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = {"Back up a directory as a new snapshot of a dataset.",
            "Levels only choose the parent whose unchanged files (same size, mtime, ctime, inode) are reused "
                + "without reading: INCREMENTAL the dataset's latest snapshot (the default when one exists), "
                + "DIFFERENTIAL its latest FULL, FULL none. Every snapshot restores on its own.",
            "With --journal, an INCREMENTAL backup reads only the paths the change journal names, when the journal "
                + "provably covers every change since the parent; otherwise it scans and says why.",
            "An empty PATH is refused (exit 1) while the dataset's last snapshot has files: a file system not mounted "
                + "leaves an empty mount point, and its snapshots would push the good ones out of 'forget "
                + "--keep-last'; --allow-empty backs it up anyway. A backup that holds less than half of the last snapshot's files or "
                + "bytes marks that snapshot protected (a new id) and says so on stderr.",
            ExitCodes.HELP})
final class BackupCommand extends RepoSubcommand {
    @Parameters(index = "0", paramLabel = "PATH", description = "The directory to back up.")
    Path source;

    @Option(names = "--level", description = "FULL, INCREMENTAL or DIFFERENTIAL (default: INCREMENTAL when a "
            + "parent exists, else FULL).")
    Level level;

    @Option(names = "--dataset", description = "Dataset id (default: the absolute path of PATH).")
    String dataset;

    @Option(names = "--tag", description = "Tag the snapshot (repeatable).")
    List<String> tags = new ArrayList<>();

    @Option(names = "--protect", description = "Protect the snapshot from 'forget'.")
    boolean protect;

    @Option(names = "--journal", paramLabel = "FILE",
            description = "Change journal: one FileActivity per line in JSON, as 'vigil collector journal' writes.")
    Path journal;

    @Option(names = "--journal-max-lag", defaultValue = "1m", paramLabel = "DURATION",
            description = "How long before the backup the journal's last interval may have ended (e.g. 30s, 2m); "
                    + "changes made after it are not in the snapshot, so keep it short (default: ${DEFAULT-VALUE}).")
    String journalMaxLag;

    @Option(names = "--exclude", paramLabel = "PATTERN", description = "Leave out paths matching this pattern, "
            + "as .gitignore does (repeatable): without '/' it matches a name at any depth (*.tmp, node_modules), "
            + "with '/' the path from PATH (logs/*.gz, /cache); **/ is any number of directories; a '/' at the end "
            + "matches directories only (build/). An excluded directory is not entered.")
    List<String> excludes = new ArrayList<>();

    @Option(names = "--exclude-file", paramLabel = "FILE", description = "Read --exclude patterns from FILE, one "
            + "per line; blank lines and lines starting with # are ignored (repeatable).")
    List<Path> excludeFiles = new ArrayList<>();

    @Option(names = "--exclude-if-present", paramLabel = "NAME[:HEADER]", description = "Leave out a directory that "
            + "holds a file of this name, starting with HEADER when given (repeatable).")
    List<String> markers = new ArrayList<>();

    @Option(names = "--exclude-caches", description = "Leave out cache directories: those holding a CACHEDIR.TAG file "
            + "with the standard's signature (bford.info/cachedir), as browsers, compilers and package managers write.")
    boolean excludeCaches;

    @Option(names = "--allow-empty", description = "Back up PATH even when it is empty and the dataset's last "
            + "snapshot has files (emptied on purpose); otherwise refused.")
    boolean allowEmpty;

    @Option(names = "--host", paramLabel = "NAME", description = "Host name the snapshot records, which retention "
            + "groups by (default: this machine's name). A worker records its host.name: give the same to back up by "
            + "hand what a worker backs up.")
    String host;

    @Option(names = "--threads", description = "Worker threads (default: one per core).")
    Integer threads;

    @Override
    int run() throws Exception {
        require(threads == null || threads >= 1, "--threads", "at least 1", threads);
        require(dataset == null || !dataset.isBlank(), "--dataset", "a non-empty id", "'" + dataset + "'");
        final String id = dataset != null ? dataset : source.toAbsolutePath().normalize().toString();
        final java.time.Duration maxLag = Durations.parse(journalMaxLag);
        final List<String> patterns = new ArrayList<>(excludes);
        for (final Path f : excludeFiles) {
            patterns.addAll(Excludes.read(f));
        }
        final List<String> marked = new ArrayList<>(markers);
        if (excludeCaches) {
            marked.add(Excludes.CACHES);
        }
        // refused here, before the repository is locked, when a pattern is wrong or would leave out the whole dataset
        final Excludes excluded = Excludes.of(patterns, marked);
        excluded.forRoot(source.toAbsolutePath().normalize());
        // The journal is parsed on another core while the key is derived and the index loaded.
        final CompletableFuture<ChangeJournal> changes = journal == null ? CompletableFuture.completedFuture(null)
                : CompletableFuture.supplyAsync(() -> ChangeJournal.read(journal));
        try (Repository r = repo.open(); RepoLock lock = RepoLock.acquire(r, false, clock)) {
            for (final String damaged : r.indexErrors()) {
                // said without logging too (scripts/vigil-repo runs without it); the backup goes on without its blobs
                err.println("warning: " + damaged + " (ignored: " + Repository.DAMAGED_INDEX + ")");
            }
            final ArchiveOptions options = new ArchiveOptions(id, level == null ? Level.INCREMENTAL : level,
                    List.copyOf(tags), protect, null, join(changes), clock.instant().minus(maxLag),
                    threads != null ? threads : Runtime.getRuntime().availableProcessors(), excluded)
                    .withLossGuard(ArchiveOptions.DEFAULT_LOSS_RATIO, allowEmpty).withHost(host);
            final BackupProgress progress = new BackupProgress(0);
            final Archiver.Result result;
            // stopped (Ctrl-C, SIGTERM): the packs written whole are indexed while the lock is held, so the next run
            // re-uses them rather than storing their data again
            try (StopOrder.Registration stop = StopOrder.onStop(StopOrder.Step.STOP_WORK, r::indexWrittenPacks);
                 ProgressLine line = new ProgressLine(interactive(), err, () -> progress.filesDone() + " files, "
                    + bytes(progress.bytesDone()) + " done, " + bytes(progress.bytesRead()) + " read")) {
                result = new Archiver(r, clock).backup(source, options, progress);
            } catch (EmptySourceException e) {
                throw new EmptySourceException(e.getMessage() + ". If it was emptied on purpose, back it up anyway: "
                        + "add --allow-empty");
            }
            final Snapshot s = result.snapshot();
            for (final String n : result.notes()) {
                err.println("note: " + n);
            }
            if (result.loss() != null) {
                err.println("warning: " + result.loss().message());
            }
            if (json && result.loss() != null) {
                // a script reads the snapshot; the loss (the last snapshot now protected) is what it must not miss
                printJson(s, "loss", java.util.Map.of("protectedSnapshot", result.loss().kept().id(),
                        "message", result.loss().message()));
            } else if (json) {
                printJson(s);
            } else {
                final Snapshot.SnapshotFigures f = s.figures();
                for (final String w : result.warnings()) {
                    err.println("warning: " + w);
                }
                if (s.journal() != null) {
                    out.println((s.journal().used() ? "change journal used: " : "change journal not used, scanned: ")
                            + s.journal().reason());
                }
                out.printf("%s backup of %s, parent %s%n", s.level(), FileNames.display(s.dataset()),
                        s.parent() == null ? "none" : s.parent().substring(0, 8));
                out.printf("files: %d new, %d changed, %d unchanged, %d removed%s%n", f.filesNew(), f.filesChanged(),
                        f.filesUnchanged(), f.filesRemoved(), f.filesTorn() > 0 ? ", " + f.filesTorn() + " torn" : "");
                out.printf("read %s, added %s to the repository, %s in the snapshot, %.1f s%n", bytes(f.bytesRead()),
                        bytes(f.bytesAdded()), bytes(f.bytesTotal()), f.durationMs() / 1000.0);
                out.println("snapshot " + s.shortId() + " saved");
            }
            return result.warnings().isEmpty() ? ExitCodes.OK : ExitCodes.INCOMPLETE;
        }
    }

    /** @return the parsed journal; a journal that cannot be read fails the backup with its own message */
    private static ChangeJournal join(final CompletableFuture<ChangeJournal> changes) {
        try {
            return changes.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }
}
