package dev.vigil.backup.worker;

import dev.vigil.backup.BackupException;
import dev.vigil.backup.NoRepositoryException;
import dev.vigil.backup.app.WorkerConfig;
import dev.vigil.backup.archiver.ArchiveOptions;
import dev.vigil.backup.archiver.Archiver;
import dev.vigil.backup.archiver.BackupProgress;
import dev.vigil.backup.archiver.ChangeJournal;
import dev.vigil.backup.archiver.EmptySourceException;
import dev.vigil.backup.archiver.FileStat;
import dev.vigil.backup.archiver.Level;
import dev.vigil.backup.backend.Backend;
import dev.vigil.backup.backend.LocalBackend;
import dev.vigil.backup.backend.RetryingBackend;
import dev.vigil.backup.checker.Checker;
import dev.vigil.backup.lock.RepoLock;
import dev.vigil.backup.lock.StopOrder;
import dev.vigil.backup.migration.SnapshotCopier;
import dev.vigil.backup.repository.HostInfo;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.restorer.RestoreOptions;
import dev.vigil.backup.restorer.Restorer;
import dev.vigil.backup.retention.Pruner;
import dev.vigil.backup.retention.RetentionPolicy;
import dev.vigil.backup.snapshot.Snapshot;
import dev.vigil.backup.snapshot.SnapshotStore;
import dev.vigil.schemas.Action;
import dev.vigil.schemas.BackupCommand;
import dev.vigil.schemas.CommandStatus;
import dev.vigil.schemas.Figures;
import dev.vigil.schemas.Progress;
import dev.vigil.schemas.Retention;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs one validated command against the engine; knows nothing of Kafka. A backup command finds
 * its own snapshot (tagged with the command id) when it ran before a crash, instead of running
 * twice; one interrupted mid-way runs again and reuses the packs the first run indexed.
 */
public final class CommandExecutor {
    /** How long after a file changes its watcher may still report it (inotify delivery, a busy host). */
    private static final Duration NOTICE_DELAY = Duration.ofSeconds(1);
    /** The tag of the snapshot a restore onto its dataset takes of what it is about to replace. */
    public static final String PRE_RESTORE_TAG = "pre-restore";
    private final WorkerConfig config;
    private final Clock clock;
    private final TargetGuard guard;
    private final JournalSource journals;

    /**
     * @param config the worker's settings
     * @param clock the time source
     * @param journals change journals of the datasets, or null when none are kept
     */
    public CommandExecutor(final WorkerConfig config, final Clock clock, final JournalSource journals) {
        this.config = config;
        this.clock = clock;
        this.journals = journals;
        this.guard = new TargetGuard(config.getList(WorkerConfig.ALLOWED_ROOTS_CONFIG).stream().map(Path::of).toList());
    }

    /**
     * @param cmd a command for a dataset this worker serves
     * @return why it must be refused, or null
     */
    public String refuse(final BackupCommand cmd) {
        if (!config.datasetIds().contains(cmd.getDataset())) {
            return "unknown dataset '" + cmd.getDataset() + "': this worker serves " + config.datasetIds();
        }
        if (cmd.getAction() == Action.UNKNOWN) {
            return "unknown action";
        }
        if (cmd.getAction() == Action.RESTORE) {
            for (final String p : cmd.getPaths()) {
                if (p.startsWith("/") || List.of(p.split("/")).contains("..")) {
                    return "restore path '" + p + "' must be relative to the dataset root, without '..'";
                }
            }
            final String own = config.dataset(cmd.getDataset(), "path");
            final String target = cmd.getTarget() == null ? own : cmd.getTarget();
            if (TargetGuard.real(Path.of(target)).equals(TargetGuard.real(Path.of(own)))) {
                return cmd.getOverwrite() ? null : "restoring onto the dataset's own path " + own
                        + " needs overwrite=true";
            }
            return guard.refuse(target);
        }
        if (cmd.getAction() == Action.MIGRATE) {
            final String offsite = config.dataset(cmd.getDataset(), "offsite.repository");
            if (offsite.isEmpty()) {
                // where a worker copies data is its own configuration's choice, not a command's (nor the registry's)
                return "dataset " + cmd.getDataset() + " has no off-site repository on this worker: set dataset."
                        + cmd.getDataset() + ".offsite.repository and dataset." + cmd.getDataset()
                        + ".offsite.password.file in the worker's configuration file (the registry's offsiteRepository"
                        + (cmd.getTargetRepository() == null ? "" : ", " + cmd.getTargetRepository())
                        + ", only tells the decision engine that a MIGRATE is possible)";
            }
            if (cmd.getTargetRepository() != null && !Path.of(cmd.getTargetRepository()).normalize()
                    .equals(Path.of(offsite).normalize())) {
                return "MIGRATE target " + cmd.getTargetRepository() + " is not the configured off-site repository";
            }
        }
        return null;
    }

