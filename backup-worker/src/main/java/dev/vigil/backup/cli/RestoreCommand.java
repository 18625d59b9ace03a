package dev.vigil.backup.cli;

import dev.vigil.backup.lock.RepoLock;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.restorer.RestoreOptions;
import dev.vigil.backup.restorer.Restorer;
import dev.vigil.backup.snapshot.Snapshot;
import dev.vigil.backup.snapshot.SnapshotStore;
import dev.vigil.schemas.SnapshotTags;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vigil repo restore}. */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = {"Restore a snapshot, or chosen paths of it, into a directory.",
            "The snapshot's content goes directly into TARGET. Existing files are an error unless --overwrite, which "
                + "replaces each file atomically (written beside it, then renamed). Modes, mtimes, symlinks, hard "
                + "links, holes of sparse files, and owners (as root; as a user, the groups it is in) come back.", ExitCodes.HELP})
final class RestoreCommand extends RepoSubcommand {
    @picocli.CommandLine.Mixin
    LockOption lock;

    @Parameters(index = "0", paramLabel = "SNAPSHOT", description = "Snapshot id (or unique prefix), or 'latest': "
            + "the newest that is not evidence of an incident (tagged evidence: taken as an attack began, or of what "
            + "a restore onto the dataset replaced; name its id, or --tag evidence, to restore one).")
    String snapshot;

    @Option(names = "--target", required = true, description = "Directory to restore into. Created when missing, with the "
            + "snapshot root's mode, owner and time; a directory that exists (a mount point, a shared place) keeps "
            + "its own, unless --overwrite.")
    Path target;

    @Option(names = "--include", description = "Restore only this path of the snapshot (repeatable); bytes of a name "
            + "that are not UTF-8 as \\xNN, as 'ls' shows them.")
    List<String> include = new ArrayList<>();

    @Option(names = "--dataset", description = "With 'latest': the latest snapshot of this dataset.")
    String dataset;

    @Option(names = "--tag", description = "With 'latest': the latest snapshot with this tag.")
    String tag;

    @Option(names = "--overwrite", description = "Replace existing files. What the target holds that the snapshot "
            + "does not is left as it is.")
    boolean overwrite;

    @Option(names = "--missing-only", description = "Restore only what is missing in the target and keep what is "
            + "there, directories' modes and times included (e.g. deleted files into a live tree; or what a stopped "
            + "restore did not reach: what it wrote is whole, since files are renamed into place once written).")
    boolean missingOnly;

    @Option(names = "--threads", description = "Worker threads (default: one per core).")
    Integer threads;

    /**
     * "latest" for a restore: the newest snapshot may be evidence of an incident (the encrypted files as the attack
     * began, or what a restore onto the dataset replaced), and restoring it would bring the damage back, so it is
     * passed over, and said.
     */
    private Snapshot latestRestorable(final SnapshotStore store) {
        final Snapshot newest = resolve(store, "latest", dataset, null); // refuses when a snapshot cannot be read
        if (!SnapshotStore.tagged(newest, SnapshotTags.EVIDENCE)) {
            return newest;
        }
        final List<Snapshot> restorable = store.restorable(dataset, null);
        if (restorable.isEmpty()) {
            err.println("note: every snapshot" + (dataset == null ? "" : " of dataset " + dataset) + " is evidence of "
                    + "an incident (tagged " + SnapshotTags.EVIDENCE + "); restoring the newest, " + newest.shortId());
            return newest;
        }
        final Snapshot s = restorable.get(0);
        err.println("note: 'latest' is " + s.shortId() + " (" + s.instant() + "): newer snapshots are evidence of an "
                + "incident (tagged " + SnapshotTags.EVIDENCE + ", the newest " + newest.shortId() + " of "
                + newest.instant() + "), not restored unless named");
        return s;
    }

    @Override
    String whenStopped() {
        return "the target holds part of the snapshot, each file whole: restore again with --overwrite to complete "
                + "it (--missing-only skips what is there, but leaves the directories' times as the stop left them)";
    }

    @Override
    int run() throws Exception {
        require(threads == null || threads >= 1, "--threads", "at least 1", threads);
        try (Repository r = repo.open(); RepoLock held = lock.shared(r, clock)) {
            final SnapshotStore store = new SnapshotStore(r);
            final Snapshot s = "latest".equals(snapshot) && tag == null ? latestRestorable(store)
                    : resolve(store, snapshot, dataset, tag);
            final AtomicLong done = new AtomicLong();
            final long start = System.nanoTime();
            final Restorer.Result result;
            final long total = include.isEmpty() && s.figures() != null ? s.figures().bytesTotal() : 0;
            try (ProgressLine line = new ProgressLine(interactive(), err, () -> ProgressLine.ofTotal(done.get(), total,
                    System.nanoTime() - start) + " restored")) {
                final RestoreOptions options = new RestoreOptions(List.copyOf(include), overwrite,
                        threads != null ? threads : Runtime.getRuntime().availableProcessors(), missingOnly);
                // alone in the repository: temporary files in the target are a killed run's, removed now
                result = new Restorer(r).restore(s, target, held != null && held.alone() ? options.afterKilledRun()
                        : options, done);
            }
            if (!include.isEmpty() && result.notFound().size() == include.size()) {
                // nothing of what was asked is in the snapshot: a failure, the target left as it was (or not made)
                throw new dev.vigil.backup.BackupException(notIn(s, result));
            }
            final boolean failed = !result.unrestored().isEmpty() || !result.notFound().isEmpty()
                    || !result.failed().isEmpty();
            if (json) {
                final Map<String, Object> o = new LinkedHashMap<>();
                o.put("snapshot", s.id());
                if (SnapshotStore.replacedNote(snapshot, s.id()) != null) {
                    o.put("replaces", s.replaces()); // the id named, of this snapshot before it was marked protected
                }
                o.put("target", target.toAbsolutePath().toString());
                o.put("files", result.files());
                o.put("bytes", result.bytes());
                o.put("warnings", result.warnings());
                o.put("notFound", result.notFound());
                o.put("unrestored", result.unrestored());
                o.put("failed", result.failed());
                if (failed) {
                    o.put("error", "not everything asked for was restored");
                    o.put("exitCode", ExitCodes.FAILED);
                }
                printJson(o);
            } else {
                for (final String w : result.warnings()) {
                    err.println("warning: " + w);
                }
                out.printf("restored snapshot %s: %d files, %s to %s in %.1f s%n", s.shortId(), result.files(),
                        bytes(result.bytes()), target, (System.nanoTime() - start) / 1e9);
            }
            for (final String u : result.unrestored()) {
                err.println("not restored: " + u);
            }
            if (!result.unrestored().isEmpty()) {
                err.println(result.unrestored().size() + " file(s) or directories not restored: their data is damaged "
                        + "or missing in the repository ('vigil repo check --read-data' tells what else is affected; an "
                        + "older snapshot may hold them); every other file is restored");
            }
            for (final String f : result.failed()) {
                err.println("not written: " + f);
            }
            if (!result.failed().isEmpty()) {
                err.println(result.failed().size() + " file(s) or directories could not be written in " + target
                        + " (nothing half-written of them is left); every other file is restored");
            }
            if (!result.notFound().isEmpty()) {
                err.println(notIn(s, result));
            }
            return failed ? ExitCodes.FAILED : ExitCodes.OK;
        }
    }

    private static String notIn(final Snapshot s, final Restorer.Result result) {
        return "not in snapshot " + s.shortId() + ": " + String.join(", ", result.notFound())
                + " (paths as 'vigil repo ls' shows them)";
    }
}
