package dev.vigil.decision.engine;

import dev.vigil.decision.command.CommandFactory;
import dev.vigil.decision.guard.Guard;
import dev.vigil.decision.guard.GuardSettings;
import dev.vigil.decision.state.BackupStarts;
import dev.vigil.decision.state.DatasetState;
import dev.vigil.decision.state.Intent;
import dev.vigil.schemas.Action;
import dev.vigil.schemas.BackupCommand;
import dev.vigil.schemas.DatasetSpec;
import dev.vigil.schemas.DecisionSource;
import dev.vigil.schemas.Durations;
import dev.vigil.schemas.Outcome;
import dev.vigil.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns intents for one dataset into commands, proposals or audited suppressions: precedence per
 * lane, then the guardrails, then the state changes that follow (in flight, proposals, deferred).
 */
final class Decisions {
    /**
     * Most bytes of path names the RESTOREs one dataset's state holds may take together (its proposals, approvals
     * held, commands in flight, retries and deferrals), and so one proposal or command: the state is one changelog
     * record of at most {@link Topics#LARGE_RECORD_BYTES}, and a failed RESTORE's list is held twice (by its retry,
     * and by the retry's proposal or command), which 3/8 of it leaves room for. Beyond it, a new list is cut and
     * joined proposals stop growing.
     */
    static final int MAX_PATH_BYTES = Topics.LARGE_RECORD_BYTES / 8 * 3;
    private final Guard guard;

    Decisions(final Guard guard) {
        this.guard = guard;
    }

    GuardSettings settings() {
        return guard.settings();
    }

    /**
     * Applies precedence, then the guardrails to each winner.
     *
     * @param intents what is wanted, any order
     */
    void apply(final Session s, final DatasetSpec spec, final DatasetState state, final List<Intent> intents) {
        final List<Intent> ordered = new ArrayList<>(intents);
        ordered.sort(Comparator.comparingInt(Intent::priority).reversed());
        final Map<String, Intent> winners = new LinkedHashMap<>();
        for (final Intent intent : ordered) {
            final Intent winner = winners.putIfAbsent(intent.lane(), intent);
            if (winner != null && intent.source() != DecisionSource.POLICY) {
                suppress(s, spec, state, intent, "superseded by " + winner.action() + " of " + winner.rule()
                        + " (priority " + winner.priority() + " over " + intent.priority() + ")", "superseded");
            }
        }
        winners.values().forEach(w -> issue(s, spec, state, w, false));
    }

    /** What a proposed RESTORE would write, so that the operator who approves it knows: " (restores ...)", or "". */
    static String scope(final Intent intent, final DatasetSpec spec, final DatasetState state, final long nowMs) {
        if (intent.action() != dev.vigil.schemas.Action.RESTORE) {
            return "";
        }
        // the operator who checks the host's snapshots reads them in its clock's dates, which the worker picks by
        final Long hostBefore = hostBefore(intent, state);
        final String hostTime = hostBefore == null || Math.abs(intent.beforeTime() - hostBefore)
                <= DecisionEngine.CLOCK_SAID.toMillis() ? "" : " (" + Instant.ofEpochMilli(hostBefore)
                + " on the clock of host " + spec.getHost() + ", which dates its snapshots)";
        // evidence snapshots (data suspected damaged) are never the one a restore picks by time: say so
        final String from = intent.snapshot() != null ? "snapshot " + intent.snapshot()
                : intent.beforeTime() != null ? "the last snapshot before " + Instant.ofEpochMilli(intent.beforeTime())
                + hostTime + " that is not evidence" : "the latest snapshot that is not evidence";
        final String known = intent.snapshot() != null ? "" : newestKnown(state, intent.beforeTime(), nowMs);
        final String target = CommandFactory.target(intent, spec);
        final String into = target == null ? spec.getPath() : target;
        if (intent.paths().isEmpty()) {
            // only a restore onto the dataset's own path overwrites (CommandFactory); elsewhere conflicts are refused
            return " (restores all of " + from + known + (target == null ? " onto " + into
                    + ", replacing the files it holds, edits made since included (the worker backs them up "
                    + "first, as evidence); files created since stay, e.g. renamed or ransom files)"
                    : " into " + into + ")");
        }
        final List<String> first = intent.paths().subList(0, Math.min(3, intent.paths().size()));
        return " (restores " + intent.paths().size() + " path(s) of " + from + known + " into " + into + ": "
                + String.join(", ", first) + (intent.paths().size() > first.size() ? ", ..." : "")
                + (!intent.replacePaths() ? "; only those still missing: what was put back since is kept)"
                : target == null ? ", replacing what is there at those paths (the worker backs it up first, as "
                + "evidence); the dataset's other files stay as they are, edits made since included)"
                : "; the dataset's other files are not touched)");
    }