    /**
     * @param cmd a command that {@link #refuse} accepted
     * @param progress receives progress from a running backup or restore, polled by the caller
     * @return what happened
     */
    public Outcome execute(final BackupCommand cmd, final Consumer<Supplier<Progress>> progress) {
        return execute(cmd, progress, false);
    }

    /**
     * @param cmd a command that {@link #refuse} accepted
     * @param progress receives progress from a running backup or restore, polled by the caller
     * @param afterAKill a run of this command was killed (the ledger says it started and never ended)
     * @return what happened
     */
    public Outcome execute(final BackupCommand cmd, final Consumer<Supplier<Progress>> progress,
                           final boolean afterAKill) {
        try {
            return switch (cmd.getAction()) {
                case FULL, INCREMENTAL, DIFFERENTIAL -> backup(cmd, progress);
                case RESTORE -> restore(cmd, progress, afterAKill);
                case VERIFY -> verify(cmd);
                case MIGRATE -> migrate(cmd);
                case FORGET -> forget(cmd);
                case PRUNE -> prune(cmd);
                default -> Outcome.rejected("unknown action " + cmd.getAction());
            };
        } catch (NoRepositoryException e) {
            return Outcome.failed(e.getMessage() + " (back the dataset up first)", false);
        } catch (RuntimeException e) {
            return Outcome.failed(cmd.getAction() + " of " + cmd.getDataset() + " failed: " + e.getMessage(),
                    BackupException.isRetriable(e));
        }
    }

    private Repository open(final String dataset, final boolean create) {
        final Path dir = Path.of(config.dataset(dataset, "repository"));
        final char[] pw = password(Path.of(config.dataset(dataset, "password.file")));
        final Backend backend = backend(dir);
        return create ? RepositoryOpener.openOrCreate(backend, pw, clock) : Repository.open(backend, pw);
    }

    /** The same store as {@code vigil repo}'s: a passing failure of a network file system is retried, not fatal. */
    private Backend backend(final Path repository) {
        return RetryingBackend.around(new LocalBackend(repository, config.getBoolean(WorkerConfig.FSYNC_CONFIG)));
    }

    private static char[] password(final Path file) {
        // checked at the start too (WorkerConfig); again here for a file replaced or chmod'ed since
        dev.vigil.backup.crypto.PasswordFiles.openToOthers(file).ifPresent(why -> {
            throw new BackupException("password file " + why);
        });
        try {
            return Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("").toCharArray();
        } catch (IOException e) {
            throw new BackupException("password file " + file + ": " + e.getMessage(), e);
        }
    }

    private int threads() {
        final int t = config.getInt(WorkerConfig.THREADS_CONFIG);
        return t > 0 ? t : Runtime.getRuntime().availableProcessors();
    }

