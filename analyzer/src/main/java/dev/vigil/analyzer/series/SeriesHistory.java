package dev.vigil.analyzer.series;

import dev.vigil.analyzer.forecast.Trend;
import dev.vigil.analyzer.stats.HoppingWindows;
import dev.vigil.analyzer.store.BinaryReader;
import dev.vigil.analyzer.store.BinaryWriter;
import dev.vigil.analyzer.store.Codec;

/**
 * The state of one series that changes once per closed window: the closed summaries the hopping
 * window is merged from, and the trend forecasts are fitted to. At most hopping size / tumbling
 * size summaries (15 by default, up to 8 bytes per value up to the sketch's k each) plus 16 bytes
 * per trend point, and the trend's cycles (under 400 bytes).
 */
final class SeriesHistory {
    /** 2: the trend holds its cycles; 1 is still read (its trends start their cycles afresh). */
    private static final int VERSION = 2;
    HoppingWindows hopping = new HoppingWindows();
    Trend trend;

    static final Codec<SeriesHistory> CODEC = new Codec<>() {
        @Override
        public byte[] encode(final SeriesHistory h) {
            final BinaryWriter out = new BinaryWriter(512);
            out.writeByte(VERSION);
            h.hopping.write(out);
            out.writeBoolean(h.trend != null);
            if (h.trend != null) {
                h.trend.write(out);
            }
            return out.toByteArray();
        }

        @Override
        public SeriesHistory decode(final byte[] bytes) {
            final BinaryReader in = new BinaryReader(bytes);
            final int version = in.readByte();
            if (version != VERSION && version != 1) {
                throw new IllegalArgumentException("series history: unknown version " + version);
            }
            final SeriesHistory h = new SeriesHistory();
            h.hopping = HoppingWindows.read(in);
            h.trend = in.readBoolean() ? Trend.read(in, version >= 2) : null;
            return h;
        }
    };
}
