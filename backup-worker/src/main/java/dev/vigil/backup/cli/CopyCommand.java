package dev.vigil.backup.cli;

import dev.vigil.backup.BackupException;
import dev.vigil.backup.lock.RepoLock;
import dev.vigil.backup.lock.StopOrder;
import dev.vigil.backup.migration.SnapshotCopier;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.snapshot.Snapshot;
import dev.vigil.backup.snapshot.SnapshotStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vigil repo copy}. */
@Command(name = "copy", mixinStandardHelpOptions = true,
        description = {"Copy snapshots to another repository (e.g. off-site), re-encrypted under its keys and "
            + "deduplicated against its data. Snapshots it has already are skipped, so an interrupted copy "
            + "is resumed by running it again.", ExitCodes.HELP})
final class CopyCommand extends RepoSubcommand {
    @picocli.CommandLine.Mixin
    LockOption lock;

    @Option(names = "--to", required = true, description = "Target repository directory (must exist: 'vigil repo init').")
    Path to;

    @Option(names = "--to-password-file", paramLabel = "FILE", defaultValue = "${env:VIGIL_TO_PASSWORD_FILE}",
            description = "Target password file (default: $VIGIL_TO_PASSWORD_FILE, else $VIGIL_TO_PASSWORD).")
    Path toPasswordFile;

    @Option(names = "--dataset", description = "Only this dataset's snapshots.")
    String dataset;

    @Parameters(arity = "0..*", paramLabel = "SNAPSHOT", description = "Snapshot ids, unique prefixes of 4+ hex digits, "
            + "or 'latest' (of --dataset when given) (default: all).")
    List<String> ids = new ArrayList<>();

    @Override
    int run() throws Exception {
        final char[] targetPassword;
        if (toPasswordFile != null) {
            targetPassword = RepoOptions.passwordFile(toPasswordFile);
        } else if (System.getenv("VIGIL_TO_PASSWORD") != null && !System.getenv("VIGIL_TO_PASSWORD").isEmpty()) {
            targetPassword = System.getenv("VIGIL_TO_PASSWORD").toCharArray();
        } else {
            throw new BackupException("no target password: give --to-password-file or set VIGIL_TO_PASSWORD");
        }
        try (Repository src = repo.open(); RepoLock l1 = lock.shared(src, clock);
             Repository dst = Repository.open(RepoOptions.backend(to, repo.noFsync), targetPassword);
             RepoLock l2 = RepoLock.acquire(dst, false, clock)) {
            if (src.config().id().equals(dst.config().id())) {
                throw new IllegalArgumentException("--to names the same repository as --repo");
            }
            // each one named must exist, as for restore: a copy job with a typo must fail, not copy nothing
            final SnapshotStore store = new SnapshotStore(src);
            final Set<String> named = new HashSet<>();
            for (final String id : ids) {
                final Snapshot s = resolve(store, id, dataset, null);
                if (dataset != null && !dataset.equals(s.dataset())) {
                    throw new BackupException("snapshot " + s.shortId() + " is of dataset " + s.dataset() + ", not "
                            + dataset);
                }
                named.add(s.id());
            }
            final SnapshotCopier.Result result;
            // stopped (Ctrl-C, SIGTERM): the packs written whole to the target are indexed while its lock is held,
            // so the next copy re-uses them rather than storing their data again
            try (StopOrder.Registration stop = StopOrder.onStop(StopOrder.Step.STOP_WORK, dst::indexWrittenPacks)) {
                result = new SnapshotCopier(src, dst).copy(s -> (dataset == null || dataset.equals(s.dataset()))
                        && (ids.isEmpty() || named.contains(s.id())));
            }
            if (json) {
                printJson(result);
            } else {
                result.copied().forEach((a, b) -> out.println("copied " + a.substring(0, 8) + " as " + b.substring(0, 8)));
                out.printf("%d copied, %d already there, %s added to %s%n", result.copied().size(),
                        result.skipped().size(), bytes(result.bytesAdded()), to);
            }
            // an off-site copy that silently lacks a snapshot is found out on the day it is needed
            for (final String damaged : result.damaged()) {
                err.println("not copied: " + damaged);
            }
            if (!result.damaged().isEmpty()) {
                err.println(result.damaged().size() + " snapshot(s) of " + repo.dir() + " could not be read whole and "
                        + "were not copied ('vigil repo check --read-data' tells more); every other snapshot was");
                return ExitCodes.FAILED;
            }
            return ExitCodes.OK;
        }
    }
}
