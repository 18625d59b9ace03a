package dev.vigil.backup.retention;

import dev.vigil.backup.snapshot.Snapshot;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Which snapshots of a dataset to keep (restic's forget policy, kopia's RetentionPolicy). Walking
 * from the newest, a snapshot is kept by a rule when it is the newest of a period (hour, day,
 * week, month, year) that the rule has not kept yet and the rule's count is not used up; keepLast
 * keeps the newest n; keepWithin every snapshot less than its duration older than the newest. A
 * snapshot kept by any rule is kept. Protected snapshots are always kept and take no rule's place:
 * the counts are of the others, as a protected snapshot may be evidence (data suspected damaged)
 * that no restore takes, and must not push out the clean snapshot before it (restic's --keep-tag
 * snapshots do take a place). Periods are in the given time zone.
 *
 * @param keepLast newest snapshots to keep, &gt;= 0
 * @param keepHourly hours, &gt;= 0
 * @param keepDaily days, &gt;= 0
 * @param keepWeekly ISO weeks, &gt;= 0
 * @param keepMonthly months, &gt;= 0
 * @param keepYearly years, &gt;= 0
 * @param keepWithin every snapshot less than this before the newest unprotected one, or {@link KeepWithin#NONE}
 */
public record RetentionPolicy(int keepLast, int keepHourly, int keepDaily, int keepWeekly, int keepMonthly,
                              int keepYearly, KeepWithin keepWithin) {
    /** Validates the counts. */
    public RetentionPolicy {
        for (final int n : new int[] {keepLast, keepHourly, keepDaily, keepWeekly, keepMonthly, keepYearly}) {
            if (n < 0) {
                throw new IllegalArgumentException("retention counts must be >= 0, was " + n);
            }
        }
        java.util.Objects.requireNonNull(keepWithin, "keepWithin");
    }

    /** A policy of counts only (the worker's: the registry's retention has no window). */
    public RetentionPolicy(final int keepLast, final int keepHourly, final int keepDaily, final int keepWeekly,
                           final int keepMonthly, final int keepYearly) {
        this(keepLast, keepHourly, keepDaily, keepWeekly, keepMonthly, keepYearly, KeepWithin.NONE);
    }

    /** @return the rules for people: "keep last 7, hourly 0, daily 7, weekly 4, monthly 12, yearly 0[, within 30d]" */
    public String describe() {
        return "keep last " + keepLast + ", hourly " + keepHourly + ", daily " + keepDaily + ", weekly " + keepWeekly
                + ", monthly " + keepMonthly + ", yearly " + keepYearly
                + (keepWithin.none() ? "" : ", within " + keepWithin);
    }

    /** @return whether no rule keeps anything (forget would remove every unprotected snapshot) */
    public boolean keepsNothing() {
        return keepLast == 0 && keepHourly == 0 && keepDaily == 0 && keepWeekly == 0 && keepMonthly == 0
                && keepYearly == 0 && keepWithin.none();
    }

    /**
     * A decision for one snapshot.
     *
     * @param snapshot the snapshot
     * @param keep whether it stays
     * @param reasons the rules that keep it
     */
    public record Decision(Snapshot snapshot, boolean keep, List<String> reasons) {
    }

    /**
     * @param snapshots snapshots of one dataset, any order
     * @param zone time zone of the periods
     * @return one decision per snapshot, newest first, with no bound on keepWithin's window (a policy without one)
     */
    public List<Decision> apply(final List<Snapshot> snapshots, final ZoneId zone) {
        return apply(snapshots, zone, Instant.MAX);
    }

    /**
     * @param snapshots snapshots of one dataset, any order
     * @param zone time zone of the periods
     * @param now the current time: keepWithin's window ends at the newest snapshot before it
     * @return one decision per snapshot, newest first
     */
    public List<Decision> apply(final List<Snapshot> snapshots, final ZoneId zone, final Instant now) {
        final List<Snapshot> newest = new ArrayList<>(snapshots);
        // ties by id, so that the same snapshots get the same decisions in whatever order a caller lists them
        newest.sort(Comparator.comparing(Snapshot::instant).reversed()
                .thenComparing(Snapshot::id, Comparator.nullsLast(Comparator.naturalOrder())));
        final Map<String, Function<ZonedDateTime, String>> rules = new LinkedHashMap<>();
        final Map<String, Integer> left = new HashMap<>();
        rules.put("hourly", t -> t.getYear() + "-" + t.getDayOfYear() + "-" + t.getHour());
        left.put("hourly", keepHourly);
        rules.put("daily", t -> t.getYear() + "-" + t.getDayOfYear());
        left.put("daily", keepDaily);
        rules.put("weekly", t -> t.get(IsoFields.WEEK_BASED_YEAR) + "-W" + t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
        left.put("weekly", keepWeekly);
        rules.put("monthly", t -> t.getYear() + "-" + t.getMonthValue());
        left.put("monthly", keepMonthly);
        rules.put("yearly", t -> Integer.toString(t.getYear()));
        left.put("yearly", keepYearly);
        final Map<String, String> lastBucket = new HashMap<>();
        final List<Decision> out = new ArrayList<>();
        // as restic, the window ends at the newest snapshot, not now: a dataset whose backups stopped keeps its last
        // ones; but not at one in the future, lest one from a host whose clock ran ahead push every real one out (with
        // none before now, restic keeps all); protected snapshots take no rule's place, so they do not end it either
        final Instant since = newest.stream().filter(s -> !s.protectedSnapshot() && s.instant().isBefore(now))
                .findFirst().map(s -> keepWithin.since(s.instant(), zone)).orElse(Instant.MIN);
        int lastLeft = keepLast;
        for (final Snapshot s : newest) {
            if (s.protectedSnapshot()) {
                out.add(new Decision(s, true, List.of("protected")));
                continue;
            }
            final List<String> reasons = new ArrayList<>();
            if (!keepWithin.none() && s.instant().isAfter(since)) {
                reasons.add("within " + keepWithin);
            }
            if (lastLeft > 0) {
                reasons.add("last");
                lastLeft--;
            }
            final ZonedDateTime t = s.instant().atZone(zone);
            for (final Map.Entry<String, Function<ZonedDateTime, String>> r : rules.entrySet()) {
                final String bucket = r.getValue().apply(t);
                if (left.get(r.getKey()) > 0 && !bucket.equals(lastBucket.get(r.getKey()))) {
                    lastBucket.put(r.getKey(), bucket);
                    left.merge(r.getKey(), -1, Integer::sum);
                    reasons.add(r.getKey());
                }
            }
            out.add(new Decision(s, !reasons.isEmpty(), reasons));
        }
        return out;
    }
}
