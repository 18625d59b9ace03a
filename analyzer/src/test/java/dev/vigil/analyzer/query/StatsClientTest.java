package dev.vigil.analyzer.query;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** What {@code vigil stats} says when it cannot reach an analyzer: a name that does not resolve, or nothing there. */
class StatsClientTest {
    @Test
    void tellsAnUnknownHostFromAnEndpointWithNothingListening() throws Exception {
        final String unknown = assertThrows(RuntimeException.class,
                () -> new StatsClient("nosuchhost.invalid:7071").query("h", "m")).getMessage();
        assertTrue(unknown.contains("unknown host"), unknown);
        final int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // free once closed: nothing listens there
        }
        final String closed = assertThrows(RuntimeException.class,
                () -> new StatsClient("127.0.0.1:" + port).query("h", "m")).getMessage();
        assertTrue(closed.contains("cannot connect") && closed.contains("is an analyzer running there?"), closed);
    }
}
