package dev.vigil.decision.app;

import dev.vigil.decision.state.BackupStarts;
import dev.vigil.decision.state.DatasetState;
import dev.vigil.decision.state.HostDatasets;
import dev.vigil.decision.state.StateAccess;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/** {@link StateAccess} over the three state stores of one stream task. */
final class StoreState implements StateAccess {
    private final KeyValueStore<String, HostDatasets> datasets;
    private final KeyValueStore<String, DatasetState> states;
    private final KeyValueStore<String, BackupStarts> backups;

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
        return states.get(dataset);
    }

    @Override
    public void putState(final DatasetState state) {
        states.put(state.dataset, state);
    }

    @Override
    public void deleteState(final String dataset) {
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
