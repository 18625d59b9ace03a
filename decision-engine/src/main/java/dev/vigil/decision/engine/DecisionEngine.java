package dev.vigil.decision.engine;

import dev.vigil.decision.guard.Guard;
import dev.vigil.decision.policy.PolicyBaseline;
import dev.vigil.decision.rules.Rule;
import dev.vigil.decision.rules.RuleAction;
import dev.vigil.decision.rules.RuleBook;
import dev.vigil.decision.rules.RuleContext;
import dev.vigil.decision.rules.RuleSet;
import dev.vigil.decision.state.DatasetChange;
import dev.vigil.decision.state.DatasetState;
import dev.vigil.decision.state.HostDatasets;
import dev.vigil.decision.state.Intent;
import dev.vigil.decision.state.StateAccess;
import dev.vigil.decision.tree.Decider;
import dev.vigil.decision.tree.Features;
import dev.vigil.decision.tree.Label;
import dev.vigil.schemas.Anomaly;
import dev.vigil.schemas.AnomalyPhase;
import dev.vigil.schemas.DatasetSpec;
import dev.vigil.schemas.DecisionSource;
import dev.vigil.schemas.Durations;
import dev.vigil.schemas.FileActivity;
import dev.vigil.schemas.HostEvent;
import dev.vigil.schemas.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The decision loop, the same in the Kafka Streams service and in {@code vigil decide simulate}:
 * each input updates the state of the datasets it concerns, rules are evaluated, the tree decides
 * what no rule settles, the guardrails turn intents into commands, proposals or audited
 * suppressions. {@link #tick} runs the policy baseline, retries, deferrals and expiries.
 *
 * <p>Not thread-safe per {@link StateAccess}: one caller at a time per store (one stream task).
 */
public final class DecisionEngine {
    /** Priority of retries after a failure. */
    public static final int RETRY_PRIORITY = 75;
    private final EngineSettings settings;
    private final RuleBook rules;
    private final Decider model;
    private final IdSource ids;
    private final Decisions decisions;
    private final Ledger ledger;
    private final SeriesIncidents incidents;
    private final HostWatch hosts;

    /**
     * @param settings the settings
     * @param rules the rules in force (may reload)
     * @param model the trained model
     * @param ids where ids come from
     */
    public DecisionEngine(final EngineSettings settings, final RuleBook rules, final Decider model,
                          final IdSource ids) {
        this.settings = settings;
        this.rules = rules;
        this.model = model;
        this.ids = ids;
        this.decisions = new Decisions(new Guard(settings.guard()));
        this.ledger = new Ledger(decisions);
        this.incidents = new SeriesIncidents(settings.reconsultRise(), settings.seriesQuiet());
        this.hosts = new HostWatch(settings);
    }

    /** @return the model deciding what no rule settles */
    public Decider model() {
        return model;
    }

    /**
     * @param trigger one input
     * @param store the state
     * @param now the engine's clock
     * @return commands and audit records, in order
     */
    public List<Emission> handle(final Trigger trigger, final StateAccess store, final Instant now) {
        final Session s = new Session(store, now, ids);
        hosts.heard(s, trigger);
        if (trigger instanceof Trigger.OfDatasets d) {
            datasets(s, d.host(), d.change());
        } else if (trigger instanceof Trigger.OfAnomaly a) {
            anomaly(s, a.anomaly());
        } else if (trigger instanceof Trigger.OfEvent e) {
            event(s, e.event());
        } else if (trigger instanceof Trigger.OfForecast f) {
            learnMountpoint(s, f.host(), f.forecast().getSeries());
            for (final DatasetSpec spec : affected(s, f.host(), null, dev.vigil.decision.rules.SeriesName
                    .attribute(f.forecast().getSeries(), "mountpoint"))) {
                final DatasetState state = s.state(spec);
                evaluate(s, spec, state, context(s, "forecast", spec, state, null).with(f.forecast()),
                        f.forecast().getId(), null, null);
            }
        } else if (trigger instanceof Trigger.OfStats st) {
            learnMountpoint(s, st.host(), st.stats().getSeries());
            if (rules.rules().rules().stream().anyMatch(r -> r.on().contains("stats"))) {
                for (final DatasetSpec spec : affected(s, st.host(), null, "")) {
                    final DatasetState state = s.state(spec);
                    evaluate(s, spec, state, context(s, "stats", spec, state, null).with(st.stats()),
                            st.stats().getId(), null, null);
                }
            }
        } else if (trigger instanceof Trigger.OfResult r) {
            final DatasetSpec spec = s.datasets(r.host()).specs().get(r.result().getDataset());
            if (spec != null) {
                ledger.result(s, spec, s.state(spec), r.result());
                // an approval held behind the command that just ended goes now, not a tick later
                decisions.release(s, spec, s.state(spec));
            } else if (r.result().getStatus() == dev.vigil.schemas.CommandStatus.SUCCEEDED
                    || r.result().getStatus() == dev.vigil.schemas.CommandStatus.FAILED
                    || r.result().getStatus() == dev.vigil.schemas.CommandStatus.REJECTED) {
                // a worker whose host.name is not the registry's host for the dataset: else only the write-off of the
                // command it ran would show, and nothing would point at the name
                s.note(r.host(), r.result().getDataset(), Outcome.NO_ACTION, DecisionSource.WORKER, null,
                        r.result().getAction(), r.result().getId(), "result " + r.result().getId() + " ("
                                + r.result().getAction() + " " + r.result().getStatus().name().toLowerCase(Locale.ROOT)
                                + ", command " + r.result().getCommandId() + ") from host " + r.host() + ", where "
                                + "dataset " + r.result().getDataset() + " is not registered: not counted (removed "
                                + "since, or registered on another host: is the worker's host.name the host the "
                                + "registry names for it? vigil datasets list)");
            }
        } else if (trigger instanceof Trigger.OfFeedback f) {
            feedback(s, f);
        }
        s.save();
        return s.out;
    }

    /**
     * The periodic pass over every dataset this store holds.
     *
     * @param store the state
     * @param now the engine's clock
     * @return commands and audit records, in order
     */
    public List<Emission> tick(final StateAccess store, final Instant now) {
        final Session s = new Session(store, now, ids);
        for (final String host : store.hosts()) {
            hosts.tick(s, host);
            for (final DatasetSpec spec : s.datasets(host).specs().values()) {
                tick(s, spec, s.state(spec));
            }
            s.save();
        }
        return s.out;
    }

    private void tick(final Session s, final DatasetSpec spec, final DatasetState state) {
        hosts.watched(s, spec, state);
        ledger.expire(s, spec, state);
        decisions.release(s, spec, state);
        state.episodes.values().removeIf(e -> s.nowMs - e.updatedAt() > settings.episodeTtl().toMillis());
        if (state.interval != null && state.interval.until() <= s.nowMs) {
            state.interval = null;
        }
        final List<Intent> intents = new ArrayList<>();
        final List<Intent> policy = PolicyBaseline.evaluate(spec, state, s.nowMs, settings.policy());
        for (final DatasetState.Failure failure : state.failures.values()) {
            final Intent retry = failure.retry();
            if (s.nowMs >= failure.nextRetryAt() && state.inFlightIn(retry.lane()).isEmpty()) {
                // a policy intent's reason may be stale by now (a first backup made meanwhile): quote what the policy
                // says now, or say the reason is the one it was first issued for
                final String why = retry.source() != DecisionSource.POLICY ? retry.reason() : policy.stream()
                        .filter(p -> p.lane().equals(retry.lane())).findFirst().map(Intent::reason)
                        .orElse("first issued for: " + retry.reason());
                intents.add(retry.asRetry(RETRY_PRIORITY, "retry " + failure.count() + " of " + retry.action()
                        + " after " + failure.count() + " failure(s) (last: " + failure.message() + "): " + why));
            }
        }
        for (final DatasetState.Deferred d : List.copyOf(state.deferred.values())) {
            if (d.until() < s.nowMs) {
                // said, not only dropped: an evidence snapshot or a backup an anomaly asked for was not taken
                state.deferred.remove(d.intent().lane());
                s.audit(s.ids.next(s.now), spec.getHost(), spec.getId(), Outcome.SUPPRESSED, d.intent(), null,
                        d.intent().action() + " given up: held back by the guardrails until its deferral ran out at "
                                + Instant.ofEpochMilli(d.until()) + " (deferral.ttl); not issued (wanted: "
                                + d.intent().reason() + ")");
            }
        }
        state.deferred.values().forEach(d -> intents.add(d.intent()));
        intents.addAll(policy);
        if (rules.rules().rules().stream().anyMatch(r -> r.on().contains("tick"))) {
            intents.addAll(fire(s, spec, state, context(s, "tick", spec, state, null), null, null, null));
        }
        decisions.apply(s, spec, state, intents);
    }

    private void datasets(final Session s, final String host, final DatasetChange change) {
        final HostDatasets before = s.datasets(host);
        s.putDatasets(host, before.apply(change));
        if (change.spec() == null) {
            if (before.specs().containsKey(change.id())) {
                s.drop(change.id());
                s.note(host, change.id(), Outcome.NO_ACTION, DecisionSource.POLICY, "registry", null, null,
                        "dataset " + change.id() + " left host " + host + " (removed or moved): its state here is dropped");
            }
            return;
        }
        final DatasetSpec spec = change.spec();
        final DatasetState state = s.state(spec);
        state.host = host;
        decisions.apply(s, spec, state, PolicyBaseline.evaluate(spec, state, s.nowMs, settings.policy()));
    }

    /** Prefix of the series Vigil's own components publish about themselves (e.g. vigil.collector.spool.usage). */
    static final String OWN_TELEMETRY = "vigil.";

    private void anomaly(final Session s, final Anomaly a) {
        for (final DatasetSpec spec : affected(s, a.getHost(), a.getDataset(), "")) {
            final DatasetState state = s.state(spec);
            final DatasetState.Episode before = state.episodes.get(a.getEpisodeId());
            incidents.seen(state, a.getSeries(), s.nowMs);
            if (a.getPhase() == AnomalyPhase.CLOSE) {
                state.episodes.remove(a.getEpisodeId());
                evaluate(s, spec, state, context(s, "anomaly", spec, state, null).with(a), a.getId(), null, null);
                continue;
            }
            final SeriesIncidents.Step step = incidents.step(state, before, a.getSeries(), a.getScore(), s.nowMs);
            if (step.repeat() && decisions.due(s, state, "flapping|" + a.getSeries())) {
                treeNote(s, spec, a, incidents.repeatReason(a, step.decidedScore()));
            }
            state.episodes.put(a.getEpisodeId(), new DatasetState.Episode(a.getEpisodeId(), a.getKind(),
                    a.getSeries(), a.getEpisodeStart().toEpochMilli(), a.getScore(),
                    Math.max(a.getScore(), before == null ? 0 : before.peakScore()), s.nowMs, step.decidedScore()));
            if (step.decide() && !evaluate(s, spec, state, context(s, "anomaly", spec, state, null).with(a),
                    a.getId(), null, null)) {
                tree(s, spec, state, a);
            }
        }
    }

    /** A NO_ACTION record of the model's about an anomaly it was not asked about, saying why. */
    private static void treeNote(final Session s, final DatasetSpec spec, final Anomaly a, final String why) {
        s.note(spec.getHost(), spec.getId(), Outcome.NO_ACTION, DecisionSource.TREE, "tree", null, a.getId(), why);
    }

    private void tree(final Session s, final DatasetSpec spec, final DatasetState state, final Anomaly a) {
        if (a.getSeries().startsWith(OWN_TELEMETRY)) {
            // Vigil's own health (a spool filling while the broker is away) says nothing about the data's risk: the
            // model learnt from the hosts' series; an operator's rule may still act on it
            treeNote(s, spec, a, a.getKind() + " anomaly on " + a.getSeries() + ", Vigil's own telemetry: not a risk "
                    + "to the data of dataset " + spec.getId() + "; the model is not consulted");
            return;
        }
        if (spec.getId().equals(a.getDataset())
                && restoring(spec, state, a.getEpisodeStart().toEpochMilli() + state.clockOffset)) {
            // Vigil's own restore writes many files at once: its dataset series jump, which is not a change to back up
            treeNote(s, spec, a, a.getKind() + " anomaly on " + a.getSeries() + " while Vigil restores into dataset "
                    + spec.getId() + ": its own writes; the model is not consulted");
            return;
        }
        final boolean onDataset = spec.getId().equals(a.getDataset()) || "file".equals(a.getKind());
        final double[] x = Features.of(a.getScore(), onDataset, spec, state, s.nowMs);
        final Decider.Verdict verdict = model.decide(x);
        final String reason = String.format(Locale.ROOT, "%s anomaly on %s (score %.2f, %s): the model chose %s",
                a.getKind(), a.getSeries(), a.getScore(), a.getPhase(), verdict.label());
        final Intent intent = Intent.of(verdict.label().action(), settings.treePriority(), DecisionSource.TREE,
                "tree", reason).explained(verdict.explanation(), model.version(), Features.named(x))
                .triggeredBy(a.getId());
        if (verdict.label() == Label.NONE) {
            s.audit(s.ids.next(s.now), spec.getHost(), spec.getId(), Outcome.NO_ACTION, intent, null, reason);
        } else {
            decisions.apply(s, spec, state, List.of(intent));
        }
    }

    private void event(final Session s, final HostEvent e) {
        final FileActivity fa = e.getFileActivity();
        if (fa != null) {
            check(e, fa);
            final DatasetSpec spec = s.datasets(e.getHost()).specs().get(fa.getDataset());
            if (spec == null) {
                return;
            }
            final DatasetState state = s.state(spec);
            final boolean first = state.firstActivity(e.getId(), fa.getWatcherEpoch(), fa.getJournalSequence());
            // heard, delivered again or not; but a run's first interval sent again by the spool after a restart is no
            // end of that restart's walk
            hosts.activity(s, spec, state, Duration.between(fa.getIntervalStart(), fa.getIntervalEnd()).toMillis(),
                    first ? fa.getJournalSequence() : 0, fa.getIntervalEnd().toEpochMilli());
            if (!first) {
                return; // delivered again by the collector's spool (same id): its figures counted once already
            }
            // the rules' windows, a run's start and a restore's time are the engine's: an interval on a host's clock
            // hours behind would fall out of every window at once (hours ahead, stay in them for hours), and a restore
            // point "before the run began" would be hours off, before or after the damage
            final long offset = hostClock(s, spec, state, fa);
            final Instant start = fa.getIntervalStart().plusMillis(offset);
            final Instant end = fa.getIntervalEnd().plusMillis(offset);
            // Vigil's own restore writes what a snapshot holds: not a change of the users' to back up sooner or
            // fuller for (it made the next scheduled backup a FULL)
            if (!restoring(spec, state, start.toEpochMilli())) {
                final long files = fa.getCreated() + fa.getModified() + fa.getDeleted() + fa.getRenamed();
                state.changedBytesSinceFull += fa.getBytesWritten();
                state.changedFilesSinceFull += files;
                state.record(new DatasetState.Activity(start.toEpochMilli(), end.toEpochMilli(),
                        fa.getBytesWritten(), files, fa.getDeleted(), fa.getCreated()), s.nowMs
                        - settings.policy().changeRateWindow().toMillis());
                final long horizonStart = s.nowMs - Math.max(settings.policy().activityHorizon().toMillis(),
                        settings.policy().changeRateWindow().toMillis());
                state.tally(start.toEpochMilli(), end.toEpochMilli(), fa.getCreated(), fa.getDeleted(), horizonStart);
                state.deleted(fa.getDeletedPaths(), start.toEpochMilli(), end.toEpochMilli(), horizonStart,
                        fa.getIntervalStart().toEpochMilli());
                // an encrypted copy written in place of the file it deletes is a rewrite as much as one in place: the
                // deletion rules count it as no loss (a file created for each deleted)
                final long rewritten = fa.getModified() + fa.getRenamed() + Math.min(fa.getCreated(), fa.getDeleted());
                final boolean nearRandom = fa.getWriteEntropy() != null
                        && fa.getWriteEntropy() >= DatasetState.NEAR_RANDOM_BITS
                        && fa.getEntropySampledBytes() >= DatasetState.NEAR_RANDOM_SAMPLE;
                // a list the collector cut (its queue overflowed) names only some of the files a restore must put back
                final boolean listed = fa.getComplete()
                        && fa.getChangedPaths().size() >= fa.getCreated() + fa.getModified() + fa.getRenamed()
                        && fa.getDeletedPaths().size() >= fa.getDeleted();
                state.rewrites(rewritten, nearRandom, fa.getChangedPaths(), fa.getDeletedPaths(), listed,
                        start.toEpochMilli(), end.toEpochMilli(), settings.policy().changeRateWindow().toMillis(),
                        fa.getIntervalStart().toEpochMilli());
                if (nearRandom) {
                    state.rewroteOverHorizon(rewritten, fa.getChangedPaths(), start.toEpochMilli());
                }
            }
            evaluate(s, spec, state, context(s, "event", spec, state, start).with(e), e.getId(), fa, start);
            return;
        }
        if (HostWatch.FILE_WALK.equals(e.getKind())) {
            hosts.walkMoves(s, e);
            return; // the collector's word on its own work, every interval of a long walk: nothing for the rules
        }
        if (HostWatch.AGENT_START.equals(e.getKind())) {
            hosts.started(s, e);
        }
        final String mount = e.getAttributes().getOrDefault("mountpoint", "");
        for (final DatasetSpec spec : affected(s, e.getHost(), e.getDataset(), mount)) {
            final DatasetState state = s.state(spec);
            if (CLOCK_JUMP.equals(e.getKind())) {
                state.clockOffsetAt = 0; // the host's clock was set: its offset is measured again
                // and its start moves with it: a first walk is measured on that clock (a host that boots hours
                // behind, set by NTP during the walk, walked for minutes)
                final String step = e.getAttributes().getOrDefault("jump.ms", "");
                if (state.startedHostAt > 0 && step.matches("-?\\d{1,15}")) {
                    state.startedHostAt += Long.parseLong(step);
                }
            }
            evaluate(s, spec, state, context(s, "event", spec, state, null).with(e), e.getId(), null, null);
        }
    }

    /** The collector's event when the host's clock steps (set by hand, NTP): its offset to the engine changed. */
    static final String CLOCK_JUMP = "clock.jump";
    /**
     * How long the least delay of a host's file activity stands for its clock offset without a lower one: a backlog
     * replayed after an outage shorter than this keeps the host's dates; one after a longer outage is dated by its
     * receipt (its intervals crowd into the window: window rules may see more than there was, never less).
     */
    static final Duration CLOCK_MEMORY = Duration.ofHours(24);
    /** A host clock this far off the engine's is said in the trail (once per audit.suppression.repeat). */
    static final Duration CLOCK_SAID = Duration.ofMinutes(5);

    /**
     * @return the offset that dates the interval on the engine's clock; an offset of more than {@link #CLOCK_SAID} is
     *     said in a NO_ACTION record, so that an operator reading times in the trail knows whose they are
     */
    private long hostClock(final Session s, final DatasetSpec spec, final DatasetState state, final FileActivity fa) {
        final long offset = state.hostClock(fa.getIntervalEnd().toEpochMilli(), s.nowMs, CLOCK_MEMORY.toMillis());
        if (Math.abs(offset) > CLOCK_SAID.toMillis() && decisions.due(s, state, "host-clock")) {
            final String off = Durations.format(Duration.ofSeconds(Math.abs(offset) / 1000));
            s.note(spec.getHost(), spec.getId(), Outcome.NO_ACTION, DecisionSource.POLICY, "host-clock", null, null,
                    "the clock of host " + spec.getHost() + " is " + off + (offset > 0 ? " behind" : " ahead of")
                            + " the engine's: its file activity arrives " + off + (offset > 0 ? " after" : " before")
                            + " it ended by that clock (the least delay seen): dataset " + spec.getId() + "'s file "
                            + "activity is dated on the engine's clock for the rules' windows and restore points; "
                            + "set the host's clock right (NTP)");
        }
        return offset;
    }

    /** Refuses file activity no watcher can report: it would feed the change figures and restore proposals. */
    private static void check(final HostEvent e, final FileActivity fa) {
        final String problem = dev.vigil.schemas.FileActivities.problem(fa);
        if (problem != null) {
            throw new InvalidInputException("event " + e.getHost() + "/" + e.getKind() + " (id " + e.getId()
                    + "), dataset " + fa.getDataset() + ": " + problem);
        }
    }

    private void feedback(final Session s, final Trigger.OfFeedback f) {
        final String dataset = f.feedback().getDataset();
        final DatasetSpec spec = dataset == null ? null : s.datasets(f.host()).specs().get(dataset);
        if (spec == null) {
            s.note(f.host(), dataset, Outcome.NO_ACTION, DecisionSource.OPERATOR, null, null,
                    f.feedback().getId(), f.feedback().getVerdict() + " of " + f.feedback().getDecisionId()
                            + ": dataset " + dataset + " is not registered on host " + f.host());
            return;
        }
        ledger.feedback(s, spec, s.state(spec), f.feedback());
    }

    /**
     * Evaluates the rules and applies what fired.
     *
     * @return whether any rule fired (the case is then settled: the tree is not consulted)
     */
    private boolean evaluate(final Session s, final DatasetSpec spec, final DatasetState state,
                             final RuleContext context, final String trigger, final FileActivity fa,
                             final Instant activityStart) {
        final List<RuleSet.Firing> fired = rules.rules().evaluate(context);
        if (fired.isEmpty()) {
            return false;
        }
        decisions.apply(s, spec, state, fire(s, spec, state, context, trigger, fa, activityStart, fired));
        return true;
    }

    private List<Intent> fire(final Session s, final DatasetSpec spec, final DatasetState state,
                              final RuleContext context, final String trigger, final FileActivity fa,
                              final Instant activityStart) {
        return fire(s, spec, state, context, trigger, fa, activityStart, rules.rules().evaluate(context));
    }

    private List<Intent> fire(final Session s, final DatasetSpec spec, final DatasetState state,
                              final RuleContext context, final String trigger, final FileActivity fa,
                              final Instant activityStart, final List<RuleSet.Firing> fired) {
        final List<Intent> intents = new ArrayList<>();
        final String version = "rules-" + rules.rules().version();
        for (final RuleSet.Firing firing : fired) {
            final Rule rule = firing.rule();
            final Long last = state.ruleFiredAt.get(rule.name());
            if (last != null && s.nowMs - last < rule.cooldown().toMillis()) {
                // held back, and said so (once per repeat interval): a second attack wave must show in the trail
                if (decisions.due(s, state, "cooldown|" + rule.name())) {
                    s.note(spec.getHost(), spec.getId(), Outcome.SUPPRESSED, DecisionSource.RULE, rule.name(), null,
                            trigger, "rule " + rule.name() + " matched again within its cooldown (fired "
                                    + Durations.format(Duration.ofMillis(s.nowMs - last)) + " ago, cooldown "
                                    + Durations.format(rule.cooldown()) + "): nothing done, not issued: "
                                    + String.join(", ", rule.actions().stream().map(RuleAction::describe).toList())
                                    + (firing.reasons().isEmpty() || firing.reasons().get(0).isBlank() ? ""
                                    : " (the reason it would have given: " + firing.reasons().get(0) + ")"));
                }
                continue;
            }
            state.ruleFiredAt.put(rule.name(), s.nowMs);
            for (int i = 0; i < rule.actions().size(); i++) {
                final RuleAction action = rule.actions().get(i);
                final String reason = firing.reasons().get(i).isBlank() ? "rule " + rule.name() + " fired"
                        : firing.reasons().get(i);
                if (action.kind() == RuleAction.Kind.NONE) {
                    s.note(spec.getHost(), spec.getId(), Outcome.NO_ACTION, DecisionSource.RULE, rule.name(), null,
                            trigger, reason);
                } else if (action.kind() == RuleAction.Kind.INTERVAL) {
                    intervalOf(s, spec, state, rule, action, reason, trigger);
                } else {
                    final Intent intent = commandOf(spec, context, rule, action, reason, fa, activityStart, state)
                            .explained("rule " + rule.name() + " (priority " + rule.priority() + "): when "
                                    + rule.when(), version, null).triggeredBy(trigger);
                    // no path is not "every path": a RESTORE without paths is the whole snapshot, onto the dataset
                    // with overwrite, whatever triggered the rule (an anomaly, a tick, an event without file activity)
                    if (intent.action() == dev.vigil.schemas.Action.RESTORE
                            && (action.from() == RuleAction.RestoreFrom.DELETED_PATHS
                            || action.from() == RuleAction.RestoreFrom.WINDOW_DELETED_PATHS
                            || action.from() == RuleAction.RestoreFrom.HORIZON_DELETED_PATHS)
                            && intent.paths().isEmpty()) {
                        s.note(spec.getHost(), spec.getId(), Outcome.SUPPRESSED, DecisionSource.RULE, rule.name(),
                                intent.action(), trigger, reason + "; not issued: no deleted path to restore ("
                                        + (fa == null && action.from() == RuleAction.RestoreFrom.DELETED_PATHS
                                        ? "only file activity lists deleted paths, and the rule matched on "
                                        + context.trigger() + (context.event().present ? " " + context.event().kind
                                        : "") : listed(fa, context, action, state) ? "the RESTOREs the dataset "
                                        + "holds already (proposed, approved, in flight or to be retried) take all the "
                                        + "room its state has for paths: answer or end them first" : "the collector "
                                        + "listed none") + "), and a restore of everything would overwrite every "
                                        + "change made since the snapshot");
                    } else {
                        intents.add(intent);
                    }
                }
            }
        }
        return intents;
    }

    private static Intent commandOf(final DatasetSpec spec, final RuleContext context, final Rule rule,
                                    final RuleAction action, final String reason, final FileActivity fa,
                                    final Instant activityStart, final DatasetState state) {
        final Intent plain = Intent.of(action.action(), rule.priority(), DecisionSource.RULE, rule.name(), reason)
                .protecting(action.protect()).asEvidence(action.evidence());
        return switch (action.action()) {
            case RESTORE -> restoreOf(plain, context, action, fa, activityStart, state)
                    .onHostClock(hostBefore(context, action, fa, activityStart, state));
            case MIGRATE -> plain.targeting(null, null, List.of(), null, spec.getOffsiteRepository());
            default -> plain;
        };
    }

    private static Intent restoreOf(final Intent plain, final RuleContext context, final RuleAction action,
                                    final FileActivity fa, final Instant activityStart, final DatasetState state) {
        return switch (action.from()) {
                case BEFORE_EPISODE -> plain.targeting(null, Instant.EPOCH.equals(context.state().episodeStart)
                        ? context.now().toEpochMilli() : context.state().episodeStart.toEpochMilli(), List.of(),
                        action.target(), null);
                case DELETED_PATHS -> deletedPaths(plain, activityStart == null ? context.now().toEpochMilli()
                        : activityStart.toEpochMilli(), fa == null ? List.of() : fa.getDeletedPaths(),
                        fa == null ? 0 : fa.getDeleted(), state, action);
                case WINDOW_DELETED_PATHS -> windowDeletions(plain, context, fa, activityStart, state, action,
                        context.state().windowDeleted);
                case HORIZON_DELETED_PATHS -> windowDeletions(plain, context, fa, activityStart, state, action,
                        context.state().horizonDeleted);
                case REWRITTEN_PATHS -> rewrittenPaths(plain, context, action, activityStart, state);
                case BEFORE_REWRITES -> plain.targeting(null, Instant.EPOCH.equals(context.state().horizonRewritesSince)
                        ? context.now().toEpochMilli() : context.state().horizonRewritesSince.toEpochMilli(),
                        List.of(), action.target(), null);
                default -> plain.targeting(null, null, List.of(), action.target(), null);
        };
    }

    /**
     * A RESTORE of the paths the run of near-random rewrites rewrote or deleted, each put back over what is there, from
     * the last snapshot before the episode began (as {@code before-episode}): the dataset's other files keep the edits
     * made since (a database updated, a commit, files saved after the attack). The whole snapshot instead, and its
     * reason says why, when the run's list does not name every file it changed: a restore of some of them would leave
     * the others encrypted.
     */
    private static Intent rewrittenPaths(final Intent plain, final RuleContext context, final RuleAction action,
                                         final Instant activityStart, final DatasetState state) {
        final long before = Instant.EPOCH.equals(context.state().episodeStart) ? context.now().toEpochMilli()
                : context.state().episodeStart.toEpochMilli();
        final DatasetState.RewriteRun run = activityStart == null ? null : state.rewriteRun;
        final List<String> kept = run == null || run.unlisted() ? List.of()
                : Decisions.withinBudget(run.paths(), Decisions.room(state, null));
        final String whole = run == null ? "only file activity's run of near-random rewrites names their paths"
                : run.unlisted() || run.paths().isEmpty() ? "the collector did not list every file the run rewrote "
                + "or deleted (or the run began before the engine kept them), or they went past the "
                + DatasetState.RUN_PATHS + " paths the engine keeps of a run"
                : kept.size() < run.paths().size() ? "the RESTOREs the dataset holds already take the room its state "
                + "has for paths" : null;
        if (whole != null) {
            return plain.withReason(plain.reason() + " (all of the snapshot, not only the files the run rewrote or "
                    + "deleted: " + whole + ")").targeting(null, before, List.of(), action.target(), null);
        }
        return plain.targeting(null, before, kept, action.target(), null).replacing(true);
    }

    /**
     * The restore point of a rule's RESTORE on the host's clock, from the dates the collector and the analyzer gave the
     * damage. Not the engine's restore point less the host's offset now: times kept in the engine's clock were shifted
     * by the offset when they came, and a backlog after an outage of more than a day came with its delay for an offset
     * (CLOCK_MEMORY), which the intervals after it bring down; shifted back by that, the restore point fell up to the
     * outage's length after the damage began, on a snapshot taken during it.
     *
     * @return epoch ms on the host's clock; null when no such date is known (then the host's offset converts)
     */
    private static Long hostBefore(final RuleContext context, final RuleAction action, final FileActivity fa,
                                   final Instant activityStart, final DatasetState state) {
        long before = fa != null && activityStart != null ? fa.getIntervalStart().toEpochMilli() : Long.MAX_VALUE;
        switch (action.from()) {
            case BEFORE_EPISODE, REWRITTEN_PATHS -> {
                // as context() dates the episode: the run counts for file activity, the open episodes always
                if (activityStart != null && state.rewriteRun != null) {
                    before = Math.min(before, state.rewriteRun.hostStart() > 0 ? state.rewriteRun.hostStart()
                            : state.rewriteRun.start() - state.clockOffset);
                }
                for (final DatasetState.Episode e : state.episodes.values()) {
                    before = Math.min(before, e.start());
                }
            }
            case WINDOW_DELETED_PATHS, HORIZON_DELETED_PATHS -> {
                final long windowStart = deletedSince(context, action.from());
                for (final DatasetState.Deleted d : state.deletedPaths) {
                    if (d.end() >= windowStart) {
                        before = Math.min(before, d.hostStart() > 0 ? d.hostStart() : d.start() - state.clockOffset);
                    }
                }
            }
            case DELETED_PATHS -> {
                // the interval's own start, above
            }
            default -> before = Long.MAX_VALUE;
        }
        return before == Long.MAX_VALUE ? null : before;
    }

    /**
     * @return from when the deleted paths of a window-deleted-paths or horizon-deleted-paths RESTORE are taken, epoch
     *     ms: the horizon's from the start of its first hour, which its counts (state.horizon*) take whole
     */
    private static long deletedSince(final RuleContext context, final RuleAction.RestoreFrom from) {
        return from == RuleAction.RestoreFrom.WINDOW_DELETED_PATHS
                ? context.now().toEpochMilli() - context.state().window.toMillis()
                : DatasetState.hourOf(context.now().toEpochMilli() - context.state().horizon.toMillis());
    }

    /** @return whether the rule's RESTORE had deleted paths to take, before the room the state has for them */
    private static boolean listed(final FileActivity fa, final RuleContext context, final RuleAction action,
                                  final DatasetState state) {
        if (fa != null && !fa.getDeletedPaths().isEmpty()) {
            return true;
        }
        if (action.from() != RuleAction.RestoreFrom.WINDOW_DELETED_PATHS
                && action.from() != RuleAction.RestoreFrom.HORIZON_DELETED_PATHS) {
            return false;
        }
        // the list is kept over the longer of both windows: paths older than this rule's are none of its
        final long since = deletedSince(context, action.from());
        return state.deletedPaths.stream().anyMatch(d -> d.end() >= since);
    }

    /**
     * A RESTORE of the paths deleted within a window (the change-rate window, or the activity horizon) and by this
     * activity, from before the first of them.
     *
     * @param deleted the files deleted within that window
     */
    private static Intent windowDeletions(final Intent plain, final RuleContext context, final FileActivity fa,
                                          final Instant activityStart, final DatasetState state,
                                          final RuleAction action, final long deleted) {
        final java.util.LinkedHashSet<String> paths = new java.util.LinkedHashSet<>();
        long before = activityStart == null ? context.now().toEpochMilli() : activityStart.toEpochMilli();
        final long windowStart = deletedSince(context, action.from());
        for (final DatasetState.Deleted d : state.deletedPaths) {
            // the list is kept over the longer of both windows
            if (d.end() >= windowStart) {
                paths.add(d.path());
                before = Math.min(before, d.start());
            }
        }
        if (fa != null) {
            paths.addAll(fa.getDeletedPaths());
        }
        return deletedPaths(plain, before, List.copyOf(paths), deleted, state, action);
    }

    /**
     * A RESTORE of the listed paths the state has room for. Its reason says which deleted files it leaves out, or an
     * operator approving "N files deleted: restore them" would take them all to be restored.
     *
     * @param deleted the files deleted that the paths were listed for
     */
    private static Intent deletedPaths(final Intent plain, final long before, final List<String> listed,
                                       final long deleted, final DatasetState state, final RuleAction action) {
        final List<String> kept = Decisions.withinBudget(listed, Decisions.room(state, null));
        final List<String> left = new ArrayList<>();
        if (deleted > listed.size()) {
            left.add((deleted - listed.size()) + " of the " + deleted + " files deleted are not listed (the "
                    + "collector's list was incomplete, or the deletions went past the "
                    + DatasetState.WINDOW_DELETED_PATHS + " paths the engine keeps)");
        }
        if (kept.size() < listed.size()) {
            left.add((listed.size() - kept.size()) + " more deleted path(s) are past the room a dataset's state has "
                    + "for the paths of its restores");
        }
        final Intent said = kept.isEmpty() || left.isEmpty() ? plain : plain.withReason(plain.reason() + " ("
                + String.join("; ", left) + ": not in this restore, restore them by hand with vigil repo restore)");
        return said.targeting(null, before, kept, action.target(), null);
    }

    private void intervalOf(final Session s, final DatasetSpec spec, final DatasetState state, final Rule rule,
                            final RuleAction action, final String reason, final String trigger) {
        long every = Long.MAX_VALUE;
        if (action.every() != null) {
            every = action.every().toMillis();
        }
        if (action.rpoFraction() > 0) {
            every = Math.min(every, (long) (spec.getRpoSeconds() * 1000L * action.rpoFraction()));
        }
        every = Math.max(every, 60_000L);
        final long until = s.nowMs + action.lasting().toMillis();
        state.interval = new DatasetState.IntervalOverride(every, until, rule.name());
        s.note(spec.getHost(), spec.getId(), Outcome.NO_ACTION, DecisionSource.RULE, rule.name(), null, trigger,
                reason + " (backup interval " + Durations.format(Duration.ofMillis(every)) + " until "
                        + Instant.ofEpochMilli(until) + ")");
    }

    private RuleContext context(final Session s, final String trigger, final DatasetSpec spec,
                                final DatasetState state, final Instant activityStart) {
        Instant episodeStart = activityStart;
        if (activityStart != null && state.rewriteRun != null) {
            // near-random rewriting began with the run, however few files each interval rewrote
            episodeStart = Instant.ofEpochMilli(Math.min(activityStart.toEpochMilli(), state.rewriteRun.start()));
        }
        for (final DatasetState.Episode e : state.episodes.values()) {
            // the analyzer dates an episode by the host's clock (its points' event time), file activity is on ours
            final Instant start = Instant.ofEpochMilli(e.start() + state.clockOffset);
            episodeStart = episodeStart == null || start.isBefore(episodeStart) ? start : episodeStart;
        }
        return RuleContext.of(trigger, s.now, RuleContext.dataset(spec), RuleContext.state(state, s.nowMs,
                s.hostInFlight(spec.getHost()), settings.policy().changeRateWindow(),
                settings.policy().activityHorizon(), episodeStart,
                restoring(spec, state, activityStart == null ? s.nowMs : activityStart.toEpochMilli())));
    }

    /**
     * Whether Vigil's own restore wrote into the dataset since a time: one in flight (its writes may show up in file
     * activity before its result does), or one that ended after that time.
     */
    private static boolean restoring(final DatasetSpec spec, final DatasetState state, final long since) {
        return state.restoredIntoAt >= since
                || state.inFlight.values().stream().anyMatch(f -> Guard.restoresInto(f.intent(), spec));
    }

    /**
     * Remembers the mountpoint a series of the host names (a filesystem metric's), once, if it holds one of the host's
     * datasets: every other one would be state (and a write for every window of a host without datasets) that grows
     * with every container mount the host ever had.
     */
    private static void learnMountpoint(final Session s, final String host, final String series) {
        final String mountpoint = dev.vigil.decision.rules.SeriesName.attribute(series, "mountpoint");
        if (mountpoint != null && mountpoint.startsWith("/") && !s.datasets(host).mountpoints().contains(mountpoint)
                && s.datasets(host).holdsDataset(mountpoint)) {
            s.putDatasets(host, s.datasets(host).withMountpoint(mountpoint));
        }
    }

    /**
     * The host's datasets an input concerns: the one it names, else those on the mountpoint (on the longest known
     * mountpoint that holds their path; under it by path while the host's mountpoints are unknown), else all.
     */
    private static List<DatasetSpec> affected(final Session s, final String host, final String dataset,
                                              final String mountpoint) {
        final HostDatasets all = s.datasets(host);
        if (dataset != null && !dataset.isEmpty()) {
            final DatasetSpec spec = all.specs().get(dataset);
            return spec == null ? List.of() : List.of(spec);
        }
        if (mountpoint == null || mountpoint.isEmpty()) {
            return List.copyOf(all.specs().values());
        }
        if (all.mountpoints().contains(mountpoint)) {
            return all.specs().values().stream().filter(spec -> mountpoint.equals(all.mountOf(spec.getPath())))
                    .toList();
        }
        if ("/".equals(mountpoint)) {
            return List.copyOf(all.specs().values());
        }
        final String prefix = mountpoint.endsWith("/") ? mountpoint : mountpoint + "/";
        return all.specs().values().stream()
                .filter(spec -> spec.getPath().equals(mountpoint) || spec.getPath().startsWith(prefix)).toList();
    }
}