    private Outcome backup(final BackupCommand cmd, final Consumer<Supplier<Progress>> progress) {
        try (Repository repo = open(cmd.getDataset(), true); RepoLock lock = RepoLock.acquire(repo, false, clock);
             // SIGTERM: the backup stops and indexes the packs it wrote whole before the lock goes, and fails as
             // retriable, so that the retry re-uses them
             StopOrder.Registration stop = StopOrder.onStop(StopOrder.Step.STOP_WORK, repo::indexWrittenPacks)) {
            // One listing of the dataset's snapshots serves the whole command (each listing reads and decrypts every
            // snapshot file: 0.2-0.4 s for 3,000 on a local disk, more on network storage): the search for this
            // command's snapshot, the progress baseline and the archiver's parent and loss guard.
            final List<Snapshot> history = new SnapshotStore(repo).history(cmd.getDataset());
            // A snapshot tagged with this command id means the work finished before a crash: report it.
            final Snapshot done = history.stream().filter(s -> cmd.getId().equals(s.commandId())).findFirst()
                    .orElse(null);
            final Snapshot s;
            Archiver.Result result = null;
            final Archiver.Loss loss;
            if (done != null) {
                s = done;
                // the result the first run did not send named the snapshot it protected: the engine escalates on it
                loss = Archiver.lossBefore(history, done, config.lossRatio(cmd.getDataset()));
            } else {
                final BackupProgress live = new BackupProgress(SnapshotStore.latest(history, false)
                        .map(p -> p.figures().bytesTotal()).orElse(0L));
                progress.accept(() -> progress(live.filesDone(), live.bytesDone(), live.bytesExpected()));
                // The snapshot must hold every change made before the command began, so the journal must reach
                // that moment plus the time a change takes to be noticed; a backup waits a little for it.
                final Instant mustReach = clock.instant().plus(NOTICE_DELAY);
                final ArchiveOptions options = new ArchiveOptions(cmd.getDataset(),
                        Level.valueOf(cmd.getAction().name()), List.copyOf(cmd.getTags()), cmd.getProtect(),
                        cmd.getId(), journal(cmd, mustReach), mustReach, threads(), config.excludes(cmd.getDataset()))
                        .withLossGuard(config.lossRatio(cmd.getDataset()), config.lossRatio(cmd.getDataset()) == 0)
                        .withHost(config.hostName());
                try {
                    result = new Archiver(repo, clock).backup(Path.of(config.dataset(cmd.getDataset(), "path")),
                            options, live, history);
                } catch (EmptySourceException e) {
                    return Outcome.failed(e.getMessage() + ". If it was emptied on purpose, back it up anyway on this "
                            + "host: vigil repo backup --repo " + config.dataset(cmd.getDataset(), "repository")
                            + " --password-file " + config.dataset(cmd.getDataset(), "password.file") + " --dataset "
                            + cmd.getDataset() + " --allow-empty"
                            + (config.hostName().equals(HostInfo.hostName()) ? "" : " --host " + config.hostName())
                            + " " + config.dataset(cmd.getDataset(), "path")
                            + " (later backups go on from that snapshot)", false);
                }
                s = result.snapshot();
                loss = result.loss();
            }
            if (journals != null && s.coveredFrom() != null) {
                journals.covered(cmd.getDataset(), Instant.parse(s.coveredFrom()));
            }
            final Snapshot.SnapshotFigures f = s.figures();
            final Figures figures = new Figures(f.filesNew(), f.filesChanged(), f.filesUnchanged(), f.filesRemoved(),
                    f.filesTorn(), f.bytesRead(), f.bytesAdded(), f.bytesTotal(), f.durationMs());
            String message = s.level() + " backup " + s.shortId() + ": " + (f.filesNew() + f.filesChanged())
                    + " files new or changed, " + f.bytesAdded() + " bytes added";
            if (s.journal() != null) {
                message += s.journal().used() ? "; change journal used" : "; scanned (" + s.journal().reason() + ")";
            }
            if (loss != null) {
                message += "; " + loss.message();
            }
            if (result != null && !result.notes().isEmpty()) {
                message += "; " + result.notes().size() + " note(s): " + result.notes().get(0);
            }
            if (s.warnings() != null && !s.warnings().isEmpty()) {
                // not all of them lost a file: one that kept changing is stored as read
                message += "; " + s.warnings().size() + " warning(s): " + s.warnings().get(0);
            }
            return new Outcome(CommandStatus.SUCCEEDED, s.id(), Action.valueOf(s.level()), s.parent(), figures,
                    message, false, loss != null ? loss.kept().id() : null);
        }
    }

    /**
     * @return for an INCREMENTAL, the dataset's journal file when one is configured, else the kept events, once
     *     they reach {@code mustReach} or the configured wait is over (the backup then scans); else null
     */
    private ChangeJournal journal(final BackupCommand cmd, final Instant mustReach) {
        final String file = config.dataset(cmd.getDataset(), "journal.file");
        if (cmd.getAction() != Action.INCREMENTAL || file.isEmpty() && journals == null) {
            return null;
        }
        final Supplier<ChangeJournal> read = file.isEmpty() ? () -> journals.journal(cmd.getDataset())
                : new JournalFile(Path.of(file));
        final long wait = config.getLong(WorkerConfig.JOURNAL_WAIT_CONFIG);
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(wait);
        ChangeJournal j = read.get();
        if (!j.activeSince(cmd.getDataset(), mustReach.minusMillis(wait))) {
            return j; // no interval for as long as the wait: no collector is delivering, waiting would only delay the scan
        }
        while (!j.reaches(cmd.getDataset(), mustReach) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            j = read.get();
        }
        return j;
    }

