package dev.vigil.decision.engine;

import dev.vigil.decision.state.DatasetState;
import dev.vigil.decision.state.HostDatasets;
import dev.vigil.schemas.DatasetSpec;
import dev.vigil.schemas.DecisionSource;
import dev.vigil.schemas.Durations;
import dev.vigil.schemas.HostEvent;
import dev.vigil.schemas.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the engine says of hosts rather than datasets, from their telemetry: a host gone silent ({@code host.silence})
 * and heard again, a host whose collector restarts in a loop ({@code host.restarts}) and stays up again. Kept in the
 * host's {@link HostDatasets}; each is said once per episode, for each of the host's datasets (the audit trail is
 * keyed by dataset).
 */
final class HostWatch {
    /** The collector's event when it starts (the host booted, or the agent was restarted). */
    static final String AGENT_START = "agent.start";
    /** The collector's event, every interval, while a walk of a dataset that has run for an interval or more moves. */
    static final String FILE_WALK = "file.walk";
    /**
     * The longest first walk learnt: one that began on a path unmounted for days and walked once it was back is no
     * walk to wait twice as long for at the next start.
     */
    static final Duration MAX_FIRST_WALK = Duration.ofHours(6);
    private final EngineSettings settings;
    /**
     * When this engine first ticked, epoch ms; 0 before. A host's silence counts from then at the earliest: an engine
     * that was itself stopped has not heard anyone, and reads what they sent meanwhile only after its first ticks.
     */
    private volatile long watchingSince;

    HostWatch(final EngineSettings settings) {
        this.settings = settings;
    }

    /** The periodic pass over one host: its silence, the end of its restart loop. */
    void tick(final Session s, final String host) {
        if (watchingSince == 0) {
            watchingSince = s.nowMs;
        }
        silence(s, host);
        stayedUp(s, host);
    }

    /**
     * Notes that a host with datasets sent telemetry (to the minute, or a quarter of {@code host.silence} if shorter:
     * not a store write per record), and says so after a silence that was escalated.
     */
    void heard(final Session s, final Trigger trigger) {
        final String host = trigger instanceof Trigger.OfAnomaly a ? a.anomaly().getHost()
                : trigger instanceof Trigger.OfEvent e ? e.event().getHost()
                : trigger instanceof Trigger.OfForecast f ? f.host()
                : trigger instanceof Trigger.OfStats st ? st.host() : null;
        if (host == null) {
            return;
        }
        final HostDatasets known = s.datasets(host);
        final long every = Math.min(60_000L, settings.hostSilence().toMillis() / 4);
        if (known.specs().isEmpty() || known.silenceEscalatedAt() == 0 && s.nowMs - known.heardAt() < every) {
            return;
        }
        if (known.silenceEscalatedAt() > 0) {
            for (final DatasetSpec spec : known.specs().values()) {
                s.note(host, spec.getId(), Outcome.NO_ACTION, DecisionSource.POLICY, "host-silence", null, null,
                        "host " + host + " sends telemetry again, after "
                                + Durations.format(Duration.ofSeconds((s.nowMs - known.heardAt()) / 1000))
                                + " of silence");
            }
        }
        // after a silence the collector was most likely down: its datasets' file activity comes after its first walks
        final boolean back = known.heardAt() > 0 && s.nowMs - known.heardAt() >= settings.hostSilence().toMillis();
        s.putDatasets(host, back ? known.withHeard(s.nowMs, 0).withHeardSince(s.nowMs) : known.withHeard(s.nowMs, 0));
    }

    /**
     * Escalates, once per silence, a host that sent telemetry before and none for {@code host.silence}: its agent or
     * the host itself is down, so no rule sees its files, and its worker most likely takes no command either; nothing else
     * would show it before its datasets are past their RPO.
     */
    private void silence(final Session s, final String host) {
        final HostDatasets known = s.datasets(host);
        final long limit = settings.hostSilence().toMillis();
        if (limit <= 0 || known.heardAt() == 0 || known.silenceEscalatedAt() > 0 || known.specs().isEmpty()
                || s.nowMs - Math.max(known.heardAt(), watchingSince) < limit) {
            return;
        }
        for (final DatasetSpec spec : known.specs().values()) {
            s.note(host, spec.getId(), Outcome.ESCALATED, DecisionSource.POLICY, "host-silence", null, null,
                    "host " + host + " has sent no telemetry (file activity, metrics) for "
                            + Durations.format(Duration.ofSeconds((s.nowMs - known.heardAt()) / 1000)) + ", since "
                            + Instant.ofEpochMilli(known.heardAt()) + " (host.silence "
                            + Durations.format(settings.hostSilence()) + "): no rule sees dataset " + spec.getId()
                            + " meanwhile, and its worker may be down too; a person is needed (is host " + host
                            + " up, and its collector running?)");
        }
        s.putDatasets(host, known.withHeard(known.heardAt(), s.nowMs));
    }

