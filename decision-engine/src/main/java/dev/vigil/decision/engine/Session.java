package dev.vigil.decision.engine;

import dev.vigil.decision.state.BackupStarts;
import dev.vigil.decision.state.DatasetState;
import dev.vigil.decision.state.HostDatasets;
import dev.vigil.decision.state.Intent;
import dev.vigil.decision.state.StateAccess;
import dev.vigil.schemas.Action;
import dev.vigil.schemas.DatasetSpec;
import dev.vigil.schemas.DecisionRecord;
import dev.vigil.schemas.DecisionSource;
import dev.vigil.schemas.Outcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One pass of the engine over one input or tick: the states it reads and changes (written back
 * once, at the end) and what it emits.
 */
final class Session {
    final StateAccess store;
    final Instant now;
    final long nowMs;
    final IdSource ids;
    final List<Emission> out = new ArrayList<>();
    private final Map<String, DatasetState> touched = new LinkedHashMap<>();
    private final Map<String, HostDatasets> hosts = new LinkedHashMap<>();
    private BackupStarts backups;

    Session(final StateAccess store, final Instant now, final IdSource ids) {
        this.store = store;
        this.now = now;
        this.nowMs = now.toEpochMilli();
        this.ids = ids;
    }

    /** @return the state of a dataset, created when the engine has none */
    DatasetState state(final DatasetSpec spec) {
        return touched.computeIfAbsent(spec.getId(), id -> {
            final DatasetState s = store.state(id);
            return s != null ? s : DatasetState.fresh(id, spec.getHost());
        });
    }

    /** @return the state of a dataset, or null when the engine has none */
    DatasetState existing(final String dataset) {
        final DatasetState cached = touched.get(dataset);
        if (cached != null) {
            return cached;
        }
        final DatasetState s = store.state(dataset);
        if (s != null) {
            touched.put(dataset, s);
        }
        return s;
    }

    /** Forgets a dataset's state. */
    void drop(final String dataset) {
        touched.remove(dataset);
        store.deleteState(dataset);
    }

    /** @return the host's datasets, read once per pass (decoding them is not free) */
    HostDatasets datasets(final String host) {
        return hosts.computeIfAbsent(host, store::datasets);
    }

    /** Replaces a host's datasets, in the store and in this pass. */
    void putDatasets(final String host, final HostDatasets datasets) {
        hosts.put(host, datasets);
        store.putDatasets(host, datasets);
    }

    /** @return commands in flight on a host, over all its datasets */
    int hostInFlight(final String host) {
        int n = 0;
        for (final DatasetSpec spec : datasets(host).specs().values()) {
            final DatasetState s = existing(spec.getId());
            n += s == null ? 0 : s.inFlight.size();
        }
        return n;
    }

    /**
     * @param windowMs the task cap's window
     * @return the task's recent backups and its line, read once per pass
     */
    BackupStarts backups(final long windowMs) {
        if (backups == null) {
            backups = store.backups().within(nowMs, windowMs);
        }
        return backups;
    }

    /** Replaces the task's backups, in the store and in this pass. */
    void putBackups(final BackupStarts value) {
        backups = value;
        store.putBackups(value);
    }

    /** Writes every state changed in this pass. */
    void save() {
        touched.values().forEach(store::putState);
        touched.clear();
    }

    /**
     * Emits an audit record about an intent.
     *
     * @return the record's id
     */
    String audit(final String id, final String host, final String dataset, final Outcome outcome,
                 final Intent intent, final String commandId, final String reason) {
        out.add(new Emission.Decision(DecisionRecord.newBuilder()
                .setId(id).setHost(host).setTime(now).setDataset(dataset).setOutcome(outcome)
                .setAction(intent == null ? null : intent.action()).setCommandId(commandId)
                .setSource(intent == null ? DecisionSource.POLICY : intent.source())
                .setRule(intent == null ? null : intent.rule())
                .setReason(reason)
                .setExplanation(intent == null ? "" : intent.explanation())
                .setModelVersion(intent == null ? null : intent.modelVersion())
                .setTrigger(intent == null ? null : intent.trigger())
                .setFeatures(intent == null ? Map.of() : intent.features())
                .build()));
        return id;
    }

    /** Emits an audit record that is not about an intent. */
    String note(final String host, final String dataset, final Outcome outcome, final DecisionSource source,
                final String rule, final Action action, final String trigger, final String reason) {
        final String id = ids.next(now);
        out.add(new Emission.Decision(DecisionRecord.newBuilder()
                .setId(id).setHost(host).setTime(now).setDataset(dataset).setOutcome(outcome).setAction(action)
                .setSource(source).setRule(rule).setReason(reason).setTrigger(trigger).build()));
        return id;
    }
}