    /**
     * The operator who approves a restore weighs what it gives back by how old it is. The worker picks the snapshot
     * when it runs, by the host's dates; the engine names the newest backup it recorded before the restore point,
     * passing over protected ones (evidence is protected), as what that will most likely be.
     *
     * @return " (most likely ID of TIME, AGE before now)", or "" when the engine recorded none
     */
    private static String newestKnown(final DatasetState state, final Long before, final long nowMs) {
        DatasetState.Snapshot newest = null;
        for (final DatasetState.Snapshot k : state.snapshots) {
            if (!k.protect() && (before == null || k.time() < before) && (newest == null || k.time() > newest.time())) {
                newest = k;
            }
        }
        return newest == null ? "" : " (most likely " + DatasetState.Snapshot.shortId(newest.id()) + " of "
                + Instant.ofEpochMilli(newest.time()) + ", "
                + Durations.format(java.time.Duration.ofSeconds(Math.max(0, nowMs - newest.time()) / 1000))
                + " before now)";
    }

    /**
     * @return a RESTORE's restore point on its host's clock, which dates the snapshots the worker picks from: the one
     *     the rule took from the host's own dates, else the engine's less the host's offset; null when it names none
     */
    static Long hostBefore(final Intent intent, final DatasetState state) {
        return intent.beforeTime() == null ? null : intent.hostBeforeTime() != null ? intent.hostBeforeTime()
                : intent.beforeTime() - state.clockOffset;
    }

    /**
     * Checks one intent against the guardrails and acts on the verdict.
     *
     * @param approved whether an operator approved it
     * @return whether a command was issued
     */
    boolean issue(final Session s, final DatasetSpec spec, final DatasetState state, final Intent intent,
                  final boolean approved) {
        final Guard.Verdict verdict = guard.check(intent, spec, state, s.hostInFlight(spec.getHost()), approved,
                s.nowMs);
        if (verdict.kind() != Guard.Kind.COMMAND || !capped(intent, approved)) {
            return act(s, spec, state, intent, approved, verdict);
        }
        final long window = settings().taskBackupsWindow().toMillis();
        final BackupStarts backups = s.backups(window);
        final int place = backups.place(spec.getId());
        final int room = settings().taskMaxBackups() - backups.started().size();
        if ((place >= 0 ? place : backups.waiting().size()) < room) {
            return act(s, spec, state, place < 0 ? intent : intent.withReason(intent.reason() + " (waited in line "
                    + "under the task's backup cap since " + Instant.ofEpochMilli(backups.waiting().get(place).since())
                    + ")"), approved, verdict);
        }
        // room goes in the order the cap held them: a dataset asked again keeps its place, a new one queues last
        s.putBackups(backups.withWaiting(spec.getId(), s.nowMs));
        final int line = place >= 0 ? place + 1 : backups.waiting().size() + 1;
        return act(s, spec, state, intent, approved, new Guard.Verdict(Guard.Kind.HOLD, "deferred: "
                + backups.started().size() + " backups already started by this engine task in the last "
                + Durations.format(settings().taskBackupsWindow()) + " (guard.task.max.backups "
                + settings().taskMaxBackups() + "), number " + line + " in line; issued in that order as room frees",
                "task-cap"));
    }

    /**
     * @return whether the task's cap applies: a routine backup (the policy's, the model's). Urgent ones, rules' (an
     *     evidence snapshot of a ransomware-like rewrite, a disk filling: an operator's rule named the incident) and
     *     approved ones never wait for a fleet-wide event's crowd
     */
    private boolean capped(final Intent intent, final boolean approved) {
        return settings().taskMaxBackups() > 0 && Intent.isBackup(intent.action()) && !approved
                && intent.priority() < settings().urgentPriority() && intent.source() != DecisionSource.RULE;
    }

