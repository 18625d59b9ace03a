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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vigil repo find}. */
@Command(name = "find", mixinStandardHelpOptions = true,
        description = {"Find which snapshots hold a file: every entry whose name (a pattern without '/') or path from "
                + "the dataset root (a pattern with '/') matches a PATTERN, snapshot by snapshot, newest first, with "
                + "its type, mode, size and mtime. Patterns are globs with the rules of 'backup --exclude': '*' and "
                + "'?' within a name, '**/' any directories, [a-z], {a,b}, a '/' at the end for directories only; a "
                + "byte as ls shows it, \\xNN. Quote them from the shell.",
            "Only trees are read, never file contents, and a directory unchanged between snapshots is read once. "
                + "Nothing matching is not an error: the command says so and exits 0 (with --json: []), as restic "
                + "find does. A snapshot whose trees cannot be read is named on stderr, the others are searched, and "
                + "the command exits 1.",
            "Example: which of the last 20 snapshots still hold report.ods, in any case?",
            "  vigil repo find -r /backup/docs --dataset docs --newest 20 -i report.ods",
            "then restore it from the snapshot named:",
            "  vigil repo restore -r /backup/docs 1a2b3c4d --target /tmp/r \\",
            "      --include /projects/report.ods",
            ExitCodes.HELP})
final class FindCommand extends RepoSubcommand {
    @Parameters(arity = "1..*", paramLabel = "PATTERN", description = "Glob on the name, or with '/' on the path.")
    List<String> patterns;

    @Option(names = {"--ignore-case", "-i"}, description = "Letters match in either case.")
    boolean ignoreCase;

    @Option(names = "--dataset", paramLabel = "ID", description = "Only snapshots of this dataset.")
    String dataset;

    @Option(names = "--host", paramLabel = "H", description = "Only snapshots taken on this host.")
    String host;

    @Option(names = {"--snapshot", "-s"}, paramLabel = "ID|latest", description = "Only this snapshot (repeatable): "
            + "an id or unique prefix, or 'latest' (the newest one --dataset and --host leave).")
    List<String> snapshots = new ArrayList<>();

    @Option(names = "--newest", paramLabel = "N", description = "Only the N newest snapshots of those chosen (a count; "
            + "restic's --newest is a file time).")
    Integer newest;

    /** The figures the progress line shows, written by the search's one thread. */
    private volatile long treesRead;
    private volatile long entries;
    private volatile long matches;
    private volatile int searched;

    @Override
    int run() throws Exception {
        final FindPattern pattern = FindPattern.of(patterns, ignoreCase); // bad usage before the password prompt
        require(newest == null || newest > 0, "--newest", "at least 1", newest);
        try (Repository r = repo.open()) {
            final SnapshotStore store = new SnapshotStore(r);
            final List<Snapshot> chosen = choose(store);
            for (final String damaged : store.damaged()) {
                err.println("warning: " + damaged + " (not searched; 'vigil repo forget ID' removes it)");
            }
            final Search search = new Search(pattern, id -> {
                final List<Node> nodes = Tree.decode(r.loadBlob(BlobType.TREE, id), "tree " + id);
                treesRead++;
                entries += nodes.size();
                return nodes;
            });
            final Printer printer = new Printer();
            int withMatches = 0;
            final List<String> failed = new ArrayList<>();
            try (ProgressLine progress = new ProgressLine(interactive(), err, () -> "snapshot " + (searched + 1)
                    + " of " + chosen.size() + ", " + entries + " entries in " + treesRead + " trees, " + matches
                    + " matches")) {
                for (final Snapshot s : chosen) {
                    final List<Search.Hit> hits;
                    try {
                        hits = search.in(BlobId.parse(s.tree()));
                    } catch (BackupException e) {
                        // the other snapshots may still hold the file: say which one could not be searched, go on
                        failed.add(s.shortId());
                        err.println("vigil repo: snapshot " + s.shortId() + ": " + e.getMessage() + " (not searched "
                                + "whole; 'vigil repo check' tells the damage)");
                        continue;
                    } finally {
                        searched++;
                    }
                    if (!hits.isEmpty()) {
                        withMatches++;
                        matches += hits.size();
                        printer.print(s, hits);
                    }
                }
            } catch (Exception e) {
                printer.close(); // what was found stays a whole JSON array; the error document follows
                throw e;
            }
            printer.finish();
            if (!json) {
                out.println(summary(chosen, withMatches));
            }
            if (!failed.isEmpty()) {
                // after the matches found, as ls does: with --json the array, then the error document
                throw new BackupException(failed.size() + " snapshot(s) could not be searched whole: "
                        + String.join(", ", failed));
            }
            return ExitCodes.OK;
        }
    }

