package dev.vigil.decision.engine;

import dev.vigil.decision.guard.Guard;
import dev.vigil.decision.state.DatasetState;
import dev.vigil.decision.state.Intent;
import dev.vigil.schemas.Action;
import dev.vigil.schemas.BackupResult;
import dev.vigil.schemas.ByteSizes;
import dev.vigil.schemas.CommandStatus;
import dev.vigil.schemas.DatasetSpec;
import dev.vigil.schemas.DecisionSource;
import dev.vigil.schemas.Durations;
import dev.vigil.schemas.Feedback;
import dev.vigil.schemas.Figures;
import dev.vigil.schemas.Outcome;
import dev.vigil.schemas.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * What happens after a decision: worker results update the state (last success per level, chain,
 * changes since the FULL, failures with backoff and escalation), operators answer proposals, and
 * commands or proposals that outlive their time are written off.
 */
final class Ledger {
    /** How long after its expiry a command without a result is written off (a result may be on its way). */
    static final Duration EXPIRY_GRACE = Duration.ofMinutes(1);
    /**
     * How long a command may go without the worker's ACCEPTED, while the dataset's RPO is exceeded, before a person is
     * called (at most command.ttl): a worker takes a command within seconds unless it runs another one, and waiting for
     * the command to expire (command.ttl, three times before the failures escalate) leaves the RPO missed for a day.
     */
    static final Duration SILENCE = Duration.ofMinutes(15);
    /** Backups that keep failing past the RPO are escalated again at most this often (or once per RPO, if longer). */
    static final Duration OVERDUE_REPEAT = Duration.ofDays(1);
    /** A result dated further than this from the engine's own time is said to come from a worker whose clock is off. */
    static final Duration SKEW = Duration.ofMinutes(5);
    private final Decisions decisions;
    /**
     * When this engine first looked at commands in flight, epoch ms; 0 before. A command's silence counts from then at
     * the earliest: an engine that was itself stopped heard no PROGRESS meanwhile, and reads the reports sent then only
     * after its first ticks.
     */
    private volatile long listeningSince;

    Ledger(final Decisions decisions) {
        this.decisions = decisions;
    }

