package dev.vigil.analyzer.series;

import dev.vigil.analyzer.anomaly.DetectionResult;
import dev.vigil.analyzer.anomaly.DetectorOptions;
import dev.vigil.analyzer.anomaly.SeriesDetector;
import dev.vigil.analyzer.store.BinaryReader;
import dev.vigil.analyzer.store.BinaryWriter;
import dev.vigil.analyzer.store.Codec;

/**
 * A series' detector and the event time of the last point it learned. The detector's state is
 * large (about 15 KB with the default options), so it is written to the changelog only every few
 * points; the points in between stay in the series' state and are replayed into a detector read
 * back from an older snapshot, which then continues exactly as the original would have.
 */
final class DetectorSlot {
    final SeriesDetector detector;
    long lastTime;

    DetectorSlot(final SeriesDetector detector, final long lastTime) {
        this.detector = detector;
        this.lastTime = lastTime;
    }

    DetectionResult update(final long time, final double value) {
        lastTime = time;
        return detector.update(time, value);
    }

    static Codec<DetectorSlot> codec(final DetectorOptions options) {
        return new Codec<>() {
            @Override
            public byte[] encode(final DetectorSlot slot) {
                final byte[] state = slot.detector.toBytes();
                return new BinaryWriter(state.length + 16).writeLong(slot.lastTime).writeBytes(state).toByteArray();
            }

            @Override
            public DetectorSlot decode(final byte[] bytes) {
                final BinaryReader in = new BinaryReader(bytes);
                final long lastTime = in.readLong();
                return new DetectorSlot(SeriesDetector.fromBytes(in.readBytes(), options), lastTime);
            }
        };
    }
}
