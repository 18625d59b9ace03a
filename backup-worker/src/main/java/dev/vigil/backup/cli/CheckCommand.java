package dev.vigil.backup.cli;

import dev.vigil.backup.checker.Checker;
import dev.vigil.backup.lock.RepoLock;
import dev.vigil.backup.repository.Repository;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vigil repo check}. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Verify the repository: every index file, pack header, snapshot and tree, and that every "
            + "referenced blob is indexed where its pack says.",
            "--read-data also reads all pack data (or --read-data-subset of it): each pack must hash to its name and "
                + "every blob must decrypt and hash to its id. Damage is reported with the snapshots and files it "
                + "affects; the exit code is then 1.", ExitCodes.HELP})
final class CheckCommand extends RepoSubcommand {
    @picocli.CommandLine.Mixin
    LockOption lock;

    @Option(names = "--read-data", description = "Read and authenticate all data.")
    boolean readData;

    @Option(names = "--read-data-subset", paramLabel = "SHARE",
            description = "Read a random share of the packs, in (0, 1], e.g. 0.1.")
    Double subset;

    @Override
    int run() throws Exception {
        require(subset == null || subset > 0 && subset <= 1, "--read-data-subset", "in (0, 1]", subset);
        try (Repository r = repo.open(); RepoLock held = lock.shared(r, clock)) {
            final double share = readData ? 1.0 : subset != null ? subset : 0.0;
            final Checker.Report report = new Checker(r).check(share, System.nanoTime());
            if (json) {
                printJson(report);
            } else {
                out.printf("checked %d snapshots, %d packs, %d blobs%s%n", report.snapshots(), report.packs(),
                        report.blobs(), share > 0 ? ", read " + bytes(report.bytesRead()) : "");
                for (final String h : report.hints()) {
                    out.println("hint: " + h);
                }
                for (final String e : report.errors()) {
                    out.println("error: " + e);
                }
                out.println(report.ok() ? "no errors were found" : report.errors().size() + " errors found");
            }
            return report.ok() ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }
}
