package dev.vigil.backup.cli;

import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.snapshot.FileNames;
import dev.vigil.backup.snapshot.Snapshot;
import dev.vigil.backup.snapshot.SnapshotStore;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vigil repo snapshots}. */
@Command(name = "snapshots", mixinStandardHelpOptions = true,
        description = {"List snapshots, oldest first: id, time, dataset, level, parent, files and size.",
            "A snapshot file that cannot be read is named on stderr; with --json it also follows the others in the "
                + "array as {\"id\": ..., \"damaged\": REASON}, whatever --dataset and --tag (they are inside it).",
            ExitCodes.HELP})
final class SnapshotsCommand extends RepoSubcommand {
    @Option(names = "--dataset", description = "Only this dataset's snapshots.")
    String dataset;

    @Option(names = "--tag", description = "Only snapshots with this tag.")
    String tag;

    @Override
    int run() throws Exception {
        try (Repository r = repo.open()) {
            final SnapshotStore store = new SnapshotStore(r);
            final List<Snapshot> all = store.list().stream()
                    .filter(s -> dataset == null || dataset.equals(s.dataset()))
                    .filter(s -> tag == null || SnapshotStore.tagged(s, tag)).toList();
            if (all.isEmpty() && dataset != null) {
                err.println("no snapshot of dataset " + FileNames.display(dataset) + " ('vigil repo snapshots' lists "
                        + "every dataset)");
            }
            for (final String damaged : store.damaged()) {
                err.println("warning: " + damaged + " (not listed; 'vigil repo forget ID' removes it)");
            }
            if (json) {
                // a script must see them too; after the others, in the shape of 'key list', so that a consumer that
                // reads the first snapshot keeps working (the last one is not known while one is damaged, as for
                // 'latest')
                final List<Object> listed = new java.util.ArrayList<>(all);
                for (final SnapshotStore.Damaged d : store.damagedFiles()) {
                    final java.util.Map<String, String> row = new java.util.LinkedHashMap<>();
                    row.put("id", d.id());
                    row.put("damaged", d.reason());
                    listed.add(row);
                }
                printJson(listed);
                return ExitCodes.OK;
            }
            out.printf("%-8s  %-20s  %-12s  %-8s  %-8s  %8s  %10s  %s%n", "ID", "TIME (UTC)", "LEVEL", "PARENT", "FLAGS",
                    "FILES", "SIZE", "DATASET [TAGS]");
            for (final Snapshot s : all) {
                final Snapshot.SnapshotFigures f = s.figures();
                // To the second for reading; --json keeps the full time.
                out.printf("%-8s  %-20s  %-12s  %-8s  %-8s  %8d  %10s  %s%n", s.shortId(),
                        Instant.parse(s.time()).truncatedTo(ChronoUnit.SECONDS), s.level(),
                        s.parent() == null ? "-" : s.parent().substring(0, 8),
                        (s.protectedSnapshot() ? "P" : "") + (s.original() != null ? "C" : ""),
                        f.filesNew() + f.filesChanged() + f.filesUnchanged(), bytes(f.bytesTotal()),
                        FileNames.display(s.dataset()) // a newline would fake a row
                                + (s.tags() == null || s.tags().isEmpty() ? "" : "  [" + FileNames.display(
                                String.join(",", s.tags())) + "]"));
            }
            out.println(all.size() + " snapshots (flags: P protected, C copied)");
            return ExitCodes.OK;
        }
    }
}
