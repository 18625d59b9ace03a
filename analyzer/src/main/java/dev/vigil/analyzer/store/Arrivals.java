package dev.vigil.analyzer.store;

import java.util.HashMap;
import java.util.Map;

/**
 * When each key of a processor's state last had input, in stream time, in memory only (one entry per key of the
 * task, removed when the key is forgotten): what a stream-time sweep judges quiet and silent keys by.
 *
 * <p>A key is quiet or silent when it has had no input for a while in its own event time and also for that long in
 * stream time since its last input came: a key that lags behind the others of its task (a spool replayed after an
 * outage, a host whose clock is behind) but keeps coming is neither, or its windows would be published half full and
 * again. Not seen since a restart, it counts as seen at the first sweep for closing ({@link #quietFor}), so that it is
 * not closed half full before its next input; for forgetting ({@link #silentFor}) its own time alone counts, so that
 * restarts do not keep dead keys forever.
 */
public final class Arrivals {
    private final Map<String, Long> at = new HashMap<>();
    /** Stream time of the first sweep. */
    private long firstSweep = Long.MIN_VALUE;

    /**
     * Notes input counted for a key (not one refused, nor a repeat: those do not keep a key alive).
     *
     * @param key the state's key
     * @param streamTime the task's stream time now
     */
    public void arrived(final String key, final long streamTime) {
        at.put(key, streamTime);
    }

    /** @param streamTime the stream time of a sweep that starts; the first one is remembered */
    public void sweeping(final long streamTime) {
        if (firstSweep == Long.MIN_VALUE) {
            firstSweep = streamTime;
        }
    }

    /**
     * @param key the state's key
     * @param lastTime the event time of its latest input
     * @param streamTime the sweep's stream time
     * @return how long it has been quiet, for closing what it left open (in ms)
     */
    public long quietFor(final String key, final long lastTime, final long streamTime) {
        final Long arrived = at.get(key);
        return streamTime - Math.max(lastTime, arrived != null ? arrived : firstSweep);
    }

    /**
     * @param key the state's key
     * @param lastTime the event time of its latest input
     * @param streamTime the sweep's stream time
     * @return how long it has been silent, for forgetting it (in ms)
     */
    public long silentFor(final String key, final long lastTime, final long streamTime) {
        final Long arrived = at.get(key);
        return streamTime - Math.max(lastTime, arrived != null ? arrived : Long.MIN_VALUE);
    }

    /** @param key a key whose state is deleted */
    public void forget(final String key) {
        at.remove(key);
    }
}