    /** @return the snapshots to search, newest first */
    private List<Snapshot> choose(final SnapshotStore store) {
        final List<Snapshot> all = new ArrayList<>(store.list().stream()
                .filter(s -> dataset == null || dataset.equals(s.dataset()))
                .filter(s -> host == null || host.equals(s.host())).toList());
        all.sort(Comparator.comparing(Snapshot::instant).thenComparing(Snapshot::id).reversed());
        List<Snapshot> chosen = all;
        if (!snapshots.isEmpty()) {
            final Map<String, Snapshot> named = new LinkedHashMap<>();
            for (final String ref : snapshots) {
                final Snapshot s;
                if ("latest".equals(ref)) {
                    if (!store.damaged().isEmpty()) {
                        store.resolve("latest", dataset); // refuses: the newest may be the file that cannot be read
                    }
                    if (all.isEmpty()) {
                        throw new BackupException("no snapshot" + (dataset == null ? "" : " of dataset "
                                + FileNames.display(dataset)) + (host == null ? "" : " of host "
                                + FileNames.display(host)) + " to take as 'latest'");
                    }
                    s = all.get(0);
                } else {
                    s = resolve(store, ref, null, null);
                }
                named.put(s.id(), s);
            }
            chosen = new ArrayList<>(named.values());
            chosen.sort(Comparator.comparing(Snapshot::instant).thenComparing(Snapshot::id).reversed());
        }
        if (newest != null && chosen.size() > newest) {
            chosen = chosen.subList(0, newest);
        }
        if (chosen.isEmpty()) {
            err.println("no snapshot to search" + (dataset == null ? "" : " of dataset " + FileNames.display(dataset))
                    + (host == null ? "" : " of host " + FileNames.display(host)) + " ('vigil repo snapshots' lists "
                    + "them)");
        }
        return chosen;
    }

    private String summary(final List<Snapshot> chosen, final int withMatches) {
        final String span = chosen.isEmpty() ? "" : " (" + second(chosen.get(chosen.size() - 1)) + " to "
                + second(chosen.get(0)) + ")";
        if (matches == 0) {
            return "no entry matches " + String.join(", ", patterns.stream().map(p -> "'" + FileNames.display(p) + "'")
                    .toList()) + " in " + chosen.size() + " snapshots searched" + span;
        }
        return matches + " matches in " + withMatches + " of " + chosen.size() + " snapshots searched" + span + "; "
                + treesRead + " trees read";
    }

