package dev.vigil.backup.cli;

import com.fasterxml.jackson.databind.SequenceWriter;
import dev.vigil.backup.BackupException;
import dev.vigil.backup.pack.BlobId;
import dev.vigil.backup.pack.BlobType;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.snapshot.FileNames;
import dev.vigil.backup.snapshot.Node;
import dev.vigil.backup.snapshot.NodeType;
import dev.vigil.backup.snapshot.Snapshot;
import dev.vigil.backup.snapshot.SnapshotStore;
import dev.vigil.backup.snapshot.Tree;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code vigil repo ls}. */
@Command(name = "ls", mixinStandardHelpOptions = true,
        description = {"List the files of a snapshot (or of one directory in it): type, mode, size (a device: its "
                + "major,minor), mtime, path.",
            ExitCodes.HELP})
final class LsCommand extends RepoSubcommand {
    @Parameters(index = "0", paramLabel = "SNAPSHOT", description = "Snapshot id (or unique prefix), or 'latest'.")
    String snapshot;

    @Parameters(index = "1", arity = "0..1", paramLabel = "PATH", description = "Directory in the snapshot.")
    String path = "";

    @picocli.CommandLine.Option(names = "--dataset", description = "With 'latest': the latest snapshot of this "
            + "dataset (default: the latest of any).")
    String dataset;

    @picocli.CommandLine.Option(names = "--tag", description = "With 'latest': the latest snapshot with this tag.")
    String tag;

    @Override
    int run() throws Exception {
        try (Repository r = repo.open()) {
            final Snapshot s = resolve(new SnapshotStore(r), snapshot, dataset, tag);
            final String prefix = path.replaceAll("^/+|/+$", "");
            final Printer printer = new Printer();
            try {
                list(r, s, prefix, printer);
            } catch (RuntimeException e) {
                // a tree that cannot be read halfway: what was listed stays a whole JSON array, the error follows
                printer.close();
                throw e;
            }
            if (!prefix.isEmpty() && printer.rows == 0) {
                throw new dev.vigil.backup.BackupException("/" + prefix + ": not in snapshot " + s.shortId());
            }
            printer.finish();
            return ExitCodes.OK;
        }
    }

    private static void list(final Repository r, final Snapshot s, final String prefix, final Printer printer) {
        walk(r, BlobId.parse(s.tree()), "", (raw, n) -> {
            final String p = FileNames.display(raw);
            // as ls shows it, or as the file system names it (restore --include takes both too)
            if (prefix.isEmpty() || p.equals(prefix) || p.startsWith(prefix + "/") || raw.equals(prefix)
                    || raw.startsWith(prefix + "/")) {
                final Map<String, Object> row = new LinkedHashMap<>();
                row.put("path", "/" + p);
                row.put("type", n.type().name().toLowerCase());
                row.put("mode", String.format("%04o", n.mode()));
                row.put("size", n.deviceNumber() == null ? n.size() : 0L);
                row.put("mtime", Instant.EPOCH.plusNanos(n.mtimeNanos()).toString());
                if (n.type() == NodeType.SYMLINK) {
                    row.put("target", FileNames.display(n.linkTarget()));
                }
                if (n.deviceNumber() != null) {
                    row.put("device", n.deviceNumber());
                }
                printer.print(row);
            }
        });
    }

    /**
     * Prints each row as the walk meets it: a listing of millions of entries is not held in memory. The JSON array
     * starts at the first row, so that a path not in the snapshot prints only the error document.
     */
    private final class Printer {
        long rows;
        private SequenceWriter array;

        void print(final Map<String, Object> row) {
            rows++;
            if (!json) {
                out.printf("%-7s %s %12s  %s  %s%s%n", row.get("type"), row.get("mode"),
                        row.containsKey("device") ? row.get("device") : row.get("size"), row.get("mtime"),
                        row.get("path"), row.containsKey("target") ? " -> " + row.get("target") : "");
                return;
            }
            try {
                if (array == null) {
                    array = jsonArray();
                }
                array.write(row);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Ends the listing: an empty JSON array when there was no row. */
        void finish() throws Exception {
            if (array == null && json) {
                printJson(List.of());
            }
            close();
        }

        /** Ends the JSON array if one was started. */
        void close() throws IOException {
            if (array != null) {
                array.close();
                array = null;
                out.println();
            }
        }
    }

    static void walk(final Repository r, final BlobId tree, final String path, final BiConsumer<String, Node> visit) {
        final List<Node> nodes;
        try {
            nodes = Tree.decode(r.loadBlob(BlobType.TREE, tree), "tree " + tree);
        } catch (BackupException e) {
            throw new BackupException("/" + path + ": " + e.getMessage(), e);
        }
        for (final Node n : nodes) {
            final String p = path.isEmpty() ? n.name() : path + "/" + n.name();
            visit.accept(p, n);
            if (n.type() == NodeType.DIR) {
                walk(r, n.subtree(), p, visit);
            }
        }
    }
}
