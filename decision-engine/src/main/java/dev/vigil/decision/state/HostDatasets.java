package dev.vigil.decision.state;

import dev.vigil.schemas.DatasetSpec;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The datasets one host holds, by id, and the mountpoints its filesystem metrics name. Store {@code host-datasets},
 * keyed by host.
 *
 * @param specs dataset id to spec, sorted by id so iteration order is stable
 * @param mountpoints mountpoints seen in the host's forecasts and statistics that hold one of its datasets' paths: a
 *     dataset is on the longest that holds its path, so that a filling {@code /} does not concern a dataset on its own
 *     mount. Only those are kept: the others change nothing (a series of an unknown mountpoint concerns the datasets
 *     under it, which are none), and containers mount and unmount without end (overlay, pod volumes)
 * @param heardAt when the engine last had telemetry of the host (an event, anomaly, forecast or statistics window),
 *     epoch ms on the engine's clock, to the minute; 0 never
 * @param silenceEscalatedAt when the engine escalated the host's current silence, epoch ms; 0 when not (said once per
 *     silence)
 * @param starts the host's recent collector starts (agent.start), epoch ms on the host's clock (they are compared with
 *     each other only, so a clock hours off or a spooled backlog of them counts them as they were), oldest first,
 *     those within {@code host.restarts.window} of the latest only
 * @param restartLoopAt when the latest start of the host's escalated restart loop arrived, engine epoch ms; 0 when none
 *     is escalated (said once per loop, and said over once the host stays up)
 * @param heardSince when the host's collector started (agent.start) or the host was heard again after a silence of
 *     {@code host.silence}, engine epoch ms; 0 in state of older builds. A collector walks each dataset before it
 *     sends its file activity, so a dataset's silence ({@code activity-silence}) counts from then at the earliest
 */
public record HostDatasets(Map<String, DatasetSpec> specs, Set<String> mountpoints, long heardAt,
                           long silenceEscalatedAt, List<Long> starts, long restartLoopAt, long heardSince) {
    /**
     * Copies the collections so the value never changes under a reader (state of older builds has no mountpoints, no
     * starts).
     */
    public HostDatasets {
        specs = specs == null ? new TreeMap<>() : new TreeMap<>(specs);
        mountpoints = mountpoints == null ? new TreeSet<>() : new TreeSet<>(mountpoints);
        starts = starts == null ? List.of() : List.copyOf(starts);
    }

    /** @return a host with no datasets and no known mountpoints */
    public static HostDatasets none() {
        return new HostDatasets(Map.of(), Set.of(), 0, 0, List.of(), 0, 0);
    }

    /**
     * @param heard when the host was heard from, epoch ms
     * @param escalatedAt when its silence was escalated, 0 when not
     * @return the same with those times
     */
    public HostDatasets withHeard(final long heard, final long escalatedAt) {
        return new HostDatasets(specs, mountpoints, heard, escalatedAt, starts, restartLoopAt, heardSince);
    }

    /**
     * @param since when the host's collector started, or the host was heard again after a silence, epoch ms
     * @return the same with it
     */
    public HostDatasets withHeardSince(final long since) {
        return new HostDatasets(specs, mountpoints, heardAt, silenceEscalatedAt, starts, restartLoopAt, since);
    }

    /**
     * @param recent the host's recent starts, epoch ms, oldest first
     * @param loopAt when its restart loop was escalated, 0 when not
     * @return the same with those
     */
    public HostDatasets withStarts(final List<Long> recent, final long loopAt) {
        return new HostDatasets(specs, mountpoints, heardAt, silenceEscalatedAt, recent, loopAt, heardSince);
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
        return new HostDatasets(next, mountpoints, heardAt, silenceEscalatedAt, starts, restartLoopAt, heardSince);
    }

    /**
     * @param mountpoint a mountpoint of this host
     * @return whether it holds the path of one of the host's datasets, so that knowing it tells where a dataset is
     */
    public boolean holdsDataset(final String mountpoint) {
        return specs.values().stream().anyMatch(spec -> holds(mountpoint, spec.getPath()));
    }

    /**
     * @param mountpoint a mountpoint of this host
     * @return the same with it known, and without the known mountpoints that hold none of its datasets (any more)
     */
    public HostDatasets withMountpoint(final String mountpoint) {
        final Set<String> next = new TreeSet<>();
        for (final String m : mountpoints) {
            if (holdsDataset(m)) {
                next.add(m);
            }
        }
        next.add(mountpoint);
        return new HostDatasets(specs, next, heardAt, silenceEscalatedAt, starts, restartLoopAt, heardSince);
    }

    /**
     * @param path an absolute path on this host
     * @return the longest known mountpoint that holds it, or null when none does (or none is known)
     */
    public String mountOf(final String path) {
        String best = null;
        for (final String m : mountpoints) {
            if (holds(m, path) && (best == null || m.length() > best.length())) {
                best = m;
            }
        }
        return best;
    }

    private static boolean holds(final String mountpoint, final String path) {
        return mountpoint.equals("/") || path.equals(mountpoint)
                || path.startsWith(mountpoint.endsWith("/") ? mountpoint : mountpoint + "/");
    }
}
