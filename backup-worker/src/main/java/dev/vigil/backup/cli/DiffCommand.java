package dev.vigil.backup.cli;

import dev.vigil.backup.BackupException;
import dev.vigil.backup.pack.BlobId;
import dev.vigil.backup.pack.BlobType;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.snapshot.FileNames;
import dev.vigil.backup.snapshot.Node;
import dev.vigil.backup.snapshot.Snapshot;
import dev.vigil.backup.snapshot.SnapshotStore;
import dev.vigil.backup.snapshot.Tree;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
            final Snapshot a = resolve(store, from, dataset, null);
            final Snapshot b = resolve(store, to, dataset, null);
            final List<Map<String, String>> changes = new ArrayList<>();
            compare(r, BlobId.parse(a.tree()), BlobId.parse(b.tree()), "", changes);
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

    /**
     * Compares two trees entry by entry (both are sorted by name) and walks only into subtrees whose ids differ: an
     * unchanged directory is the same tree blob, so memory and time grow with the changes and the directories on
     * their paths, not with the snapshots' entries.
     */
    private static void compare(final Repository r, final BlobId from, final BlobId to, final String path,
                                final List<Map<String, String>> changes) {
        if (from.equals(to)) {
            return;
        }
        final List<Node> left = nodes(r, from, path);
        final List<Node> right = nodes(r, to, path);
        int i = 0;
        int j = 0;
        while (i < left.size() || j < right.size()) {
            final int c = i == left.size() ? 1 : j == right.size() ? -1
                    : left.get(i).name().compareTo(right.get(j).name());
            if (c < 0) {
                all(r, left.get(i++), path, "-", changes);
            } else if (c > 0) {
                all(r, right.get(j++), path, "+", changes);
            } else {
                entry(r, left.get(i++), right.get(j++), path, changes);
            }
        }
    }

    private static void entry(final Repository r, final Node o, final Node n, final String path,
                              final List<Map<String, String>> changes) {
        final String p = path.isEmpty() ? o.name() : path + "/" + o.name();
        if (n.type() != o.type()) {
            changes.add(change("T", p));
        } else if (!n.content().equals(o.content()) || n.size() != o.size()
                || !n.linkTarget().equals(o.linkTarget())) {
            changes.add(change("M", p));
        } else if (n.mode() != o.mode() || n.uid() != o.uid() || n.gid() != o.gid()
                || (n.mtimeNanos() != o.mtimeNanos() && n.subtree() == null)
                || !xattrs(n).equals(xattrs(o))) {
            changes.add(change("U", p));
        }
        if (o.subtree() != null && n.subtree() != null) {
            compare(r, o.subtree(), n.subtree(), p, changes);
        } else if (o.subtree() != null) {
            children(r, o.subtree(), p, "-", changes);
        } else if (n.subtree() != null) {
            children(r, n.subtree(), p, "+", changes);
        }
    }

    /** Records an entry only one side has, and everything under it. */
    private static void all(final Repository r, final Node node, final String path, final String kind,
                            final List<Map<String, String>> changes) {
        final String p = path.isEmpty() ? node.name() : path + "/" + node.name();
        changes.add(change(kind, p));
        if (node.subtree() != null) {
            children(r, node.subtree(), p, kind, changes);
        }
    }

    private static void children(final Repository r, final BlobId tree, final String path, final String kind,
                                 final List<Map<String, String>> changes) {
        for (final Node n : nodes(r, tree, path)) {
            all(r, n, path, kind, changes);
        }
    }

    private static List<Node> nodes(final Repository r, final BlobId tree, final String path) {
        try {
            return Tree.decode(r.loadBlob(BlobType.TREE, tree), "tree " + tree);
        } catch (BackupException e) {
            throw new BackupException("/" + path + ": " + e.getMessage(), e);
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
