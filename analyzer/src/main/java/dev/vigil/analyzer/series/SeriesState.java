package dev.vigil.analyzer.series;

import dev.vigil.analyzer.clean.GapFiller;
import dev.vigil.analyzer.clean.RecentIds;
import dev.vigil.analyzer.detect.Episode;
import dev.vigil.analyzer.normalize.Point;
import dev.vigil.analyzer.stats.OpenWindows;
import dev.vigil.analyzer.store.BinaryReader;
import dev.vigil.analyzer.store.BinaryWriter;
import dev.vigil.analyzer.store.Codec;

/**
 * The state of one series that changes with every point, kept small because it is written to the
 * changelog at every commit it changed in: latest time and value, recent ids, interval history,
 * open statistics windows, the points since the last detector snapshot, and the open episode.
 * About 200 bytes plus 10 per remembered id, 16 per tail point, and the open windows' sketches
 * (8 bytes per value up to the sketch's k).
 */
final class SeriesState {
    /** 2: with {@link #publishedUntil}; 1 is still read (as nothing published). */
    private static final int VERSION = 2;
    final String unit;
    final Point.Kind kind;
    final String dataset;
    long lastTime = Long.MIN_VALUE;
    double lastValue;
    RecentIds ids = new RecentIds();
    GapFiller gaps = new GapFiller();
    OpenWindows windows = new OpenWindows();
    long[] tailTimes = new long[4];
    double[] tailValues = new double[4];
    int tailSize;
    Episode episode;
    /**
     * End of the latest window published, in event time: the idle sweep publishes windows that later points (late
     * within the grace, or in order after a pause) would otherwise open again and publish under the same id.
     */
    long publishedUntil = Long.MIN_VALUE;

    SeriesState(final String unit, final Point.Kind kind, final String dataset) {
        this.unit = unit;
        this.kind = kind;
        this.dataset = dataset;
    }

    void addTail(final long time, final double value) {
        if (tailSize == tailTimes.length) {
            tailTimes = java.util.Arrays.copyOf(tailTimes, tailSize * 2);
            tailValues = java.util.Arrays.copyOf(tailValues, tailSize * 2);
        }
        tailTimes[tailSize] = time;
        tailValues[tailSize++] = value;
    }

    /** Encoding with a version byte in front. */
    static final Codec<SeriesState> CODEC = new Codec<>() {
        @Override
        public byte[] encode(final SeriesState s) {
            final BinaryWriter out = new BinaryWriter(256);
            out.writeByte(VERSION).writeString(s.unit).writeByte(s.kind.ordinal()).writeString(s.dataset)
                    .writeLong(s.lastTime).writeDouble(s.lastValue);
            s.ids.write(out);
            s.gaps.write(out);
            s.windows.write(out);
            out.writeLong(s.tailSize);
            long previous = s.lastTime;
            for (int i = 0; i < s.tailSize; i++) {
                out.writeLong(previous - s.tailTimes[i]).writeDouble(s.tailValues[i]);
                previous = s.tailTimes[i];
            }
            out.writeBoolean(s.episode != null);
            if (s.episode != null) {
                s.episode.write(out);
            }
            out.writeLong(s.publishedUntil);
            return out.toByteArray();
        }

        @Override
        public SeriesState decode(final byte[] bytes) {
            final BinaryReader in = new BinaryReader(bytes);
            final int version = in.readByte();
            if (version != VERSION && version != 1) {
                throw new IllegalArgumentException("series state: unknown version " + version);
            }
            final SeriesState s = new SeriesState(in.readString(), Point.Kind.values()[in.readByte()], in.readString());
            s.lastTime = in.readLong();
            s.lastValue = in.readDouble();
            s.ids = RecentIds.read(in);
            s.gaps = GapFiller.read(in);
            s.windows = OpenWindows.read(in);
            final int tail = in.readInt();
            long previous = s.lastTime;
            for (int i = 0; i < tail; i++) {
                previous -= in.readLong();
                s.addTail(previous, in.readDouble());
            }
            s.episode = in.readBoolean() ? Episode.read(in) : null;
            if (version >= 2) {
                s.publishedUntil = in.readLong();
            }
            return s;
        }
    };
}