    void result(final Session s, final DatasetSpec spec, final DatasetState state, final BackupResult r) {
        final boolean done = r.getStatus() == CommandStatus.SUCCEEDED || r.getStatus() == CommandStatus.FAILED
                || r.getStatus() == CommandStatus.REJECTED;
        if (done && !state.firstResult(r.getCommandId(), r.getStatus().name())) {
            s.note(spec.getHost(), spec.getId(), Outcome.NO_ACTION, DecisionSource.WORKER, null, r.getAction(),
                    r.getId(), "result " + r.getId() + " (" + r.getAction() + " " + r.getStatus().name()
                            .toLowerCase(Locale.ROOT) + ", command " + r.getCommandId() + ") received again (a worker "
                            + "restarted after a crash reports what it had done again): counted once");
            return;
        }
        final DatasetState.InFlight flight = state.inFlight.get(r.getCommandId());
        // a result of a command written off while the worker still ran it (past command.ttl) or could not deliver its
        // result (the cluster away) corrects that
        final DatasetState.WrittenOff late = flight == null && done ? state.lateOf(r.getCommandId()).orElse(null)
                : null;
        final long time = time(s, r, flight != null ? flight.issuedAt() : late != null ? late.issuedAt()
                : Long.MIN_VALUE);
        // a late one too: the restore wrote into the dataset until then, and the collector's intervals up to then
        // show its writes, not its users'
        final boolean restoredInto = flight != null ? Guard.restoresInto(flight.intent(), spec)
                : late != null && late.restoresInto();
        if (restoredInto && (r.getStatus() == CommandStatus.SUCCEEDED || r.getStatus() == CommandStatus.FAILED)) {
            state.restoredIntoAt = Math.max(state.restoredIntoAt, time);
            state.rewriteRun = null; // the restore put back what the run rewrote: a rewrite after it is a new run
            if (r.getStatus() == CommandStatus.SUCCEEDED) {
                // and the files it restored: a later restore of deleted paths neither lists those nor restores from
                // before them; the others stay lost, and a slow loss elsewhere in the dataset keeps its count
                final Intent did = flight != null ? flight.intent() : late.intent();
                if (did == null) {
                    state.forgetDeletions(); // a written-off restore of chosen paths, whose list was not kept
                } else if (did.replacePaths()) {
                    // the files a run rewrote or deleted: its deletions among them, not those of other paths since
                    // then (rewritten files are no deletions), and its rewrites, as a whole snapshot's restore does
                    state.restored(did.paths(), null);
                    if (did.beforeTime() != null) {
                        state.rewritesRestored(did.beforeTime());
                    }
                } else {
                    state.restored(did.paths(), did.paths().isEmpty() ? snapshotTime(state, did, r,
                            flight != null ? flight.issuedAt() : late.issuedAt()) : did.beforeTime());
                }
            }
        }
        if (flight != null) {
            state.silenceEscalatedAt = 0; // the worker speaks: a later silence is escalated again
        }
        switch (r.getStatus()) {
            case ACCEPTED, PROGRESS -> {
                // the worker runs it: it stays in flight while these come (expire), however long it runs; a PROGRESS
                // says it was accepted too, whose ACCEPTED may have been lost (both are best-effort reports)
                if (flight != null) {
                    state.inFlight.put(flight.commandId(), flight.heard(s.nowMs));
                } else {
                    revive(s, spec, state, r);
                }
            }
            case SUCCEEDED -> {
                state.inFlight.remove(r.getCommandId());
                final DatasetState.Failure run = state.failures.get(Intent.laneOf(r.getAction()));
                succeeded(state, r, flight, time);
                s.note(spec.getHost(), spec.getId(), Outcome.RESULT, DecisionSource.WORKER, null, r.getAction(),
                        r.getId(), late == null ? summary(r) + skew(r, time)
                                : "late result: " + summary(r) + corrected(state, late, time, run) + skew(r, time));
                if (r.getProtectedSnapshotId() != null) {
                    state.lossSaidAt = Math.max(state.lossSaidAt, time);
                    lost(s, spec, r);
                } else if (late == null) {
                    Shrinking.check(s, spec, state, r);
                }
            }
            case FAILED, REJECTED -> {
                state.inFlight.remove(r.getCommandId());
                final String what = r.getAction() + " " + r.getStatus().name().toLowerCase(Locale.ROOT) + ": "
                        + r.getMessage();
                if (late != null) {
                    s.note(spec.getHost(), spec.getId(), Outcome.RESULT, DecisionSource.WORKER, null, r.getAction(),
                            r.getId(), "late result: " + what + writtenOff(late) + ": counted once already, as the "
                                    + "write-off");
                } else if (flight == null) {
                    s.note(spec.getHost(), spec.getId(), Outcome.RESULT, DecisionSource.WORKER, null, r.getAction(),
                            r.getId(), what + " (command " + r.getCommandId() + " not in flight; not counted)");
                } else {
                    failed(s, spec, state, flight.intent(), what, r.getStatus() == CommandStatus.FAILED
                            && r.getRetriable(), DecisionSource.WORKER, r.getId());
                }
            }
            default -> {
                // UNKNOWN changes nothing the engine decides on.
            }
        }
    }