    private boolean act(final Session s, final DatasetSpec spec, final DatasetState state, final Intent intent,
                        final boolean approved, final Guard.Verdict verdict) {
        switch (verdict.kind()) {
            case COMMAND -> {
                command(s, spec, state, intent, approved);
                // entries older than the longest cooldown can no longer hold anything back
                state.urgentPassAt.values().removeIf(at -> s.nowMs - at >= settings().cooldown().toMillis());
                if (Guard.URGENT_PASS.equals(verdict.category())) {
                    state.urgentPassAt.put(Guard.urgentKey(intent), s.nowMs);
                }
                return true;
            }
            case PROPOSE -> {
                final String id = s.ids.next(s.now);
                state.proposals.put(id, new DatasetState.Proposal(id, intent, s.nowMs,
                        s.nowMs + settings().proposalTtl().toMillis()));
                s.audit(id, spec.getHost(), spec.getId(), Outcome.PROPOSED, intent, null, intent.reason()
                        + scope(intent, spec, state, s.nowMs) + "; awaiting approval: vigil approve " + id
                        + " (or vigil reject " + id + " --reason ...)");
            }
            case JOIN -> join(s, spec, state, intent, verdict);
            case HOLD -> {
                if (Guard.deferrable(intent.source())) {
                    final DatasetState.Deferred before = state.deferred.get(intent.lane());
                    final long until = before != null && before.intent().equals(intent) ? before.until()
                            : s.nowMs + settings().deferralTtl().toMillis();
                    state.deferred.put(intent.lane(), new DatasetState.Deferred(intent, until));
                    suppress(s, spec, state, intent, verdict.why() + "; deferred, retried until "
                            + Instant.ofEpochMilli(until), verdict.category());
                } else {
                    suppress(s, spec, state, intent, verdict.why(), verdict.category(), approved);
                }
            }
            default -> suppress(s, spec, state, intent, verdict.why(), verdict.category(), approved);
        }
        return false;
    }

    /**
     * Carries out an operator's approval: the command now, or, while a command of its lane runs (another restore),
     * the approval is held and issued by {@link #release} once the lane is free.
     *
     * @param proposal the approved proposal, no longer pending
     * @param intent what it issues, its reason naming the operator and the proposal
     */
    void approve(final Session s, final DatasetSpec spec, final DatasetState state, final DatasetState.Proposal proposal,
                 final Intent intent) {
        final Guard.Verdict verdict = guard.check(intent, spec, state, s.hostInFlight(spec.getHost()), true, s.nowMs);
        if (verdict.kind() != Guard.Kind.HOLD) {
            act(s, spec, state, intent, true, verdict);
            return;
        }
        // held while the command it waits for is in flight (release), and at least as long as the proposal would have
        // waited for its answer, or command.ttl
        final long until = Math.max(proposal.expiresAt(), s.nowMs + settings().commandTtl().toMillis()
                + Ledger.EXPIRY_GRACE.toMillis());
        state.approved.put(proposal.decisionId(), new DatasetState.Approval(proposal.decisionId(), intent, s.nowMs,
                until));
        s.audit(s.ids.next(s.now), spec.getHost(), spec.getId(), Outcome.APPROVED, intent, null, intent.reason()
                + "; held: " + verdict.why() + "; issued when it finishes, however long it runs (given up if a "
                + "command of its lane issued after it still holds it at " + Instant.ofEpochMilli(until) + ")");
    }

    /**
     * Issues the held approvals whose lane is free, oldest first, whenever that is; gives up (audited) those held past
     * their time by a command other than the one they waited for.
     */
    void release(final Session s, final DatasetSpec spec, final DatasetState state) {
        final List<DatasetState.Approval> held = new ArrayList<>(state.approved.values());
        held.sort(Comparator.comparingLong(DatasetState.Approval::approvedAt));
        for (final DatasetState.Approval a : held) {
            final Intent intent = a.intent();
            final Guard.Verdict verdict = guard.check(intent, spec, state, s.hostInFlight(spec.getHost()), true,
                    s.nowMs);
            if (verdict.kind() != Guard.Kind.HOLD) {
                state.approved.remove(a.proposalId());
                act(s, spec, state, intent.withReason(intent.reason() + " (held since "
                        + Instant.ofEpochMilli(a.approvedAt()) + " while a command of its lane ran)"), true, verdict);
                continue;
            }
            // the command it waits for may run past its time (a restore of a large dataset, reported on): it ends with
            // a result or a write-off, and the approval goes then
            final boolean waiting = state.inFlight.values().stream().anyMatch(f -> f.intent().lane()
                    .equals(intent.lane()) && f.issuedAt() <= a.approvedAt());
            if (s.nowMs > a.until() && !waiting) {
                state.approved.remove(a.proposalId());
                s.audit(s.ids.next(s.now), spec.getHost(), spec.getId(), Outcome.SUPPRESSED, intent, null,
                        intent.action() + " given up: approved (proposal " + a.proposalId() + ") but held until "
                                + Instant.ofEpochMilli(a.until()) + " by a command of its lane in flight; not issued "
                                + "(wanted: " + intent.reason() + ")");
            }
        }
    }

