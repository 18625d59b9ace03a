package dev.vigil.analyzer.query;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.vigil.analyzer.RetriableAnalyzerException;
import java.net.InetSocketAddress;
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

    @Test
    void shouldNameTheHolderNotTheInstanceAskedWhenTheHolderItRedirectsToIsDown() throws Exception {
        // an instance that is up and redirects to the holder of the host, which has just stopped; bound first, so
        // that the holder's free port cannot be its own (the redirect would then loop, and end in a bare 307)
        final HttpServer asked = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        final int dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        asked.createContext(QueryServer.STATS_PATH, exchange -> {
            exchange.getResponseHeaders().add("Location", "http://127.0.0.1:" + dead + QueryServer.STATS_PATH
                    + "?host=h&metric=m&forwarded=1");
            exchange.sendResponseHeaders(307, -1);
            exchange.close();
        });
        asked.start();
        try {
            final String endpoint = "127.0.0.1:" + asked.getAddress().getPort();
            final RetriableAnalyzerException e = assertThrows(RetriableAnalyzerException.class,
                    () -> new StatsClient(endpoint).query("h", "m"));
            assertTrue(e.getMessage().contains("127.0.0.1:" + dead) && e.getMessage().contains(endpoint + " redirected")
                    && !e.getMessage().contains("is an analyzer running there?"), e.getMessage());
        } finally {
            asked.stop(0);
        }
    }
}
