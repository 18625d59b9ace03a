package dev.vigil.analyzer.series;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.analyzer.stats.HoppingWindows;
import dev.vigil.analyzer.store.BinaryWriter;
import org.junit.jupiter.api.Test;

class SeriesHistoryTest {
    @Test
    void shouldReadTheTrendOfAHistoryWrittenBeforeCyclesWereKept() {
        // version 1: the hopping windows, then the trend's capacity, size, last forecast and points
        final BinaryWriter out = new BinaryWriter(64).writeByte(1);
        new HoppingWindows().write(out);
        out.writeBoolean(true).writeLong(60).writeLong(2).writeLong(5_000L);
        out.writeLong(60_000L).writeDouble(0.5).writeLong(120_000L).writeDouble(0.6);
        final SeriesHistory h = SeriesHistory.CODEC.decode(out.toByteArray());
        assertEquals(2, h.trend.size());
        assertEquals(0.6, h.trend.last(), 0);
        assertEquals(5_000L, h.trend.lastPublished());
        // written again in the current format, with its (new) cycles
        final SeriesHistory again = SeriesHistory.CODEC.decode(SeriesHistory.CODEC.encode(h));
        assertEquals(60_000L, again.trend.spanMillis());
    }
}