    /**
     * Puts a command written off as silent back in flight when the worker reports on it again: its host lost the
     * cluster for longer than command.silence.max while this engine did not, and the command ran on. Left written off,
     * its retry went out (one more snapshot, or a second restore) and the failure stood until the final result came.
     * The failure the write-off counted is undone and the retry not issued yet called off (a retry waits while a
     * command of its lane is in flight); one issued already goes on.
     */
    private static void revive(final Session s, final DatasetSpec spec, final DatasetState state,
                               final BackupResult r) {
        final DatasetState.WrittenOff off = state.revivable(r.getCommandId()).orElse(null);
        if (off == null) {
            return;
        }
        final String lane = Intent.laneOf(off.action());
        final DatasetState.InFlight issued = state.inFlightIn(lane).orElse(null);
        state.inFlight.put(off.commandId(), off.revived(s.nowMs));
        state.silenceEscalatedAt = 0;
        final DatasetState.Failure run = state.failures.get(lane);
        if (run != null && run.count() > 1) {
            state.failures.put(lane, new DatasetState.Failure(run.count() - 1, run.retry(), run.lastAt(),
                    run.nextRetryAt(), run.escalated(), run.message()));
        } else {
            state.failures.remove(lane);
        }
        s.note(spec.getHost(), spec.getId(), Outcome.RESULT, DecisionSource.WORKER, null, r.getAction(), r.getId(),
                "worker reports on command " + off.commandId() + " again after it was written off at "
                        + Instant.ofEpochMilli(off.at()) + ": back in flight, the failure the write-off counted is "
                        + "undone, " + (issued == null ? "the retry is called off" : "the " + issued.action() + " "
                        + issued.commandId() + " issued meanwhile goes on"));
    }

    /**
     * When a result happened, on the engine's clock: the worker's date, but not after now nor before its command was
     * issued. The worker's clock dates it, and a host's clock can be off by a year (a dead CMOS battery, an NTP step):
     * taken as it is, a backup dated ahead made the dataset look backed up until that date (no backup for as long, and a
     * restore "in flight" until then hid ransomware-like rewrites), one dated behind made it look past its RPO at once
     * (a FULL on every cooldown).
     */
    private static long time(final Session s, final BackupResult r, final long issuedAt) {
        return Math.min(s.nowMs, Math.max(r.getTime().toEpochMilli(), issuedAt));
    }

    /** @return when and why a command was written off, for the record of its late result */
    private static String writtenOff(final DatasetState.WrittenOff late) {
        return ", after command " + late.commandId() + " was written off at " + Instant.ofEpochMilli(late.at())
                + (late.heardAt() > 0 ? " (accepted, then no report on it since " + Instant.ofEpochMilli(late.heardAt())
                + ", and it had expired at " : " (no result before it expired at ")
                + Instant.ofEpochMilli(late.expiresAt()) + ")";
    }

    /**
     * What a late success corrects: the write-off no longer counts as a failure (the success ends the run, as any
     * does), and the retry the write-off brought is called off, or, issued already, goes on: the worker backs the
     * dataset up once more, a snapshot that counts like any other.
     */
    private static String corrected(final DatasetState state, final DatasetState.WrittenOff late, final long time,
                                    final DatasetState.Failure run) {
        final StringBuilder b = new StringBuilder("; done at ").append(Instant.ofEpochMilli(time))
                .append(writtenOff(late))
                .append(": the write-off is corrected, ").append(Intent.isBackup(late.action())
                        ? "the snapshot counts in the dataset's backup history" : "it counts as done");
        final DatasetState.InFlight again = state.inFlightIn(Intent.laneOf(late.action())).orElse(null);
        if (again != null) {
            b.append("; ").append(again.action()).append(' ').append(again.commandId()).append(", issued meanwhile, "
                    + "goes on: ").append(Intent.isBackup(again.action()) ? "one more snapshot, which counts like any "
                    + "other" : "done once more, harmless");
        } else if (run != null) {
            b.append("; the retry after ").append(run.count()).append(" failure(s) in a row is called off");
        }
        return b.toString();
    }

    /** @return a note that the worker dated the result where it cannot have happened, or "" */
    private static String skew(final BackupResult r, final long time) {
        final long off = Math.abs(r.getTime().toEpochMilli() - time);
        return off <= SKEW.toMillis() ? "" : " (the worker dated it " + r.getTime() + ", "
                + Durations.format(Duration.ofSeconds(off / 1000)) + " from when it can have happened on the engine's "
                + "clock: the clock of host " + r.getHost() + " is off; taken as " + Instant.ofEpochMilli(time) + ")";
    }