    private void command(final Session s, final DatasetSpec spec, final DatasetState state, final Intent intent,
                         final boolean approved) {
        final String decisionId = s.ids.next(s.now);
        final String commandId = s.ids.next(s.now);
        // the worker picks the snapshot to restore by the dates its host gave them: a restore point on the engine's
        // clock would be hours into the damage on a host behind it (hours before it on one ahead)
        final Intent onHostClock = intent.beforeTime() == null ? intent : intent.targeting(intent.snapshot(),
                hostBefore(intent, state), intent.paths(), intent.target(), intent.targetRepository());
        final BackupCommand command = CommandFactory.build(commandId, decisionId, onHostClock, spec, s.now,
                settings().commandTtl());
        s.out.add(new Emission.Command(command));
        s.audit(decisionId, spec.getHost(), spec.getId(), approved ? Outcome.APPROVED : Outcome.COMMANDED, intent,
                commandId, intent.reason());
        state.inFlight.put(commandId, new DatasetState.InFlight(commandId, decisionId, intent, s.nowMs,
                command.getExpiresAt().toEpochMilli()));
        state.lastCommandAt.put(intent.lane(), s.nowMs);
        state.deferred.remove(intent.lane());
        if (settings().taskMaxBackups() > 0 && Intent.isBackup(intent.action())) {
            // every backup counts toward the cap, those that may pass it too: they load the repositories alike
            s.putBackups(s.backups(settings().taskBackupsWindow().toMillis()).withStart(spec.getId(), s.nowMs));
        }
    }

    private void join(final Session s, final DatasetSpec spec, final DatasetState state, final Intent intent,
                      final Guard.Verdict verdict) {
        final DatasetState.Proposal pending = state.proposalLike(intent).orElseThrow();
        final int before = pending.intent().paths().size();
        List<String> paths = pending.intent().paths();
        if (intent.action() == Action.RESTORE && !pending.intent().paths().isEmpty() && !intent.paths().isEmpty()) {
            final Set<String> union = new LinkedHashSet<>(paths);
            union.addAll(intent.paths());
            paths = withinBudget(List.copyOf(union), room(state, pending.intent()));
        }
        final Intent was = pending.intent();
        // a RESTORE of all and one of the files a run rewrote (an attack whose burst came after batches the horizon
        // counted) are one restore of all: of the files rewritten alone, the batches' would stay encrypted
        if (intent.action() == Action.RESTORE && was.paths().isEmpty() != intent.paths().isEmpty()
                && was.snapshot() == null && intent.snapshot() == null) {
            final boolean back = intent.beforeTime() != null
                    && (was.beforeTime() == null || intent.beforeTime() < was.beforeTime());
            final Intent whole = (back ? was.targeting(null, intent.beforeTime(), List.of(), was.target(),
                    was.targetRepository()).onHostClock(intent.hostBeforeTime())
                    : was.targeting(null, was.beforeTime(), List.of(), was.target(), was.targetRepository()))
                    .replacing(false);
            rewrite(s, spec, state, pending, intent, whole, ", which now restores all of the last snapshot before "
                    + (whole.beforeTime() == null ? "now" : Instant.ofEpochMilli(whole.beforeTime()))
                    + (was.paths().isEmpty() ? "" : " (was " + was.paths().size() + " path(s) from before "
                    + (was.beforeTime() == null ? "now" : Instant.ofEpochMilli(was.beforeTime())) + ")"));
            return;
        }
        // a RESTORE of all that must go back further (an attack whose first batches, hours before its burst, another
        // rule saw) moves the pending one's restore point back: else the approved restore leaves those files encrypted
        if (intent.action() == Action.RESTORE && was.paths().isEmpty() && intent.paths().isEmpty()
                && was.snapshot() == null && intent.snapshot() == null && was.beforeTime() != null
                && intent.beforeTime() != null && intent.beforeTime() < was.beforeTime()) {
            rewrite(s, spec, state, pending, intent, was.targeting(null, intent.beforeTime(), List.of(), was.target(),
                    was.targetRepository()).onHostClock(intent.hostBeforeTime()), ", which now restores the last "
                    + "snapshot before " + Instant.ofEpochMilli(intent.beforeTime()) + " (was before "
                    + Instant.ofEpochMilli(was.beforeTime()) + ")");
            return;
        }
        if (paths.size() > before) {
            rewrite(s, spec, state, pending, intent, was.targeting(was.snapshot(), was.beforeTime(), paths,
                    was.target(), was.targetRepository()), " (+" + (paths.size() - before) + " paths, "
                    + paths.size() + " in all)");
        } else {
            suppress(s, spec, state, intent, verdict.why(), verdict.category());
        }
    }

