package dev.vigil.analyzer.detect;

import dev.vigil.analyzer.anomaly.HostDetector;
import dev.vigil.analyzer.store.BinaryReader;
import dev.vigil.analyzer.store.BinaryWriter;
import dev.vigil.analyzer.store.Codec;
import java.util.TreeMap;

/**
 * One host's multivariate view: the latest value of each of its metric series (at most {@link
 * HostDetector#MAX_SERIES}) and when it came, the window the values belong to, and the open host-level episode.
 * Small; the host's detector lives in its own store because it changes only once per window.
 */
final class HostState {
    /**
     * Version 3 adds {@link #seen}; version 2 adds {@link #lastTime}; versions 1 and 2 are still read (their series
     * count as seen at the host's last time, version 1's last time is its window's).
     */
    private static final int VERSION = 3;
    long window = Long.MIN_VALUE;
    /** Event time of the host's latest metric point, in ms. */
    long lastTime = Long.MIN_VALUE;
    final TreeMap<String, Double> latest = new TreeMap<>();
    /** Event time of each series' latest point (the series of {@link #latest}), in ms. */
    final TreeMap<String, Long> seen = new TreeMap<>();
    Episode episode;

    /**
     * Forgets the series without a point for the expiry, as the series pipeline forgets them: on a host whose series
     * come and go (one per container), the ones gone would otherwise fill the {@link HostDetector#MAX_SERIES} places
     * for good, their last values frozen, and the series that came later would never be looked at.
     *
     * @param now the host's event time, in ms
     * @param expiryMillis how long a series is without points before it is forgotten, in ms
     * @return whether any was forgotten
     */
    boolean forgetSilent(final long now, final long expiryMillis) {
        final boolean forgot = seen.values().removeIf(t -> now - t >= expiryMillis);
        if (forgot) {
            latest.keySet().retainAll(seen.keySet());
        }
        return forgot;
    }

    static final Codec<HostState> CODEC = new Codec<>() {
        @Override
        public byte[] encode(final HostState h) {
            final BinaryWriter out = new BinaryWriter(64 + 32 * h.latest.size());
            out.writeByte(VERSION).writeLong(h.window).writeLong(h.latest.size());
            h.latest.forEach((name, value) -> out.writeString(name).writeDouble(value).writeLong(h.seen.get(name)));
            out.writeBoolean(h.episode != null);
            if (h.episode != null) {
                h.episode.write(out);
            }
            out.writeLong(h.lastTime);
            return out.toByteArray();
        }

        @Override
        public HostState decode(final byte[] bytes) {
            final BinaryReader in = new BinaryReader(bytes);
            final int version = in.readByte();
            if (version < 1 || version > VERSION) {
                throw new IllegalArgumentException("host state: unknown version " + version);
            }
            final HostState h = new HostState();
            h.window = in.readLong();
            final int n = in.readInt();
            for (int i = 0; i < n; i++) {
                final String name = in.readString();
                h.latest.put(name, in.readDouble());
                h.seen.put(name, version >= 3 ? in.readLong() : Long.MIN_VALUE);
            }
            h.episode = in.readBoolean() ? Episode.read(in) : null;
            h.lastTime = version == 1 ? h.window : in.readLong();
            h.seen.replaceAll((name, t) -> t == Long.MIN_VALUE ? h.lastTime : t);
            return h;
        }
    };
}