    private static void succeeded(final DatasetState state, final BackupResult r, final DatasetState.InFlight flight,
                                  final long time) {
        final Action action = r.getAction();
        final Figures f = r.getFigures();
        if (Intent.isBackup(action)) {
            final Action level = r.getLevel() != null && Intent.isBackup(r.getLevel()) ? r.getLevel() : action;
            final long files = f == null ? 0 : f.getFilesNew() + f.getFilesChanged() + f.getFilesUnchanged();
            // a late result (re-sent after an outage) may be older than a backup recorded since: it joins the history,
            // but what the newer one says of the dataset now (its files, the chain, the changes since the FULL) stays
            final boolean latest = time >= state.lastBackupAt;
            putIfLater(state, level, new DatasetState.Success(time, r.getSnapshotId(),
                    f == null ? 0 : f.getBytesTotal(), files, r.getCommandId()));
            state.lastBackupAt = Math.max(state.lastBackupAt, time);
            state.firstBackupAt = state.firstBackupAt == 0 ? time : Math.min(state.firstBackupAt, time);
            if (latest) {
                if (f != null) {
                    // 0 too: a dataset emptied on purpose holds 0 files now, and rules relative to its file count must
                    // judge what comes next against that, not against the files it held before
                    state.lastFileCount = files;
                }
                switch (level) {
                    case FULL -> {
                        state.chainLength = 0;
                        state.changedBytesSinceFull = 0;
                        state.changedFilesSinceFull = 0;
                        state.lastFullBytes = f == null ? state.lastFullBytes : f.getBytesTotal();
                    }
                    case DIFFERENTIAL -> state.chainLength = 1;
                    default -> state.chainLength++;
                }
            }
            if (r.getSnapshotId() != null) {
                state.remember(new DatasetState.Snapshot(r.getSnapshotId(), time, level,
                        flight != null && flight.intent().protect(), f == null ? 0 : files));
            }
        } else {
            putIfLater(state, action, new DatasetState.Success(time, r.getSnapshotId(), 0, 0, r.getCommandId()));
        }
        state.failures.remove(Intent.laneOf(action));
        if (Intent.isBackup(action)) {
            state.overdueEscalatedAt = 0;
        }
    }

    /** Records the last success of an action, unless a later one is recorded already (a late result's is older). */
    private static void putIfLater(final DatasetState state, final Action action, final DatasetState.Success success) {
        state.success.merge(action.name(), success, (was, now) -> now.time() >= was.time() ? now : was);
    }

    /**
     * Escalates a backup that lost most of the dataset's files or bytes: an unmounted file system, a deletion, a
     * truncation, or a clean-up. The worker kept the snapshot before the loss from retention; whether the data must
     * come back, or that snapshot may go, only a person can say. Said once: the next backup compares with the one
     * after the loss, so the worker does not report the same loss again.
     */
    private static void lost(final Session s, final DatasetSpec spec, final BackupResult r) {
        final String kept = r.getProtectedSnapshotId();
        final String shortId = DatasetState.Snapshot.shortId(kept);
        s.note(spec.getHost(), spec.getId(), Outcome.ESCALATED, DecisionSource.POLICY, "data-loss", r.getAction(),
                r.getId(), "the " + r.getAction() + " of dataset " + spec.getId() + " on " + spec.getHost()
                        + " lost most of its files or bytes (" + r.getMessage() + "): a person is needed. Snapshot "
                        + shortId + ", the last before the loss, is protected from retention. Lost by mistake (a file "
                        + "system not mounted, a deletion, a truncation): mount " + spec.getPath() + " or restore it "
                        + "from that snapshot (vigil repo restore " + shortId + " --repo " + spec.getRepository()
                        + " --target DIR). Emptied on purpose: 'vigil repo forget --allow-protected " + shortId
                        + "' once that snapshot is not needed");
    }