    private static Instant second(final Snapshot s) {
        return s.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    /** Prints a snapshot's matches as they are found; with --json, one array of all of them. */
    private final class Printer {
        private SequenceWriter array;

        void print(final Snapshot s, final List<Search.Hit> hits) throws java.io.IOException {
            if (!json) {
                out.println("snapshot " + s.shortId() + "  " + second(s) + "  " + FileNames.display(s.dataset())
                        + "  " + FileNames.display(s.host()) + "  (" + hits.size()
                        + (hits.size() == 1 ? " match)" : " matches)"));
                for (final Search.Hit h : hits) {
                    out.printf("  %-7s %04o %12d  %s  /%s%n", h.type().name().toLowerCase(), h.mode(), h.size(),
                            Instant.EPOCH.plusNanos(h.mtimeNanos()), FileNames.display(h.path()));
                }
                return;
            }
            if (array == null) {
                array = jsonArray();
            }
            for (final Search.Hit h : hits) {
                final Map<String, Object> row = new LinkedHashMap<>();
                row.put("snapshot", s.id());
                row.put("time", s.time());
                row.put("dataset", s.dataset());
                row.put("path", "/" + FileNames.display(h.path()));
                row.put("type", h.type().name().toLowerCase());
                row.put("size", h.size());
                row.put("mtime", Instant.EPOCH.plusNanos(h.mtimeNanos()).toString());
                row.put("mode", String.format("%04o", h.mode()));
                array.write(row);
            }
        }

        /** Ends the JSON array: an empty one when nothing matched. */
        void finish() throws Exception {
            if (array == null && json) {
                printJson(List.of());
            }
            close();
        }

        /** Ends the JSON array if one was started. */
        void close() throws java.io.IOException {
            if (array != null) {
                array.close();
                array = null;
                out.println();
            }
        }
    }

    /**
     * The walk of snapshots' trees, each directory read once: what matches under a tree is kept by its id (and its
     * path, when a pattern looks at paths), so the same directory in the next snapshot costs a map lookup. Holds the
     * matches of every directory read, not its other entries.
     */
    static final class Search {
        private final FindPattern pattern;
        private final Function<BlobId, List<Node>> trees;
        private final Map<Object, List<Hit>> seen = new HashMap<>();

        /**
         * One matching entry.
         *
         * @param path its path from the dataset root, names as trees hold them
         * @param type its type
         * @param mode its permission bits
         * @param size bytes of a file, 0 for a device (whose size field holds its number)
         * @param mtimeNanos modification time, ns since the epoch
         */
        record Hit(String path, NodeType type, int mode, long size, long mtimeNanos) {
        }

        private record PlacedTree(BlobId tree, String path) {
        }

        /**
         * @param pattern what to find
         * @param trees reads a tree's entries
         */
        Search(final FindPattern pattern, final Function<BlobId, List<Node>> trees) {
            this.pattern = pattern;
            this.trees = trees;
        }

        /**
         * @param root a snapshot's root tree
         * @return the entries under it that match, in tree order
         * @throws BackupException naming the path of a tree that cannot be read
         */
        List<Hit> in(final BlobId root) {
            return relative(root, "");
        }

        /** @return the matches under the tree at {@code path}, their paths from that tree */
        private List<Hit> relative(final BlobId tree, final String path) {
            final Object key = pattern.onPaths() ? new PlacedTree(tree, path) : tree;
            final List<Hit> known = seen.get(key);
            if (known != null) {
                return known;
            }
            final List<Node> nodes;
            try {
                nodes = trees.apply(tree);
            } catch (BackupException e) {
                throw new BackupException("/" + FileNames.display(path) + ": " + e.getMessage(), e);
            }
            // relative to this tree, so the same tree elsewhere (a directory moved) reports its own paths
            final List<Hit> hits = new ArrayList<>();
            for (final Node n : nodes) {
                final String p = path.isEmpty() ? n.name() : path + "/" + n.name();
                if (pattern.matches(p, n.name(), n.type() == NodeType.DIR)) {
                    hits.add(new Hit(n.name(), n.type(), n.mode(), n.deviceNumber() == null ? n.size() : 0L,
                            n.mtimeNanos()));
                }
                if (n.type() == NodeType.DIR) {
                    for (final Hit h : relative(n.subtree(), p)) {
                        hits.add(new Hit(n.name() + "/" + h.path(), h.type(), h.mode(), h.size(), h.mtimeNanos()));
                    }
                }
            }
            final List<Hit> found = hits.isEmpty() ? List.of() : List.copyOf(hits);
            seen.put(key, found);
            return found;
        }
    }
}
