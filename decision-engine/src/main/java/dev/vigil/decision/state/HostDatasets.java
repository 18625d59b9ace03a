package dev.vigil.decision.state;

import dev.vigil.schemas.DatasetSpec;
import java.util.Map;
import java.util.TreeMap;

/**
 * The datasets one host holds, by id. Store {@code host-datasets}, keyed by host.
 *
 * @param specs dataset id to spec, sorted by id so iteration order is stable
 */
public record HostDatasets(Map<String, DatasetSpec> specs) {
    /** Copies the map so the value never changes under a reader. */
    public HostDatasets {
        specs = specs == null ? new TreeMap<>() : new TreeMap<>(specs);
    }

    /**
     * @param change a registry change routed to this host
     * @return the datasets after the change
     */
    public HostDatasets apply(final DatasetChange change) {
        final Map<String, DatasetSpec> next = new TreeMap<>(specs);
        if (change.spec() == null) {
            next.remove(change.id());
        } else {
            next.put(change.id(), change.spec());
        }
        return new HostDatasets(next);
    }
}