    /** Counts a failure: backoff for the retry, escalation after N in a row or when retrying cannot help. */
    void failed(final Session s, final DatasetSpec spec, final DatasetState state, final Intent intent,
                final String what, final boolean retriable, final DecisionSource source, final String trigger) {
        final DatasetState.Failure before = state.failures.get(intent.lane());
        final int count = before == null ? 1 : before.count() + 1;
        // One that retrying cannot help is still tried again after the longest backoff: its cause (a disk that was
        // not mounted, a path moved back) may be gone by then, and nothing else would ever clear it.
        final long next = s.nowMs + (retriable ? decisions.settings().backoff(count)
                : decisions.settings().retryMax()).toMillis();
        final boolean escalate = (count >= decisions.settings().escalateAfter() || !retriable)
                && (before == null || !before.escalated());
        // a retry that failed keeps the first intent, so that each retry's reason does not nest the one before
        final Intent first = before != null && "retry".equals(intent.rule()) ? before.retry() : intent;
        state.failures.put(intent.lane(), new DatasetState.Failure(count, first, s.nowMs, next, escalate
                || before != null && before.escalated(), what));
        s.note(spec.getHost(), spec.getId(), Outcome.RESULT, source, intent.rule(), intent.action(), trigger,
                what + "; failure " + count + " in a row" + (retriable ? ", retry at " : ", not retriable; to be tried "
                        + "again at ") + Instant.ofEpochMilli(next));
        if (escalate) {
            if (Intent.isBackup(intent.action())) {
                state.overdueEscalatedAt = s.nowMs;
            }
            s.note(spec.getHost(), spec.getId(), Outcome.ESCALATED, DecisionSource.POLICY, "escalation",
                    intent.action(), trigger, intent.action() + " of dataset " + spec.getId() + " failed " + count
                            + " time(s) in a row" + (retriable ? "" : ", a failure retrying is unlikely to help")
                            + " (last: " + what + "): a person is needed");
        } else if (before != null && before.escalated() && Intent.isBackup(intent.action())) {
            overdue(s, spec, state, intent.action(), count, what, trigger);
        }
    }

    /**
     * Escalates again backups that keep failing past the dataset's RPO, a day or an RPO (the longer) after the run was
     * last escalated: the first escalation comes within minutes of the first failures, and the retries go on for days
     * (a disk filling up, a repository gone) with nothing more said while the time without a backup grows past the RPO,
     * and then past it again. Not more often: an operator who is on it needs no page an hour for an hourly RPO.
     */
    private static void overdue(final Session s, final DatasetSpec spec, final DatasetState state,
                                final Action action, final int count, final String what, final String trigger) {
        final long rpo = spec.getRpoSeconds() * 1000L;
        // before its first backup, since it was registered
        final long since = state.hasBackup() ? state.lastBackupAt : spec.getTime().toEpochMilli();
        final long without = s.nowMs - since;
        if (rpo <= 0 || without < rpo || s.nowMs - Math.max(state.overdueEscalatedAt, since) < Math.max(rpo,
                OVERDUE_REPEAT.toMillis())) {
            return;
        }
        state.overdueEscalatedAt = s.nowMs;
        s.note(spec.getHost(), spec.getId(), Outcome.ESCALATED, DecisionSource.POLICY, "escalation", action, trigger,
                "backups of dataset " + spec.getId() + " keep failing: " + count + " failures in a row, no successful "
                        + "backup for " + Durations.format(Duration.ofSeconds(without / 1000)) + " ("
                        + (state.hasBackup() ? "last " : "registered ") + Instant.ofEpochMilli(since)
                        + "), past its RPO of "
                        + Durations.format(Duration.ofMillis(rpo)) + " (last: " + what + "): the data at risk grows; a "
                        + "person is needed (said again every " + Durations.format(Duration.ofMillis(Math.max(rpo,
                        OVERDUE_REPEAT.toMillis()))) + " while the failures last)");
    }

