package dev.vigil.decision.engine;

import dev.vigil.decision.state.DatasetState;
import dev.vigil.decision.state.Intent;
import dev.vigil.schemas.BackupResult;
import dev.vigil.schemas.DatasetSpec;
import dev.vigil.schemas.DecisionSource;
import dev.vigil.schemas.Durations;
import dev.vigil.schemas.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;

/**
 * A dataset emptied over days, as its backups show it: each holds a few percent fewer files than the one before, so
 * the worker's loss guard (half of the last snapshot's files gone at once) never fires, and the file activity's views
 * (a change-rate window, the activity horizon) may hold too little of it, or have missed it (a collector that was not
 * watching). Compared with the most files a snapshot of the last week held, a backup that holds far fewer is escalated,
 * once per such snapshot, naming it: retention may forget it soon.
 */
final class Shrinking {
    /** How far back a backup is compared. */
    static final Duration WINDOW = Duration.ofDays(7);
    /** A backup holding at most this share of the files of the window's fullest snapshot is escalated. */
    static final double SHARE = 0.7;
    /** Fewer files than this in the fullest snapshot say nothing. */
    static final long FLOOR = 20;

    private Shrinking() {
    }

    /** Compares a successful backup, just recorded, with the window's snapshots. */
    static void check(final Session s, final DatasetSpec spec, final DatasetState state, final BackupResult r) {
        if (!Intent.isBackup(r.getAction()) || r.getFigures() == null || r.getSnapshotId() == null) {
            return;
        }
        final DatasetState.Snapshot now = state.snapshots.stream().filter(x -> x.id().equals(r.getSnapshotId()))
                .findFirst().orElse(null);
        // not against a snapshot from before a loss the worker's guard reported (data-loss): said once, and that
        // snapshot was renamed when the worker protected it
        final long since = Math.max(s.nowMs - WINDOW.toMillis(), state.lossSaidAt);
        final DatasetState.Snapshot peak = state.snapshots.stream()
                .filter(x -> x.files() > 0 && x.time() >= since && x != now)
                .max(Comparator.comparingLong(DatasetState.Snapshot::files)).orElse(null);
        if (now == null || peak == null || peak.time() > now.time() || peak.files() < FLOOR
                || now.files() > peak.files() * SHARE || peak.id().equals(state.shrinkSaidFor)) {
            return;
        }
        state.shrinkSaidFor = peak.id();
        final long backups = state.snapshots.stream().filter(x -> x.time() > peak.time() && x.time() <= now.time())
                .count();
        final String shortId = DatasetState.Snapshot.shortId(peak.id());
        s.note(spec.getHost(), spec.getId(), Outcome.ESCALATED, DecisionSource.POLICY, "shrinking", r.getAction(),
                r.getId(), "dataset " + spec.getId() + " holds " + now.files() + " files in snapshot "
                        + r.getSnapshotId()
                        + ", " + Math.round(100.0 * (peak.files() - now.files()) / peak.files()) + "% fewer than the "
                        + peak.files() + " of snapshot " + shortId + " " + Durations.format(Duration.ofSeconds(
                        (now.time() - peak.time()) / 1000)) + " before (" + Instant.ofEpochMilli(peak.time()) + "), "
                        + "lost over " + backups + " backup(s), none of which lost enough at once for the worker's "
                        + "loss guard: a person is needed. Removed on purpose: nothing to do. Else restore what is "
                        + "missing from that snapshot (vigil repo restore " + shortId + " --repo "
                        + spec.getRepository() + " --target DIR) before the dataset's retention forgets it");
    }
}
