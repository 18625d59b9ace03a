package dev.vigil.decision.app;

import dev.vigil.decision.state.BackupStarts;
import dev.vigil.decision.state.DatasetState;
import dev.vigil.decision.state.HostDatasets;
import dev.vigil.decision.state.JsonSerde;
import dev.vigil.decision.state.StateAccess;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/** {@link StateAccess} over the three state stores of one stream task. */
final class StoreState implements StateAccess {
    private static final JsonSerde<DatasetState> JSON = new JsonSerde<>(DatasetState.class);
    private final KeyValueStore<String, HostDatasets> datasets;
    private final KeyValueStore<String, DatasetState> states;
    private final KeyValueStore<String, BackupStarts> backups;
    /**
     * Each dataset state as read, encoded, until it is written back: the tick passes over every dataset and writes each
     * back, and one it left as it was is not written again (each write goes to the changelog, megabytes for a state
     * that holds the paths of a restore, every tick.interval, and a failover reads them all back).
     */
    private final Map<String, byte[]> asRead = new HashMap<>();

    StoreState(final KeyValueStore<String, HostDatasets> datasets, final KeyValueStore<String, DatasetState> states,
               final KeyValueStore<String, BackupStarts> backups) {
        this.datasets = datasets;
        this.states = states;
        this.backups = backups;
    }

    @Override
    public HostDatasets datasets(final String host) {
        final HostDatasets value = datasets.get(host);
        return value == null ? HostDatasets.none() : value;
    }

    @Override
    public void putDatasets(final String host, final HostDatasets value) {
        if (value.specs().isEmpty()) {
            datasets.delete(host);
        } else {
            datasets.put(host, value);
        }
    }

    @Override
    public List<String> hosts() {
        final List<String> hosts = new ArrayList<>();
        try (KeyValueIterator<String, HostDatasets> all = datasets.all()) {
            while (all.hasNext()) {
                final KeyValue<String, HostDatasets> next = all.next();
                hosts.add(next.key);
            }
        }
        return hosts;
    }

    @Override
    public DatasetState state(final String dataset) {
        final DatasetState state = states.get(dataset);
        if (state != null) {
            asRead.put(dataset, JSON.serialize(null, state));
        }
        return state;
    }

    @Override
    public void putState(final DatasetState state) {
        final byte[] before = asRead.remove(state.dataset);
        if (before == null || !Arrays.equals(before, JSON.serialize(null, state))) {
            states.put(state.dataset, state);
        }
    }

    @Override
    public void deleteState(final String dataset) {
        asRead.remove(dataset);
        states.delete(dataset);
    }

    @Override
    public BackupStarts backups() {
        final BackupStarts value = backups.get(BackupStarts.KEY);
        return value == null ? BackupStarts.none() : value;
    }

    @Override
    public void putBackups(final BackupStarts value) {
        backups.put(BackupStarts.KEY, value);
    }
}