    /** The pending proposal now carries {@code merged}, keeping its id and expiry; the joining intent is audited. */
    private static void rewrite(final Session s, final DatasetSpec spec, final DatasetState state,
                                final DatasetState.Proposal pending, final Intent intent, final Intent merged,
                                final String how) {
        state.proposals.put(pending.decisionId(), new DatasetState.Proposal(pending.decisionId(), merged,
                pending.createdAt(), pending.expiresAt()));
        s.audit(s.ids.next(s.now), spec.getHost(), spec.getId(), Outcome.SUPPRESSED, intent, null,
                intent.reason() + "; joined proposal " + pending.decisionId() + " awaiting approval" + how);
    }

    /**
     * @return a path's size in a command or in the state's JSON, the larger: its UTF-8 bytes, 3 more (Avro's length
     *     prefix, JSON's quotes and comma), and 5 more for each character JSON may escape
     *     (a control character in a name, a quote, a backslash)
     */
    private static long pathBytes(final String path) {
        long escaped = 0;
        for (int i = 0; i < path.length(); i++) {
            final char c = path.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\') {
                escaped += 5;
            }
        }
        return path.getBytes(StandardCharsets.UTF_8).length + 3L + escaped;
    }

    /**
     * @param paths paths to restore
     * @param room bytes they may take ({@link #room})
     * @return the longest prefix of them within that room
     */
    static List<String> withinBudget(final List<String> paths, final long room) {
        long bytes = 0;
        for (int i = 0; i < paths.size(); i++) {
            bytes += pathBytes(paths.get(i));
            if (bytes > room) {
                return List.copyOf(paths.subList(0, i));
            }
        }
        return paths;
    }

    /**
     * @param state a dataset's state
     * @param replaced an intent of it the new list replaces (a proposal that grows), or null
     * @return the bytes of path names a new list may take: {@link #MAX_PATH_BYTES} less those the state holds already
     */
    static long room(final DatasetState state, final Intent replaced) {
        final List<Intent> held = new ArrayList<>();
        state.proposals.values().forEach(p -> held.add(p.intent()));
        state.approved.values().forEach(a -> held.add(a.intent()));
        state.inFlight.values().forEach(f -> held.add(f.intent()));
        state.failures.values().forEach(f -> held.add(f.retry()));
        state.deferred.values().forEach(d -> held.add(d.intent()));
        state.writtenOff.stream().filter(w -> w.intent() != null).forEach(w -> held.add(w.intent()));
        long bytes = 0;
        for (final Intent intent : held) {
            if (intent != replaced) {
                for (final String path : intent.paths()) {
                    bytes += pathBytes(path);
                }
            }
        }
        return MAX_PATH_BYTES - bytes;
    }

    void suppress(final Session s, final DatasetSpec spec, final DatasetState state, final Intent intent,
                  final String why, final String category) {
        suppress(s, spec, state, intent, why, category, false);
    }

    /**
     * @param key the kind of suppression
     * @return whether it was not audited within the repeat interval; it counts as audited now
     */
    boolean due(final Session s, final DatasetState state, final String key) {
        final long repeat = settings().suppressionRepeat().toMillis();
        state.suppressedAt.values().removeIf(at -> s.nowMs - at >= repeat);
        return state.suppressedAt.putIfAbsent(key, s.nowMs) == null;
    }

    /** Audits a suppression, unless the same one was audited recently (operator actions always are). */
    void suppress(final Session s, final DatasetSpec spec, final DatasetState state, final Intent intent,
                  final String why, final String category, final boolean always) {
        final String key = intent.lane() + "|" + category + "|" + intent.rule();
        if (always) {
            state.suppressedAt.put(key, s.nowMs); // audited now: the repeat interval starts again
        } else if (!due(s, state, key)) {
            return;
        }
        s.audit(s.ids.next(s.now), spec.getHost(), spec.getId(), Outcome.SUPPRESSED, intent, null,
                intent.action() + " not issued: " + why + " (wanted: " + intent.reason() + ")");
    }
}
