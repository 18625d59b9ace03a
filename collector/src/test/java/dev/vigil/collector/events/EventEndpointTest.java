package dev.vigil.collector.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.collector.delivery.RecordingOutbox;
import dev.vigil.schemas.HostEvent;
import dev.vigil.schemas.Severity;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EventEndpointTest {
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private final RecordingOutbox outbox = new RecordingOutbox();
    private final HttpClient http = HttpClient.newHttpClient();
    private EventEndpoint endpoint;

    @BeforeEach
    void start() throws Exception {
        endpoint = EventEndpoint.start(new InetSocketAddress("127.0.0.1", 0), outbox, "host-a",
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterEach
    void stop() {
        endpoint.close();
    }

    private HttpResponse<String> post(final String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + "/events"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldFillIdHostAndTimeAndAnswerOnceSynced() throws Exception {
        final HttpResponse<String> r = post("{\"kind\":\"backup.tool\",\"severity\":\"warn\",\"message\":\"m\"}");
        assertEquals(202, r.statusCode(), r.body());
        final HostEvent e = outbox.events.get(0);
        assertEquals("host-a", e.getHost());
        assertEquals(NOW, e.getTime());
        assertEquals(Severity.WARN, e.getSeverity());
        assertTrue(r.body().contains(e.getId()));
        assertEquals(1, outbox.syncs, "accepted means synced to disk");
    }

    @Test
    void shouldKeepGivenIdHostAndTimeAndTakeArrays() throws Exception {
        final HttpResponse<String> r = post("[{\"id\":\"e-1\",\"host\":\"other\",\"time\":\"2026-01-01T00:00:00Z\","
                + "\"kind\":\"a\"},{\"kind\":\"b\",\"attributes\":{\"k\":\"v\"}}]");
        assertEquals(202, r.statusCode(), r.body());
        assertEquals(2, outbox.events.size());
        assertEquals("e-1", outbox.events.get(0).getId());
        assertEquals("other", outbox.events.get(0).getHost());
        assertEquals(Instant.parse("2026-01-01T00:00:00Z"), outbox.events.get(0).getTime());
        assertEquals("v", outbox.events.get(1).getAttributes().get("k"));
    }

    @Test
    void shouldRefuseMalformedEventsWholeWithTheReason() throws Exception {
        final HttpResponse<String> unknown = post("[{\"kind\":\"a\"},{\"kind\":\"b\",\"colour\":\"red\"}]");
        assertEquals(400, unknown.statusCode());
        assertTrue(unknown.body().contains("colour"), unknown.body());
        assertEquals(400, post("{\"message\":\"no kind\"}").statusCode());
        assertEquals(400, post("not json").statusCode());
        assertTrue(outbox.events.isEmpty(), "nothing of a refused request is accepted");
        final HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + endpoint.port() + "/events")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, get.statusCode());
    }

    /** A file.activity event as a watcher sends it, its interval ending at {@code end}, with {@code fields} more. */
    private static String activity(final String end, final String fields) {
        return "{\"kind\":\"file.activity\",\"dataset\":\"docs\",\"fileActivity\":{\"dataset\":\"docs\","
                + "\"intervalStart\":\"2026-03-01T09:59:50Z\",\"intervalEnd\":\"" + end + "\",\"created\":1,"
                + "\"changedPaths\":[\"a/b.txt\"]," + fields + "\"complete\":true}}";
    }

    @Test
    void shouldRefuseFileActivityTheAnalyzerAndTheEngineWouldRefuseWithTheReason() throws Exception {
        final String end = "2026-03-01T10:00:00Z";
        final HttpResponse<String> possible = post(activity(end, ""));
        assertEquals(202, possible.statusCode(), possible.body());
        outbox.events.clear();
        final String[][] refused = {
            {"2026-03-01T09:00:00Z", "", "before it starts"},
            {end, "\"deleted\":-3,", "deleted is negative (-3)"},
            {end, "\"deletedPaths\":[\"/etc/passwd\"],", "'/etc/passwd' is not relative"},
            {end, "\"deletedPaths\":[\"a/../../etc\"],", "'a/../../etc' is not relative"},
        };
        for (final String[] r : refused) {
            // the bad one after a good one: nothing of the request is accepted
            final HttpResponse<String> answer = post("[" + activity(end, "") + "," + activity(r[0], r[1]) + "]");
            assertEquals(400, answer.statusCode(), r[1] + " -> " + answer.body());
            assertTrue(answer.body().contains(r[2]), answer.body());
        }
        assertTrue(outbox.events.isEmpty(), "nothing of a refused request is accepted");
    }

    @Test
    void shouldRefuseAFileActivityEventWithoutItsActivity() throws Exception {
        final HttpResponse<String> r = post("{\"kind\":\"file.activity\",\"dataset\":\"docs\"}");
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("without fileActivity"), r.body());
        assertTrue(outbox.events.isEmpty(), "nothing of a refused request is accepted");
    }

    @Test
    void shouldServeOthersWhileAClientStopsSendingItsBody() throws Exception {
        try (Socket stalled = new Socket("127.0.0.1", endpoint.port())) {
            // A client hung, or a library sending a wrong Content-Length, keeping its connection open
            stalled.getOutputStream().write(("POST /events HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n"
                    + "{\"kind\"").getBytes(StandardCharsets.US_ASCII));
            stalled.getOutputStream().flush();
            Thread.sleep(300); // its request reaches the handler first
            final HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + endpoint.port() + "/events")).timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"kind\":\"disk.error\",\"message\":\"sda\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(202, r.statusCode(), r.body());
            assertEquals(-1, stalled.getInputStream().read(), "the stalled request's connection is closed");
        }
    }
}
