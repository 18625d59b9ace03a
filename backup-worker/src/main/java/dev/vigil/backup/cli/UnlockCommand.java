package dev.vigil.backup.cli;

import dev.vigil.backup.lock.RepoLock;
import dev.vigil.backup.repository.Repository;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vigil repo unlock}. */
@Command(name = "unlock", mixinStandardHelpOptions = true,
        description = {"Remove stale locks (held by a process of this machine that is gone, or not refreshed for 30 "
            + "minutes); --remove-all removes every lock.", ExitCodes.HELP})
final class UnlockCommand extends RepoSubcommand {
    @Option(names = "--remove-all", description = "Remove every lock, also live ones.")
    boolean all;

    @Override
    int run() throws Exception {
        try (Repository r = repo.open()) {
            final List<RepoLock.Held> locks = RepoLock.list(r, clock);
            int removed = 0;
            for (final RepoLock.Held h : locks) {
                if (all || h.stale()) {
                    r.backend().remove(h.handle());
                    removed++;
                }
            }
            if (json) {
                printJson(java.util.Map.of("removed", removed, "remaining", locks.size() - removed));
            } else {
                out.println(removed + " locks removed, " + (locks.size() - removed) + " remain"
                        + (removed < locks.size() ? " (live, or of another host and refreshed in the last 30 minutes; "
                        + "--remove-all removes them if their processes are surely gone)" : ""));
            }
            return ExitCodes.OK;
        }
    }
}
