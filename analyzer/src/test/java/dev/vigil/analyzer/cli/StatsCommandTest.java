package dev.vigil.analyzer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code vigil stats --json} when the analyzer has nothing for the series: exit 1 and a document that says so. */
class StatsCommandTest {
    @Test
    void shouldPrintTheErrorDocumentWhenThereAreNoWindowsYet() throws Exception {
        final HttpServer analyzer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        analyzer.createContext("/", exchange -> {
            final byte[] body = "{\"windows\":[]}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        analyzer.start();
        try {
            final StringWriter out = new StringWriter();
            final CommandLine cli = new CommandLine(new StatsCommand());
            cli.setOut(new PrintWriter(out));
            final int code = cli.execute("--analyzer", "127.0.0.1:" + analyzer.getAddress().getPort(), "--host", "h",
                    "--metric", "m", "--json");
            assertEquals(1, code, out.toString());
            final JsonNode doc = new ObjectMapper().readTree(out.toString());
            assertEquals(1, doc.path("exitCode").asInt(), out.toString());
            assertEquals(0, doc.path("windows").size());
            assertEquals(true, doc.path("error").asText().startsWith("no statistics yet for m on h"), out.toString());
        } finally {
            analyzer.stop(0);
        }
    }
}