    void feedback(final Session s, final DatasetSpec spec, final DatasetState state, final Feedback f) {
        // a proposal past its time is written off before the answer is looked at, whether or not the tick has run
        // since: after an outage the answers queued during it arrive before the first tick
        final DatasetState.Proposal late = state.proposals.get(f.getDecisionId());
        expire(s, spec, state);
        if (f.getVerdict() != Verdict.APPROVE && f.getVerdict() != Verdict.REJECT
                && f.getVerdict() != Verdict.OVERRIDE) {
            // a verdict this engine cannot read (a newer vigil's, which Avro reads as UNKNOWN) is nobody's rejection:
            // taken as one, it dropped the proposal, a restore the operator may have meant to approve
            s.note(spec.getHost(), spec.getId(), Outcome.NO_ACTION, DecisionSource.OPERATOR, null,
                    f.getOverrideAction(), f.getId(), "answer " + f.getId() + " to " + f.getDecisionId() + " by "
                            + (f.getOperator().isBlank() ? "an operator" : f.getOperator()) + " has verdict "
                            + f.getVerdict() + ", which this engine does not know (sent by a newer vigil?): not "
                            + "applied; " + (state.proposals.containsKey(f.getDecisionId()) ? "the proposal still "
                            + "awaits an answer: vigil approve or vigil reject" : "nothing done"));
            return;
        }
        final DatasetState.Proposal proposal = state.proposals.remove(f.getDecisionId());
        final String who = f.getOperator().isBlank() ? "an operator" : f.getOperator();
        final DatasetState.Approval held = state.approved.get(f.getDecisionId());
        if (proposal == null && held != null) {
            s.note(spec.getHost(), spec.getId(), Outcome.NO_ACTION, DecisionSource.OPERATOR, null,
                    f.getOverrideAction(), f.getId(), f.getVerdict() + " by " + who + " of " + f.getDecisionId()
                            + ": approved already at " + Instant.ofEpochMilli(held.approvedAt()) + ", held until the "
                            + held.intent().action() + " in flight finishes; nothing changed");
            return;
        }
        if (proposal == null) {
            s.note(spec.getHost(), spec.getId(), Outcome.NO_ACTION, DecisionSource.OPERATOR, null,
                    f.getOverrideAction(), f.getId(), f.getVerdict() + " by " + who + " of " + f.getDecisionId()
                            + (late != null ? ": the proposal expired at " + Instant.ofEpochMilli(late.expiresAt())
                            + ", before this answer reached the engine; nothing done" : ": no proposal awaits approval "
                            + "under this id (answered, expired, or not a proposal)") + "; kept as feedback for "
                            + "retraining");
            return;
        }
        // The feedback caused what follows: its id is the trigger, the proposal is named in the reason.
        final Intent intent = proposal.intent().triggeredBy(f.getId());
        switch (f.getVerdict()) {
            case APPROVE -> decisions.approve(s, spec, state, proposal, intent.withReason("approved by " + who
                    + " (proposal " + proposal.decisionId() + (f.getReason().isBlank() ? "" : ": " + f.getReason())
                    + "): " + intent.reason() + Decisions.scope(intent, spec, state, s.nowMs)));
            default -> {
                // the deletions it would have undone were wanted: else every deletion of the hours after would
                // propose them again, as long as the horizon holds them; not a loss elsewhere in the dataset
                final boolean wanted = intent.action() == Action.RESTORE && !intent.paths().isEmpty()
                        && !intent.replacePaths();
                if (wanted) {
                    state.wanted(intent.paths(), intent.beforeTime());
                } else if (intent.action() == Action.RESTORE && intent.replacePaths()) {
                    state.wanted(intent.paths(), null); // the deletions among a run's paths; rewritten files, below
                }
                // a rewrite it would have undone was wanted too: else the horizon's count of them proposes it again
                // at every near-random interval for as long as the horizon holds them
                final boolean rewrites = intent.action() == Action.RESTORE
                        && (intent.paths().isEmpty() || intent.replacePaths());
                if (rewrites) {
                    state.rewritesWanted();
                }
                s.note(spec.getHost(), spec.getId(), Outcome.REJECTED, DecisionSource.OPERATOR,
                        intent.rule(), intent.action(), f.getId(), "rejected by " + who + ": "
                                + (f.getReason().isBlank() ? "no reason given" : f.getReason()) + " (proposal "
                                + proposal.decisionId() + ")" + (wanted ? "; the " + intent.paths().size()
                                + " deleted path(s) it named, and the deletions counted without a path since "
                                + (intent.beforeTime() == null ? "then" : Instant.ofEpochMilli(intent.beforeTime()))
                                + ", are taken as wanted: they no longer count as lost (state.window*, "
                                + "state.horizon*); other deletions still do" : "")
                                + (rewrites ? "; the files rewritten with near-random content so far are taken as "
                                + "wanted (state.horizonRewrites counts from now, each of them again only once the hour "
                                + "that counted it has left the horizon)" : ""));
            }
        }
    }

