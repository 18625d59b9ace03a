package dev.vigil.backup.cli;

import dev.vigil.backup.BackupException;
import dev.vigil.backup.InvalidDataException;
import dev.vigil.backup.lock.RepoLock;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.retention.KeepWithin;
import dev.vigil.backup.retention.Pruner;
import dev.vigil.backup.retention.RetentionPolicy;
import dev.vigil.backup.snapshot.Snapshot;
import dev.vigil.backup.snapshot.SnapshotStore;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vigil repo forget}. */
@Command(name = "forget", mixinStandardHelpOptions = true,
        description = {"Forget snapshots by policy, per dataset and host: a snapshot kept by any --keep-* rule stays, "
            + "protected snapshots always stay and take no rule's place (the counts are of the others). Or forget the "
            + "snapshots named (a damaged one too). Data is removed only by prune (--prune runs it after).",
            ExitCodes.HELP})
final class ForgetCommand extends RepoSubcommand {
    private static final String NOT_PRUNED = "not pruned: a dry run forgets nothing, so there is nothing to prune yet "
            + "('vigil repo prune --dry-run' after the forget says what it would free)";
    @Option(names = "--keep-last", defaultValue = "0", description = "Keep the newest N.")
    int last;
    @Option(names = "--keep-hourly", defaultValue = "0", description = "Keep the newest of each of the last N hours "
            + "that have one.")
    int hourly;
    @Option(names = "--keep-daily", defaultValue = "0", description = "Keep the newest of each of the last N days "
            + "that have one.")
    int daily;
    @Option(names = "--keep-weekly", defaultValue = "0", description = "Keep the newest of each of the last N ISO "
            + "weeks (Monday to Sunday) that have one.")
    int weekly;
    @Option(names = "--keep-monthly", defaultValue = "0", description = "Keep the newest of each of the last N months "
            + "that have one.")
    int monthly;
    @Option(names = "--keep-yearly", defaultValue = "0", description = "Keep the newest of each of the last N years "
            + "that have one.")
    int yearly;
    @Option(names = "--keep-within", paramLabel = "DURATION", description = "Keep every snapshot less than this "
            + "older than the newest before now of its dataset and host (restic's form: 1y6m, 30d, 2d12h; m is "
            + "months).")
    String within;
    @Option(names = "--time-zone", paramLabel = "ZONE", description = "Time zone of the hours, days, weeks, months "
            + "and years (default: this machine's, as the worker uses its host's), e.g. Europe/Berlin or UTC.")
    ZoneId zone = ZoneId.systemDefault();
    @Option(names = "--dataset", description = "Only this dataset.")
    String dataset;
    @Option(names = "--dry-run", description = "Only say what would be forgotten.")
    boolean dryRun;
    @Option(names = "--prune", description = "Prune after forgetting.")
    boolean prune;
    @Parameters(arity = "0..*", paramLabel = "SNAPSHOT", description = "Forget these snapshots (id or unique prefix) "
            + "instead of applying a policy; a protected one is refused unless --allow-protected.")
    List<String> ids = new ArrayList<>();
    @Option(names = "--allow-protected", description = "Forget the snapshots named even if protected (e.g. evidence "
            + "of an incident that is closed). A --keep-* policy never forgets a protected snapshot.")
    boolean allowProtected;

    @Override
    int run() throws Exception {
        final String[] names = {"--keep-last", "--keep-hourly", "--keep-daily", "--keep-weekly", "--keep-monthly",
            "--keep-yearly"};
        final int[] counts = {last, hourly, daily, weekly, monthly, yearly};
        for (int i = 0; i < names.length; i++) {
            // restic 0.15 and later read -1 as "all": an operator used to it must learn here that it is not so
            require(counts[i] >= 0, names[i], ">= 0 (restic's -1, all, is not offered: give a count)", counts[i]);
        }
        final RetentionPolicy policy = new RetentionPolicy(last, hourly, daily, weekly, monthly, yearly,
                within == null ? KeepWithin.NONE : KeepWithin.parse(within));
        if (!ids.isEmpty()) {
            if (!policy.keepsNothing() || dataset != null) {
                throw new IllegalArgumentException("forget: give snapshots or --keep-* rules, not both");
            }
            return forgetNamed();
        }
        if (allowProtected) {
            throw new IllegalArgumentException("forget: --allow-protected applies to snapshots named by id only");
        }
        if (policy.keepsNothing()) {
            throw new IllegalArgumentException("forget: give at least one --keep-* rule of 1 or more (refusing to "
                    + "forget everything)");
        }
        try (Repository r = repo.open(); RepoLock lock = RepoLock.acquire(r, !dryRun, clock)) {
            final SnapshotStore store = new SnapshotStore(r);
            final Map<Group, List<Snapshot>> groups = groups(store);
            final List<Map<String, Object>> decisions = new ArrayList<>();
            for (final List<Snapshot> group : groups.values()) {
                for (final RetentionPolicy.Decision d : policy.apply(group, zone, clock.instant())) {
                    decisions.add(row(d));
                    if (!d.keep() && !dryRun) {
                        store.remove(d.snapshot().id());
                    }
                }
            }
            Pruner.Result pruned = null;
            if (prune && !dryRun) {
                pruned = new Pruner(r).prune(0.5);
            }
            if (json) {
                final Map<String, Object> o = new LinkedHashMap<>();
                o.put("zone", zone.getId());
                o.put("snapshots", decisions);
                o.put("prune", pruned);
                printJson(o);
            } else {
                out.printf("%s, periods in %s%n", policy.describe(), zone.getId());
                for (final Map<String, Object> d : decisions) {
                    out.printf("%s %s %s %s %s %s%n", (Boolean) d.get("keep") ? "keep  " : (dryRun ? "would forget"
                            : "forget"), d.get("id").toString().substring(0, 8), d.get("localTime"), d.get("dataset"),
                            d.get("host"), d.get("reasons"));
                }
                if (pruned != null) {
                    out.printf("pruned: %d packs deleted, %d repacked, %s freed%n", pruned.packsDeleted(),
                            pruned.packsRepacked(), bytes(pruned.bytesFreed()));
                } else if (prune) {
                    // prune's own dry run counts the snapshots still there, so it cannot tell what this forget frees
                    out.println(NOT_PRUNED);
                }
            }
            return ExitCodes.OK;
        }
    }

