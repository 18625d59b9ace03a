package dev.vigil.decision.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * State in plain maps, for simulation and tests. Values are copied through JSON on every put and
 * get, exactly as a Streams store would, so the engine cannot rely on sharing mutable objects.
 */
public final class MemoryState implements StateAccess {
    private static final JsonSerde<DatasetState> STATE = new JsonSerde<>(DatasetState.class);
    private static final JsonSerde<HostDatasets> HOSTS = new JsonSerde<>(HostDatasets.class);
    private final Map<String, byte[]> datasets = new TreeMap<>();
    private static final JsonSerde<BackupStarts> BACKUPS = new JsonSerde<>(BackupStarts.class);
    private final Map<String, byte[]> states = new TreeMap<>();
    private byte[] backups;

    @Override
    public HostDatasets datasets(final String host) {
        final byte[] value = datasets.get(host);
        return value == null ? HostDatasets.none() : HOSTS.deserialize("memory", value);
    }

    @Override
    public void putDatasets(final String host, final HostDatasets value) {
        if (value.specs().isEmpty()) {
            datasets.remove(host);
        } else {
            datasets.put(host, HOSTS.serialize("memory", value));
        }
    }

    @Override
    public List<String> hosts() {
        return new ArrayList<>(datasets.keySet());
    }

    @Override
    public DatasetState state(final String dataset) {
        final byte[] value = states.get(dataset);
        return value == null ? null : STATE.deserialize("memory", value);
    }

    @Override
    public void putState(final DatasetState state) {
        states.put(state.dataset, STATE.serialize("memory", state));
    }

    @Override
    public void deleteState(final String dataset) {
        states.remove(dataset);
    }

    @Override
    public BackupStarts backups() {
        return backups == null ? BackupStarts.none() : BACKUPS.deserialize("memory", backups);
    }

    @Override
    public void putBackups(final BackupStarts value) {
        backups = BACKUPS.serialize("memory", value);
    }
}
