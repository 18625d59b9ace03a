package dev.vigil.backup.cli;

import dev.vigil.backup.pack.BlobId;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.snapshot.FileNames;
import dev.vigil.backup.snapshot.Node;
import dev.vigil.backup.snapshot.Snapshot;
import dev.vigil.backup.snapshot.SnapshotStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code vigil repo diff}. */
@Command(name = "diff", mixinStandardHelpOptions = true,
        description = {"Show what changed between two snapshots: + added, - removed, M content changed, "
            + "U metadata only (mode, owner, mtime, extended attributes and ACLs), T type changed.", ExitCodes.HELP})
final class DiffCommand extends RepoSubcommand {
    @Parameters(index = "0", paramLabel = "FROM", description = "Older snapshot id (or prefix, or 'latest').")
    String from;

    @Parameters(index = "1", paramLabel = "TO", description = "Newer snapshot id (or prefix, or 'latest').")
    String to;

    @picocli.CommandLine.Option(names = "--dataset", description = "With 'latest': the latest snapshot of this "
            + "dataset (default: the latest of any).")
    String dataset;

    @Override
    int run() throws Exception {
        try (Repository r = repo.open()) {
            final SnapshotStore store = new SnapshotStore(r);
            final Snapshot a = store.resolve(from, dataset);
            final Snapshot b = store.resolve(to, dataset);
            final Map<String, Node> left = new TreeMap<>();
            final Map<String, Node> right = new TreeMap<>();
            LsCommand.walk(r, BlobId.parse(a.tree()), "", left::put);
            LsCommand.walk(r, BlobId.parse(b.tree()), "", right::put);
            final List<Map<String, String>> changes = new ArrayList<>();
            for (final Map.Entry<String, Node> e : left.entrySet()) {
                final Node n = right.get(e.getKey());
                final Node o = e.getValue();
                if (n == null) {
                    changes.add(change("-", e.getKey()));
                } else if (n.type() != o.type()) {
                    changes.add(change("T", e.getKey()));
                } else if (!n.content().equals(o.content()) || n.size() != o.size()
                        || !n.linkTarget().equals(o.linkTarget())) {
                    changes.add(change("M", e.getKey()));
                } else if (n.mode() != o.mode() || n.uid() != o.uid() || n.gid() != o.gid()
                        || (n.mtimeNanos() != o.mtimeNanos() && n.subtree() == null)
                        || !xattrs(n).equals(xattrs(o))) {
                    changes.add(change("U", e.getKey()));
                }
            }
            for (final String p : right.keySet()) {
                if (!left.containsKey(p)) {
                    changes.add(change("+", p));
                }
            }
            changes.sort((x, y) -> x.get("path").compareTo(y.get("path")));
            if (json) {
                printJson(changes);
            } else {
                for (final Map<String, String> c : changes) {
                    out.println(c.get("change") + "  " + c.get("path"));
                }
                out.printf("%d changes between %s and %s%n", changes.size(), a.shortId(), b.shortId());
            }
            return ExitCodes.OK;
        }
    }

    /** Trees written before extended attributes were stored have none. */
    private static List<dev.vigil.backup.snapshot.Xattr> xattrs(final Node n) {
        return n.xattrs() == null ? List.of() : n.xattrs();
    }

    private static Map<String, String> change(final String kind, final String path) {
        final Map<String, String> m = new LinkedHashMap<>();
        m.put("change", kind);
        m.put("path", "/" + FileNames.display(path)); // as ls shows it
        return m;
    }
}