    /**
     * @return when the snapshot a RESTORE of a whole snapshot put back was taken, on the engine's clock (epoch ms): the
     *     one its result names, or it names, or the latest before the time it names (before it was issued); null when
     *     the engine does not remember it
     */
    private static Long snapshotTime(final DatasetState state, final Intent restore, final BackupResult r,
                                     final long issuedAt) {
        final String id = r.getSnapshotId() != null ? r.getSnapshotId() : restore.snapshot();
        final java.util.Optional<DatasetState.Snapshot> snapshot = id != null
                ? state.snapshots.stream().filter(p -> p.id().equals(id)).findFirst()
                : state.snapshotBefore(restore.beforeTime() != null ? restore.beforeTime() : issuedAt);
        return snapshot.map(DatasetState.Snapshot::time).orElse(null);
    }

    /** Writes off what outlived its time: commands without a result, proposals without an answer. */
    void expire(final Session s, final DatasetSpec spec, final DatasetState state) {
        if (listeningSince == 0) {
            listeningSince = s.nowMs;
        }
        for (final DatasetState.InFlight f : java.util.List.copyOf(state.inFlight.values())) {
            final String why = overdue(s, f);
            if (why != null) {
                state.inFlight.remove(f.commandId());
                // a RESTORE's paths are kept once, by its retry: a second copy (up to Decisions.MAX_PATH_BYTES) could
                // take the state past what its changelog record holds; such a command is not put back in flight
                state.wroteOff(new DatasetState.WrittenOff(f.commandId(), f.action(), f.issuedAt(), f.expiresAt(),
                        s.nowMs, f.heardAt(), Guard.restoresInto(f.intent(), spec), f.decisionId(),
                        f.intent().paths().isEmpty() ? f.intent() : null));
                failed(s, spec, state, f.intent(), f.action() + " " + f.commandId() + ": " + why, true,
                        DecisionSource.POLICY, f.decisionId());
            }
        }
        silence(s, spec, state);
        for (final DatasetState.Proposal p : java.util.List.copyOf(state.proposals.values())) {
            if (s.nowMs > p.expiresAt()) {
                state.proposals.remove(p.decisionId());
                s.note(spec.getHost(), spec.getId(), Outcome.SUPPRESSED, p.intent().source(), p.intent().rule(),
                        p.intent().action(), p.decisionId(), "proposal " + p.decisionId() + " expired unanswered after "
                                + Durations.format(Duration.ofMillis(p.expiresAt() - p.createdAt())));
            }
        }
    }

