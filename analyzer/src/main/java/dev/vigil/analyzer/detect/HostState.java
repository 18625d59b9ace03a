package dev.vigil.analyzer.detect;

import dev.vigil.analyzer.anomaly.HostDetector;
import dev.vigil.analyzer.store.BinaryReader;
import dev.vigil.analyzer.store.BinaryWriter;
import dev.vigil.analyzer.store.Codec;
import java.util.TreeMap;

/**
 * One host's multivariate view: the latest value of each of its metric series (at most {@link
 * HostDetector#MAX_SERIES}), the window the values belong to, and the open host-level episode.
 * Small; the host's detector lives in its own store because it changes only once per window.
 */
final class HostState {
    /** Version 2 adds {@link #lastTime}; version 1 states are still read (their last time is their window's). */
    private static final int VERSION = 2;
    long window = Long.MIN_VALUE;
    /** Event time of the host's latest metric point, in ms. */
    long lastTime = Long.MIN_VALUE;
    final TreeMap<String, Double> latest = new TreeMap<>();
    Episode episode;

    static final Codec<HostState> CODEC = new Codec<>() {
        @Override
        public byte[] encode(final HostState h) {
            final BinaryWriter out = new BinaryWriter(64 + 32 * h.latest.size());
            out.writeByte(VERSION).writeLong(h.window).writeLong(h.latest.size());
            h.latest.forEach((name, value) -> out.writeString(name).writeDouble(value));
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
            if (version != 1 && version != VERSION) {
                throw new IllegalArgumentException("host state: unknown version " + version);
            }
            final HostState h = new HostState();
            h.window = in.readLong();
            final int n = in.readInt();
            for (int i = 0; i < n; i++) {
                h.latest.put(in.readString(), in.readDouble());
            }
            h.episode = in.readBoolean() ? Episode.read(in) : null;
            h.lastTime = version == 1 ? h.window : in.readLong();
            return h;
        }
    };
}