    /**
     * Notes that file activity of a dataset arrived, and says so after its silence was escalated.
     *
     * @param interval the activity's interval length, ms
     * @param sequence its number in its watcher run, from 1 (0 when the sender numbers none, or it was delivered
     *     before)
     * @param end the interval's end on the host's clock, epoch ms
     */
    void activity(final Session s, final DatasetSpec spec, final DatasetState state, final long interval,
                  final long sequence, final long end) {
        // a watcher run's first interval ends its first walk, begun when the collector started (or the dataset was
        // registered while it ran): the next start may take as long
        final long since = Math.max(state.startedAt, spec.getTime().toEpochMilli());
        if (sequence == 1) {
            if (state.walkedAt < since) {
                // on the host's clock when the start is known: a start and its walk kept in the spool while the
                // cluster was away arrive together, as if the walk took no time (not a clock stepped back since)
                final long walk = state.startedAt >= spec.getTime().toEpochMilli() && state.startedHostAt > 0
                        && end >= state.startedHostAt ? end - state.startedHostAt : s.nowMs - since;
                state.firstWalkMs = Math.min(MAX_FIRST_WALK.toMillis(), Math.max(0, walk));
            }
            state.walkedAt = s.nowMs;
        }
        if (state.activitySilenceAt > 0) {
            s.note(spec.getHost(), spec.getId(), Outcome.NO_ACTION, DecisionSource.POLICY, "activity-silence", null,
                    null, "file activity of dataset " + spec.getId() + " arrives again, after "
                            + Durations.format(Duration.ofSeconds((s.nowMs - state.activityHeardAt) / 1000))
                            + " without any: its files are watched again");
        }
        state.activityHeardAt = s.nowMs;
        state.activityEvery = Math.max(0, interval);
        state.activitySilenceAt = 0;
    }

    /**
     * Escalates, once per silence, a dataset whose file activity stopped for {@code host.silence} (and three of its
     * intervals) while its host still sends telemetry: the collector sends an interval every few seconds, changes or
     * not, so its watcher of that dataset stopped (the path unmounted or removed, permissions, a watcher that failed),
     * and a deletion or a rewrite there shows in no rule until the worker's next backup. The host's own silence is
     * {@link #silence}'s, and the silence is counted from the collector's start, or the host's return after its own
     * silence, at the earliest: a collector walks each dataset before it sends its first interval; until one arrives,
     * the limit is at least twice the dataset's last first walk ({@link DatasetState#firstWalkMs}).
     */
    void watched(final Session s, final DatasetSpec spec, final DatasetState state) {
        final HostDatasets known = s.datasets(spec.getHost());
        // no first interval of a run since the collector started: it still walks the tree, which took firstWalkMs last
        // time (it may have grown: twice that); a host back from a silence without a start walks nothing
        final boolean walking = state.walkedAt < state.startedAt && state.firstWalkMs > 0;
        final long limit = Math.max(Math.max(settings.hostSilence().toMillis(), 3 * state.activityEvery),
                walking ? 2 * state.firstWalkMs : 0);
        final long since = Math.max(Math.max(Math.max(state.activityHeardAt, state.walkMovedAt), watchingSince),
                known.heardSince());
        if (settings.hostSilence().isZero() || state.activityHeardAt == 0 || state.activitySilenceAt > 0
                || known.silenceEscalatedAt() > 0 || s.nowMs - since < limit
                || s.nowMs - known.heardAt() >= settings.hostSilence().toMillis()) {
            return;
        }
        state.activitySilenceAt = s.nowMs;
        s.note(spec.getHost(), spec.getId(), Outcome.ESCALATED, DecisionSource.POLICY, "activity-silence", null, null,
                "no file activity of dataset " + spec.getId() + " (" + spec.getPath() + ") for "
                        + Durations.format(Duration.ofSeconds((s.nowMs - state.activityHeardAt) / 1000)) + ", since "
                        + Instant.ofEpochMilli(state.activityHeardAt) + ", while host " + spec.getHost() + " still "
                        + "sends telemetry (last at " + Instant.ofEpochMilli(known.heardAt()) + ")"
                        + (walking ? ", and " + Durations.format(Duration.ofSeconds((s.nowMs - state.startedAt)
                        / 1000)) + " since its collector started, twice as long as its first walk took the last time ("
                        + Durations.format(Duration.ofSeconds(state.firstWalkMs / 1000)) + ")" : "")
                        + (state.walkMovedAt > state.activityHeardAt ? ", and its walk last said to move at "
                        + Instant.ofEpochMilli(state.walkMovedAt) + " (a filesystem that stopped answering?)" : "")
                        + ": its collector "
                        + "no longer watches it (path unmounted or removed, permissions, a watcher that failed: the "
                        + "collector's log says which), so no rule sees a deletion or a rewrite there until the next "
                        + "backup; a person is needed");
    }

