package dev.vigil.backup.cli;

import dev.vigil.backup.lock.RepoLock;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.retention.Pruner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vigil repo prune}. */
@Command(name = "prune", mixinStandardHelpOptions = true,
        description = {"Remove data that no snapshot uses: delete unused packs, repack mostly-unused ones, "
            + "remove leftovers of interrupted runs. Takes the exclusive lock; safe to interrupt.", ExitCodes.HELP})
final class PruneCommand extends RepoSubcommand {
    @Option(names = "--min-used", defaultValue = "0.5",
            description = "Repack packs whose used share is below this, in [0, 1] (default: ${DEFAULT-VALUE}).")
    double minUsed;

    @Option(names = "--dry-run", description = "Only say what would be deleted, repacked and freed (about: a repack "
            + "writes again what it keeps); changes nothing, under a shared lock.")
    boolean dryRun;

    @Override
    int run() throws Exception {
        require(minUsed >= 0 && minUsed <= 1, "--min-used", "in [0, 1]", minUsed);
        try (Repository r = repo.open(); RepoLock lock = RepoLock.acquire(r, !dryRun, clock)) {
            err.println((dryRun ? "prune --dry-run on " : "prune started on ") + repo.dir());
            final Pruner.Result result = new Pruner(r).prune(minUsed, dryRun);
            if (json) {
                printJson(result);
            } else if (dryRun) {
                out.printf("would delete %d packs, repack %d, remove %d unused blobs and free about %s%n",
                        result.packsDeleted(), result.packsRepacked(), result.blobsRemoved(),
                        bytes(result.bytesFreed()));
            } else {
                out.printf("%d packs deleted, %d repacked, %d unused blobs removed, %s freed%n", result.packsDeleted(),
                        result.packsRepacked(), result.blobsRemoved(), bytes(result.bytesFreed()));
            }
            return ExitCodes.OK;
        }
    }
}