    /**
     * Whether a command in flight is to be written off now, and why. One the worker never accepted is, once it expired
     * (command.ttl; the worker refuses it after that). One it accepted runs as long as the data takes (a FULL or a
     * restore of a large dataset, for longer than command.ttl): it is, once it expired and the worker has also said
     * nothing of it for command.silence.max (a dead worker, a host gone) since its last report, or since this engine
     * started, whichever is later.
     *
     * @return why it is written off, for its RESULT record; null while it is not
     */
    private String overdue(final Session s, final DatasetState.InFlight f) {
        if (s.nowMs <= f.expiresAt() + EXPIRY_GRACE.toMillis()) {
            return null;
        }
        final String expired = "expired at " + Instant.ofEpochMilli(f.expiresAt()) + " (command.ttl "
                + Durations.format(decisions.settings().commandTtl()) + ")";
        if (!f.accepted()) {
            return "no result from the worker before the command " + expired + ", and the worker never accepted it";
        }
        final long since = Math.max(f.heardAt(), listeningSince);
        final Duration silence = decisions.settings().commandSilence();
        if (s.nowMs - since <= silence.toMillis()) {
            return null;
        }
        return "accepted by the worker, then silent: no report on it for " + Durations.format(Duration.ofSeconds(
                (s.nowMs - since) / 1000)) + (f.heardAt() >= listeningSince ? " since its last at "
                + Instant.ofEpochMilli(f.heardAt()) : " since this engine started at " + Instant.ofEpochMilli(since))
                + " (command.silence.max " + Durations.format(silence) + "), and no result; the command " + expired;
    }

    /** Escalates, once per silence, a worker that accepts none of the dataset's commands while its RPO is exceeded. */
    private void silence(final Session s, final DatasetSpec spec, final DatasetState state) {
        if (state.silenceEscalatedAt > 0 || state.inFlight.values().stream().anyMatch(DatasetState.InFlight::accepted)) {
            return;
        }
        final long wait = Math.min(SILENCE.toMillis(), decisions.settings().commandTtl().toMillis());
        final DatasetState.InFlight oldest = state.inFlight.values().stream()
                .min(java.util.Comparator.comparingLong(DatasetState.InFlight::issuedAt)).orElse(null);
        if (oldest == null || s.nowMs - oldest.issuedAt() < wait) {
            return;
        }
        final long rpo = spec.getRpoSeconds() * 1000L;
        // before the first backup, the age of the oldest unanswered command stands for the time without one
        final long without = state.hasBackup() ? state.sinceBackup(s.nowMs) : s.nowMs - oldest.issuedAt();
        if (rpo <= 0 || without < rpo) {
            return;
        }
        state.silenceEscalatedAt = s.nowMs;
        s.note(spec.getHost(), spec.getId(), Outcome.ESCALATED, DecisionSource.POLICY, "escalation", oldest.action(),
                oldest.decisionId(), "dataset " + spec.getId() + " is past its RPO of "
                        + Durations.format(Duration.ofMillis(rpo)) + (state.hasBackup() ? " (last backup "
                        + Durations.format(Duration.ofSeconds(without / 1000)) + " ago)" : " (no backup yet)")
                        + " and the worker of host " + spec.getHost() + " has not accepted " + oldest.action() + " "
                        + oldest.commandId() + " issued " + Durations.format(Duration.ofSeconds((s.nowMs
                        - oldest.issuedAt()) / 1000)) + " ago (" + state.inFlight.size() + " command(s) in flight, "
                        + "none accepted): a person is needed (is the worker running, and does it serve dataset "
                        + spec.getId() + "?)");
    }

    private static String summary(final BackupResult r) {
        final StringBuilder b = new StringBuilder().append(r.getAction()).append(" succeeded");
        if (r.getLevel() != null && r.getLevel() != r.getAction()) {
            b.append(" as ").append(r.getLevel());
        }
        if (r.getSnapshotId() != null) {
            b.append(": snapshot ").append(r.getSnapshotId());
        }
        final Figures f = r.getFigures();
        if (f != null) {
            b.append(String.format(Locale.ROOT, ", %d files (%d new, %d changed), %s added of %s, %s",
                    f.getFilesNew() + f.getFilesChanged() + f.getFilesUnchanged(), f.getFilesNew(), f.getFilesChanged(),
                    ByteSizes.format(f.getBytesAdded()), ByteSizes.format(f.getBytesTotal()),
                    Durations.format(Duration.ofMillis(f.getDurationMs()))));
        }
        return b.toString();
    }
}