    /** A journal file, parsed again only when it changed since the last read (the wait polls it). */
    private static final class JournalFile implements Supplier<ChangeJournal> {
        private final Path path;
        /** Modification time and size at the last read: the collector only appends, so a size change shows. */
        private FileTime readAt;
        private long readSize = -1;
        private ChangeJournal journal = new ChangeJournal(List.of());

        JournalFile(final Path path) {
            this.path = path;
        }

        @Override
        public ChangeJournal get() {
            try {
                final BasicFileAttributes now = Files.readAttributes(path, BasicFileAttributes.class);
                if (!now.lastModifiedTime().equals(readAt) || now.size() != readSize) {
                    journal = ChangeJournal.read(path);
                    readAt = now.lastModifiedTime();
                    readSize = now.size();
                }
            } catch (NoSuchFileException e) {
                // Not written yet: an empty journal, so the backup waits and then scans.
            } catch (IOException e) {
                throw new BackupException("journal " + path + ": " + e.getMessage(), e);
            }
            return journal;
        }
    }

    private static Progress progress(final long files, final long bytes, final long total) {
        return new Progress(total > 0 ? Math.min(1.0, (double) bytes / total) : null, files, bytes,
                total > 0 ? total : null);
    }

    private Outcome restore(final BackupCommand cmd, final Consumer<Supplier<Progress>> progress,
                            final boolean afterAKill) {
        try (Repository repo = open(cmd.getDataset(), false); RepoLock lock = RepoLock.acquire(repo, false, clock)) {
            final SnapshotStore store = new SnapshotStore(repo);
            final List<Snapshot> sources;
            if (cmd.getSnapshot() != null) {
                sources = List.of(store.resolve(cmd.getSnapshot(), cmd.getDataset()));
            } else {
                sources = store.restorable(cmd.getDataset(), cmd.getBeforeTime());
                if (sources.isEmpty()) {
                    final boolean evidence = store.latest(cmd.getDataset(), false, cmd.getBeforeTime()).isPresent();
                    throw new BackupException("no snapshot of " + cmd.getDataset() + (cmd.getBeforeTime() == null ? ""
                            : " before " + cmd.getBeforeTime()) + (evidence ? " but evidence (snapshots of data "
                            + "suspected damaged, never restored unless named: vigil repo restore SNAPSHOT)" : ""));
                }
            }
            final Snapshot s = sources.get(0);
            final Path target = Path.of(cmd.getTarget() == null ? config.dataset(cmd.getDataset(), "path")
                    : cmd.getTarget());
            // The target was checked when the command came and is written now, once the repository is open: a
            // directory of its path swapped for a link meanwhile (by a user who may write in an allowed root) would
            // take the restore where the link points. Checked again, and restored into the path it resolves to now.
            final String moved = refuse(cmd);
            if (moved != null) {
                return Outcome.rejected(moved + " (checked again as the restore began)");
            }
            final Path into = TargetGuard.real(target);
            final String unmounted = unmounted(cmd.getDataset(), s, into);
            if (unmounted != null) {
                return Outcome.failed(unmounted, false);
            }
            final Snapshot saved = replacesLiveData(cmd) ? saveBeforeRestore(repo, cmd) : null;
            final AtomicLong done = new AtomicLong();
            progress.accept(() -> progress(0, done.get(), s.figures().bytesTotal()));
            final Restorer restorer = new Restorer(repo);
            final RestoreOptions options = new RestoreOptions(List.copyOf(cmd.getPaths()), cmd.getOverwrite(),
                    threads(), cmd.getMissingOnly());
            Restorer.Result r = restorer.restore(s, into, afterAKill ? resumed(options) : options, done);
            long files = r.files();
            long bytes = r.bytes();
            long kept = r.kept();
            final List<String> unrestored = new ArrayList<>(r.unrestored());
            final List<String> failed = new ArrayList<>(r.failed());
            final List<String> warnings = new ArrayList<>(r.warnings());
            // Chosen paths missing from the newest snapshot (a file created and deleted between two older ones, or
            // renamed away before it): each from the newest older snapshot that holds it.
            final List<String> older = new ArrayList<>();
            List<String> missing = cmd.getPaths().isEmpty() ? List.of() : r.notFound();
            for (int i = 1; i < sources.size() && !missing.isEmpty(); i++) {
                final RestoreOptions paths = new RestoreOptions(missing, cmd.getOverwrite(), threads(),
                        cmd.getMissingOnly());
                r = restorer.restore(sources.get(i), into, afterAKill ? resumed(paths) : paths, done);
                if (r.files() + r.kept() > 0) {
                    older.add(sources.get(i).shortId());
                }
                files += r.files();
                bytes += r.bytes();
                kept += r.kept();
                unrestored.addAll(r.unrestored());
                failed.addAll(r.failed());
                warnings.addAll(r.warnings());
                missing = r.notFound();
            }
            if (!cmd.getPaths().isEmpty() && !missing.isEmpty() && missing.size() == cmd.getPaths().size()) {
                return Outcome.failed("none of the " + missing.size() + " paths is in a snapshot of " + cmd.getDataset()
                        + (cmd.getBeforeTime() == null ? "" : " before " + cmd.getBeforeTime()) + " (created after "
                        + "the last backup?): " + String.join(", ", missing.subList(0, Math.min(5, missing.size()))),
                        false);
            }
            if (!failed.isEmpty()) {
                return Outcome.failed(failed.size() + " file(s) or directories of snapshot " + s.shortId() + " could "
                        + "not be written in " + target + ": " + String.join("; ", failed.subList(0, Math.min(3,
                        failed.size()))) + "; the other " + files + " files are restored", false);
            }
            if (!unrestored.isEmpty()) {
                // the rest is restored; retrying reads the same damaged data
                return Outcome.failed(unrestored.size() + " file(s) of snapshot " + s.shortId() + " not restored, "
                        + "their data is damaged or missing in the repository (run 'vigil repo check --read-data'; an "
                        + "older snapshot may hold them): " + String.join("; ", unrestored.subList(0,
                        Math.min(3, unrestored.size()))) + "; the other " + files + " files are restored to "
                        + target, false);
            }
            final String replaced = cmd.getSnapshot() == null ? null
                    : SnapshotStore.replacedNote(cmd.getSnapshot(), s.id());
            return Outcome.succeeded(s.id(), (replaced == null ? "" : replaced + "; ") + "restored snapshot "
                    + s.shortId() + " (" + s.time() + "): " + files
                    + " files, " + bytes + " bytes to " + target + (older.isEmpty() ? "" : ", some paths from older "
                    + "snapshots " + String.join(", ", older)) + (kept == 0 ? "" : "; " + kept
                    + (afterAKill && !cmd.getMissingOnly() ? " restored already by the run a crash stopped, kept"
                    : " already there again, kept as they are")) + (missing.isEmpty() ? ""
                    : "; " + missing.size() + " paths in no snapshot (created after the last backup?): "
                    + String.join(", ", missing.subList(0, Math.min(5, missing.size()))))
                    + (warnings.isEmpty() ? "" : "; " + warnings.size() + " warnings: " + warnings.get(0))
                    + (saved == null ? "" : "; what it replaced is in snapshot " + saved.shortId() + " (evidence, "
                    + "protected), taken just before: 'vigil repo restore --repo " + config.dataset(cmd.getDataset(),
                    "repository") + " " + saved.shortId() + " --target DIR --include PATH' gets back a file "
                    + "edited since " + s.shortId()));
        }
    }

