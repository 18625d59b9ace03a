package dev.vigil.analyzer.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.analyzer.store.BinaryWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HostStateTest {

    @Test
    void shouldReadAVersionTwoStateWithItsSeriesSeenAtTheHostsLastTimeAndForgetThemAfterTheExpiry() {
        // as version 2 wrote it: window, the series' latest values, no episode, the host's last time
        final byte[] v2 = new BinaryWriter(64).writeByte(2).writeLong(60_000).writeLong(2)
                .writeString("a").writeDouble(1.0).writeString("b").writeDouble(2.0)
                .writeBoolean(false).writeLong(90_000).toByteArray();

        final HostState h = HostState.CODEC.decode(v2);

        assertEquals(Map.of("a", 1.0, "b", 2.0), h.latest);
        assertEquals(Map.of("a", 90_000L, "b", 90_000L), h.seen);
        h.seen.put("a", 200_000L);
        assertTrue(h.forgetSilent(150_000 + 90_000, 150_000), "b is silent for the expiry");
        assertEquals(Map.of("a", 1.0), h.latest);
        final HostState again = HostState.CODEC.decode(HostState.CODEC.encode(h));
        assertEquals(h.latest, again.latest);
        assertEquals(h.seen, again.seen);
    }
}
