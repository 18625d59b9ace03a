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

    @Option(names = "--read-data-subset", paramLabel = "SUBSET",
            description = "Read part of the packs: a share, as 0.1 or as a percentage (that many packs, at least one, "
                + "at random), or n/t (group n of t by pack id: runs with 1/t .. t/t read every pack once between them, "
                + "as restic's).")
    String subset;

    @Override
    int run() throws Exception {
        final int[] group = subset != null && subset.contains("/") ? group(subset) : null;
        final double share = readData ? 1.0 : group != null ? -1 : subset != null ? share(subset) : 0.0;
        try (Repository r = repo.open(); RepoLock held = lock.shared(r, clock)) {
            final Checker.Report report = group != null ? new Checker(r).checkGroup(group[0], group[1])
                    : new Checker(r).check(share, System.nanoTime());
            if (json) {
                printJson(report);
            } else {
                out.printf("checked %d snapshots, %d packs, %d blobs%s%n", report.snapshots(), report.packs(),
                        report.blobs(), share != 0 ? ", read " + bytes(report.bytesRead()) : "");
                for (final String e : report.errors()) {
                    out.println("error: " + e);
                }
                for (final String h : report.hints()) {
                    out.println("hint: " + h);
                }
                out.println(report.ok() ? "no errors were found" : report.errors().size() + " errors found");
            }
            return report.ok() ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    private double share(final String text) {
        final boolean percent = text.endsWith("%");
        double value = Double.NaN;
        try {
            value = Double.parseDouble(percent ? text.substring(0, text.length() - 1) : text) / (percent ? 100 : 1);
        } catch (NumberFormatException e) {
            // refused below
        }
        require(value > 0 && value <= 1, "--read-data-subset", "a share in (0, 1], a percentage or n/t", text);
        return value;
    }

    private int[] group(final String text) {
        final String[] parts = text.split("/", -1);
        int n = 0;
        int t = 0;
        try {
            n = Integer.parseInt(parts[0].strip());
            t = parts.length == 2 ? Integer.parseInt(parts[1].strip()) : 0;
        } catch (NumberFormatException e) {
            // refused below
        }
        require(t >= 1 && n >= 1 && n <= t, "--read-data-subset", "n/t with 1 <= n <= t", text);
        return new int[] {n, t};
    }
}