    /**
     * A file system not mounted leaves its mount point empty, and the collector reports every file deleted: a restore
     * there writes the whole dataset onto the file system below (the root's, often small), hidden again once the
     * dataset's is mounted. A directory that is a mount point itself (a new disk, empty) is restored into.
     *
     * @return why not, or null when the restore may write into {@code into}
     */
    private String unmounted(final String dataset, final Snapshot s, final Path into) {
        final Long was = s.root() == null ? null : s.root().device();
        final Path own = TargetGuard.real(Path.of(config.dataset(dataset, "path")));
        if (was == null || !into.equals(own) || into.getParent() == null || !Files.isDirectory(into)) {
            return null;
        }
        try (java.util.stream.Stream<Path> entries = Files.list(into)) {
            final long now = FileStat.of(into).device();
            if (now == was || now != FileStat.of(into.getParent()).device() || entries.findAny().isPresent()) {
                return null;
            }
        } catch (IOException e) {
            throw new BackupException("restore target " + into + ": " + dev.vigil.schemas.IoErrors.reason(e), e);
        }
        return "nothing restored: " + into + " is an empty directory on the file system of " + into.getParent()
                + ", not on the file system snapshot " + s.shortId() + " was taken on: not mounted? Mount it (its "
                + "files may all be there); to restore into the directory anyway: vigil repo restore --repo "
                + config.dataset(dataset, "repository") + " " + s.shortId() + " --target " + into;
    }