    /** @return the snapshots to decide on, per dataset and host; warns when --dataset names none */
    private Map<Group, List<Snapshot>> groups(final SnapshotStore store) {
        // per dataset and host, as restic's per host and paths: two hosts that back up the same path by hand
        // share its dataset id, and one's newer snapshots must not push out every one of the other's
        final List<Snapshot> all = store.list();
        final Map<Group, List<Snapshot>> groups = all.stream()
                .filter(s -> dataset == null || dataset.equals(s.dataset()))
                .collect(Collectors.groupingBy(s -> new Group(s.dataset(), s.host()), LinkedHashMap::new,
                        Collectors.toList()));
        if (dataset != null && groups.isEmpty()) {
            // a mistyped id forgets nothing, as it should, but must not look like a policy that kept everything
            err.println("warning: no snapshot of dataset '" + dataset + "' (datasets: " + all.stream()
                    .map(Snapshot::dataset).distinct().sorted().collect(Collectors.joining(", ")) + ")");
        }
        return groups;
    }

    /** @return one decision as the output shows it */
    private Map<String, Object> row(final RetentionPolicy.Decision d) {
        final Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", d.snapshot().id());
        row.put("dataset", d.snapshot().dataset());
        row.put("host", d.snapshot().host());
        row.put("time", d.snapshot().time());
        // the periods are the zone's: its clock time shows why two snapshots share a day
        row.put("localTime", DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(d.snapshot().instant().atZone(zone)));
        row.put("keep", d.keep());
        row.put("reasons", d.reasons());
        return row;
    }

    /** The snapshots a policy decides on together. */
    private record Group(String dataset, String host) {
    }

    private int forgetNamed() throws Exception {
        try (Repository r = repo.open(); RepoLock lock = RepoLock.acquire(r, !dryRun, clock)) {
            final SnapshotStore store = new SnapshotStore(r);
            final List<String> full = new ArrayList<>();
            final Map<String, String> replaced = new LinkedHashMap<>();
            for (final String ref : ids) {
                final String id = store.idOf(ref);
                noteReplaced(ref, id);
                if (!id.startsWith(ref)) {
                    replaced.put(ref, id);
                }
                Snapshot s = null;
                try {
                    s = store.load(id);
                } catch (InvalidDataException e) {
                    err.println("warning: " + e.getMessage() + " (forgotten all the same: it cannot be restored)");
                }
                if (s != null && s.protectedSnapshot() && !allowProtected) {
                    throw new BackupException("snapshot " + s.shortId() + " is protected" + (SnapshotStore.tagged(s,
                            dev.vigil.schemas.SnapshotTags.EVIDENCE) ? " (evidence of an incident)" : "")
                            + "; --allow-protected forgets it all the same");
                }
                full.add(id);
            }
            if (!dryRun) {
                full.forEach(store::remove);
            }
            final Pruner.Result pruned = prune && !dryRun ? new Pruner(r).prune(0.5) : null;
            if (json) {
                final Map<String, Object> o = new LinkedHashMap<>();
                o.put("forgotten", full);
                if (!replaced.isEmpty()) {
                    o.put("replaced", replaced); // each id named of a snapshot marked protected since, and its new id
                }
                o.put("prune", pruned);
                printJson(o);
            } else {
                out.println((dryRun ? "would forget " : "forgot ") + full.size() + " snapshots: " + String.join(", ",
                        full.stream().map(id -> id.substring(0, 8)).toList()));
                if (pruned != null) {
                    out.printf("%d packs deleted, %d repacked, %s freed%n", pruned.packsDeleted(),
                            pruned.packsRepacked(), bytes(pruned.bytesFreed()));
                } else if (prune) {
                    out.println(NOT_PRUNED);
                }
            }
            return ExitCodes.OK;
        }
    }
}
