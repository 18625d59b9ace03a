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
 * per trend point.
 */
final class SeriesHistory {
    private static final int VERSION = 1;
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
            if (version != VERSION) {
                throw new IllegalArgumentException("series history: unknown version " + version);
            }
            final SeriesHistory h = new SeriesHistory();
            h.hopping = HoppingWindows.read(in);
            h.trend = in.readBoolean() ? Trend.read(in) : null;
            return h;
        }
    };
}