    /** Whether a RESTORE writes over every file of the dataset that its snapshot holds, not only missing ones. */
    private boolean replacesLiveData(final BackupCommand cmd) {
        final Path own = Path.of(config.dataset(cmd.getDataset(), "path"));
        return cmd.getOverwrite() && !cmd.getMissingOnly() && (cmd.getTarget() == null
                || TargetGuard.real(Path.of(cmd.getTarget())).equals(TargetGuard.real(own)));
    }

    /**
     * A restore onto the dataset puts back each file its snapshot holds, those edited since by hand (after a
     * ransomware-like rewrite, the files it never touched) too, and those edits are in no snapshot: what is there is
     * backed up first, as evidence (never the source of a restore by time) and protected (retention keeps it). A run
     * a crash stopped made it already, before it wrote anything: that one is kept, not the half-restored tree.
     *
     * @return the snapshot of the dataset as it was before the restore
     */
    private Snapshot saveBeforeRestore(final Repository repo, final BackupCommand cmd) {
        final List<Snapshot> history = new SnapshotStore(repo).history(cmd.getDataset());
        final Snapshot earlier = history.stream().filter(s -> cmd.getId().equals(s.commandId())).findFirst()
                .orElse(null);
        if (earlier != null) {
            return earlier;
        }
        // no loss guard: a dataset emptied by the incident is what is there, and the restore's source stays as it is
        final ArchiveOptions options = new ArchiveOptions(cmd.getDataset(), Level.INCREMENTAL,
                List.of(dev.vigil.schemas.SnapshotTags.EVIDENCE, PRE_RESTORE_TAG), true, cmd.getId(), null, null,
                threads(), config.excludes(cmd.getDataset())).withLossGuard(0, true).withHost(config.hostName());
        return new Archiver(repo, clock).backup(Path.of(config.dataset(cmd.getDataset(), "path")), options,
                new BackupProgress(0), history).snapshot();
    }

    private Outcome verify(final BackupCommand cmd) {
        try (Repository repo = open(cmd.getDataset(), false); RepoLock lock = RepoLock.acquire(repo, false, clock)) {
            final Checker.Report report = new Checker(repo).check(config.getDouble(WorkerConfig.VERIFY_SHARE_CONFIG),
                    clock.millis());
            if (report.ok()) {
                return Outcome.succeeded(null, "repository verified: " + report.snapshots() + " snapshots, "
                        + report.packs() + " packs, " + report.bytesRead() + " bytes read and authenticated");
            }
            return Outcome.failed("repository damaged: " + String.join("; ", report.errors().subList(0,
                    Math.min(5, report.errors().size()))) + " (run 'vigil repo check --read-data' for all)", false);
        }
    }

    /**
     * After a kill, what the killed run renamed into place is whole (files are written beside first): without
     * overwrite it is kept and the rest restored, rather than the run refused for files it wrote itself.
     */
    private static RestoreOptions resumed(final RestoreOptions options) {
        return options.overwrite() || options.missingOnly() ? options.afterKilledRun() : options.resumeRun();
    }