    /**
     * Notes that the collector said a walk of a dataset moves: it sends the dataset's file activity once the walk ends,
     * and a tree of millions of files, or one first walked after the engine last heard of it, takes longer than
     * {@code host.silence}.
     */
    void walkMoves(final Session s, final HostEvent e) {
        final DatasetSpec spec = s.datasets(e.getHost()).specs().get(e.getDataset());
        if (spec != null) {
            s.state(spec).walkMovedAt = s.nowMs;
        }
    }

    /**
     * Counts a start of the host's collector, and escalates, once per loop, a host that starts {@code host.restarts}
     * times within {@code host.restarts.window}: one reboot is maintenance, a loop is a crash, a watchdog or a boot that
     * fails after a patch, during which backups started there may never finish and files are watched only between
     * starts. Each start after that is part of the same loop, not another escalation.
     */
    void started(final Session s, final HostEvent e) {
        final String host = e.getHost();
        if (s.datasets(host).specs().isEmpty()) {
            return;
        }
        // a collector that starts walks its datasets before it sends their file activity
        final HostDatasets known = s.datasets(host).withHeardSince(s.nowMs);
        s.putDatasets(host, known);
        if (!known.starts().contains(e.getTime().toEpochMilli())) { // not the same start delivered again
            for (final DatasetSpec spec : known.specs().values()) {
                s.state(spec).startedAt = s.nowMs;
                s.state(spec).startedHostAt = e.getTime().toEpochMilli();
            }
        }
        final int limit = settings.hostRestarts();
        if (limit <= 0) {
            return;
        }
        final long window = settings.hostRestartsWindow().toMillis();
        final long at = e.getTime().toEpochMilli();
        if (known.starts().contains(at)) {
            return; // the same start delivered again by the collector's spool (a start at the very same ms is it)
        }
        final List<Long> starts = new ArrayList<>(known.starts());
        starts.add(at);
        starts.sort(null);
        final long latest = starts.get(starts.size() - 1);
        starts.removeIf(t -> latest - t >= window);
        while (starts.size() > limit) {
            starts.remove(0);
        }
        if (known.restartLoopAt() == 0 && starts.size() >= limit) {
            final List<String> times = starts.stream().map(t -> Instant.ofEpochMilli(t).toString()).toList();
            for (final DatasetSpec spec : known.specs().values()) {
                s.note(host, spec.getId(), Outcome.ESCALATED, DecisionSource.POLICY, "restart-loop", null, e.getId(),
                        "host " + host + " restarts in a loop: its collector started " + starts.size() + " times within "
                                + Durations.format(Duration.ofMillis(latest - starts.get(0))) + " (at "
                                + String.join(", ", times) + " by its clock; host.restarts " + limit + " within "
                                + Durations.format(settings.hostRestartsWindow()) + "): a backup of dataset "
                                + spec.getId() + " started there may never finish, and its files are watched only "
                                + "between restarts; a person is needed (the host's boot and kernel logs, the "
                                + "collector's log); said again only for a new loop, once it stayed up "
                                + Durations.format(settings.hostRestartsWindow()));
            }
        }
        final boolean looping = known.restartLoopAt() > 0 || starts.size() >= limit;
        s.putDatasets(host, known.withStarts(starts, looping ? s.nowMs : 0));
    }

    /** Says a restart loop over once the host was heard from and has not started again for {@code host.restarts.window}. */
    private void stayedUp(final Session s, final String host) {
        final HostDatasets known = s.datasets(host);
        final long window = settings.hostRestartsWindow().toMillis();
        if (known.restartLoopAt() == 0 || s.nowMs - known.restartLoopAt() < window
                || known.heardAt() <= known.restartLoopAt()) {
            return;
        }
        for (final DatasetSpec spec : known.specs().values()) {
            s.note(host, spec.getId(), Outcome.NO_ACTION, DecisionSource.POLICY, "restart-loop", null, null,
                    "host " + host + " stayed up: no collector start for "
                            + Durations.format(Duration.ofSeconds((s.nowMs - known.restartLoopAt()) / 1000))
                            + " since the last of its restart loop (received " + Instant.ofEpochMilli(
                            known.restartLoopAt()) + "), and it sends telemetry: the restart loop is over");
        }
        s.putDatasets(host, known.withStarts(List.of(), 0));
    }

}
