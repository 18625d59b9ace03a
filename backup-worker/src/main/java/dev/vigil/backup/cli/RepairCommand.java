package dev.vigil.backup.cli;

import dev.vigil.backup.checker.IndexRebuilder;
import dev.vigil.backup.lock.RepoLock;
import dev.vigil.backup.repository.Repository;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code vigil repo repair}: put a damaged repository's metadata right again from its data. */
@Command(name = "repair", mixinStandardHelpOptions = true,
        description = {"Repair what 'vigil repo check' reports, from the data the repository still holds.",
            ExitCodes.HELP},
        subcommands = {RepairCommand.Index.class})
final class RepairCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "index", mixinStandardHelpOptions = true,
            description = {"Rebuild the index from the packs' own headers: after an index file was damaged or lost, "
                + "its packs count as unindexed (prune refuses to run, backups store their data again). Takes the "
                + "exclusive lock; safe to interrupt.", ExitCodes.HELP})
    static final class Index extends RepoSubcommand {
        @CommandLine.Option(names = "--read-data", description = "Also read every pack whole and leave out of the index "
                + "the blobs that do not authenticate (after 'check --read-data' found damaged blobs): while the index "
                + "names them, backups take their data as stored; once out, the next backup stores again what the "
                + "datasets still hold, which heals the snapshots that used it.")
        boolean readData;

        @Override
        int run() throws Exception {
            try (Repository r = repo.open(); RepoLock lock = RepoLock.acquire(r, true, clock)) {
                err.println("reading " + (readData ? "every pack" : "the header of every pack") + " in " + repo.dir());
                final IndexRebuilder.Result result = new IndexRebuilder(r, readData).rebuild();
                if (json) {
                    printJson(result);
                } else {
                    out.printf("%d packs and %d blobs indexed; %d index files replaced (%d damaged)%n", result.packs(),
                            result.blobs(), result.indexFilesReplaced(), result.damagedIndexFiles());
                    result.unreadablePacks().forEach(p -> out.println("header unreadable: " + p));
                    result.damagedPacks().forEach(p -> out.println("damaged: " + p));
                    if (result.dataLost()) {
                        out.println("now back up again: the next backup stores again the lost data its dataset still "
                                + "holds, which heals the snapshots that used it; then 'vigil repo check' names what "
                                + "is lost for good");
                    }
                }
                return result.dataLost() ? ExitCodes.FAILED : ExitCodes.OK;
            }
        }
    }
}