    private Outcome migrate(final BackupCommand cmd) {
        final Path offsite = Path.of(config.dataset(cmd.getDataset(), "offsite.repository"));
        final char[] pw = password(Path.of(config.dataset(cmd.getDataset(), "offsite.password.file")));
        final Backend backend = backend(offsite);
        try (Repository src = open(cmd.getDataset(), false); RepoLock l1 = RepoLock.acquire(src, false, clock);
             Repository dst = RepositoryOpener.openOrCreate(backend, pw, clock);
             RepoLock l2 = RepoLock.acquire(dst, false, clock);
             StopOrder.Registration stop = StopOrder.onStop(StopOrder.Step.STOP_WORK, dst::indexWrittenPacks)) {
            final SnapshotCopier.Result r = new SnapshotCopier(src, dst).copy(s -> cmd.getDataset().equals(s.dataset())
                    && (cmd.getSnapshot() == null || s.id().startsWith(cmd.getSnapshot())
                    || s.replacedOneNamed(cmd.getSnapshot())));
            final String done = r.copied().size() + " snapshots copied to " + offsite + ", " + r.skipped().size()
                    + " were there already, " + r.bytesAdded() + " bytes added";
            if (!r.damaged().isEmpty()) {
                return Outcome.failed(done + "; but " + r.damaged().size() + " snapshot(s) could not be read whole "
                        + "and were not copied (" + r.damaged().get(0) + "): run 'vigil repo check --read-data' on "
                        + config.dataset(cmd.getDataset(), "repository"), false);
            }
            return Outcome.succeeded(null, done);
        }
    }

    private Outcome forget(final BackupCommand cmd) {
        final String id = cmd.getDataset();
        final Retention r = cmd.getRetention();
        final RetentionPolicy policy = r != null
                ? new RetentionPolicy(r.getKeepLast(), r.getKeepHourly(), r.getKeepDaily(), r.getKeepWeekly(),
                        r.getKeepMonthly(), r.getKeepYearly())
                : new RetentionPolicy(config.keep(id, "keep.last"), config.keep(id, "keep.hourly"),
                        config.keep(id, "keep.daily"), config.keep(id, "keep.weekly"), config.keep(id, "keep.monthly"),
                        config.keep(id, "keep.yearly"));
        if (policy.keepsNothing()) {
            return Outcome.failed("the retention of " + id + " keeps nothing (every count is 0): it would forget every "
                    + "unprotected snapshot; give the dataset a retention (" + (r != null ? "vigil datasets add --keep"
                    : "dataset." + id + ".keep.*") + ")", false);
        }
        // Per dataset and host, as 'vigil repo forget': a dataset id two hosts share (one path backed up by hand on
        // both, a dataset that moved) must not let this host's retention forget the other's snapshots. The host is
        // the name this worker's backups record, and the periods are this host's time zone, the one its operator
        // reads the snapshot times in.
        final String host = config.hostName();
        final ZoneId zone = ZoneId.systemDefault();
        try (Repository repo = open(id, false); RepoLock lock = RepoLock.acquire(repo, true, clock)) {
            final SnapshotStore store = new SnapshotStore(repo);
            final List<Snapshot> ofDataset = store.history(id);
            final List<Snapshot> own = ofDataset.stream().filter(s -> host.equals(s.host())).toList();
            final List<String> forgotten = new ArrayList<>();
            for (final RetentionPolicy.Decision d : policy.apply(own, zone, clock.instant())) {
                if (!d.keep()) {
                    store.remove(d.snapshot().id());
                    forgotten.add(d.snapshot().shortId());
                }
            }
            final int others = ofDataset.size() - own.size();
            // the ids are the audit trail of what retention deleted: the one place that says which snapshot went
            return Outcome.succeeded(null, forgotten.size() + " snapshots of " + id + " forgotten (" + policy.describe()
                    + (r != null ? ", the dataset's retention" : ", dataset." + id + ".keep.*") + "; of host " + host
                    + ", periods in " + zone.getId() + ")"
                    + (forgotten.isEmpty() ? "" : ": " + String.join(" ", forgotten))
                    + (others == 0 ? "" : "; " + others + " snapshots of " + id + " by other hosts left as they are "
                    + "(vigil repo forget decides on each host's)"));
        }
    }

    private Outcome prune(final BackupCommand cmd) {
        try (Repository repo = open(cmd.getDataset(), false); RepoLock lock = RepoLock.acquire(repo, true, clock)) {
            final Pruner.Result r = new Pruner(repo).prune(0.5);
            return Outcome.succeeded(null, r.packsDeleted() + " packs deleted, " + r.packsRepacked() + " repacked, "
                    + r.bytesFreed() + " bytes freed");
        }
    }
}
