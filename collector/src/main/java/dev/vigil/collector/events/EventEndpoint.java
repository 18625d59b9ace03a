package dev.vigil.collector.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.collector.delivery.Outbox;
import dev.vigil.collector.files.FileActivityMonitor;
import dev.vigil.schemas.FileActivities;
import dev.vigil.schemas.HostEvent;
import dev.vigil.schemas.Ids;
import dev.vigil.schemas.json.RecordJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /events}: other tools on the host post a {@link HostEvent} (or a JSON array of them)
 * in {@link RecordJson} form; {@code id}, {@code host} and {@code time} are filled in when absent.
 * The answer comes once the events are in the spool and synced to disk: 202 with their ids, 400
 * with the reason for a malformed event or a {@code fileActivity} no watcher could report (nothing of that request
 * is accepted), 503 when the spool refused them. Listens on loopback by default.
 */
public final class EventEndpoint implements AutoCloseable {
    /** Largest request body, in bytes. */
    public static final int MAX_BODY_BYTES = 1 << 20;
    /** Longest wait for a request's body, in milliseconds: a megabyte from a local tool takes far less. */
    static final long BODY_TIMEOUT_MS = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(EventEndpoint.class);

    private final HttpServer server;
    private final ExecutorService executor;
    /** Ends a request whose body has not arrived after {@link #BODY_TIMEOUT_MS}. */
    private final ScheduledExecutorService watchdog;
    private final Outbox outbox;
    private final String host;
    private final Clock clock;

    private EventEndpoint(final HttpServer server, final Outbox outbox, final String host, final Clock clock) {
        this.server = server;
        this.outbox = outbox;
        this.host = host;
        this.clock = clock;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            final Thread t = new Thread(r, "vigil-collector-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread t = new Thread(r, "vigil-collector-http-deadline");
            t.setDaemon(true);
            return t;
        });
        server.createContext("/events", this::handle);
    }

    /**
     * @param address where to listen; port 0 picks a free one
     * @param outbox where accepted events go
     * @param host host name filled into events without one
     * @param clock time filled into events without one
     * @return the running endpoint
     * @throws IOException when the address cannot be bound
     */
    public static EventEndpoint start(final InetSocketAddress address, final Outbox outbox, final String host,
                                      final Clock clock) throws IOException {
        final EventEndpoint e = new EventEndpoint(HttpServer.create(address, 16), outbox, host, clock);
        e.server.start();
        LOG.info("accepting events on http://{}:{}/events", address.getHostString(), e.port());
        return e;
    }

    /** @return the port listened on */
    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(final HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().add("Allow", "POST");
                reply(exchange, 405, error("use POST with a JSON HostEvent"));
                return;
            }
            final byte[] body;
            // One thread serves every request: a client that stops sending its body (stopped, hung, a wrong
            // Content-Length) would hold it, and every later POST with it, for as long as it keeps the connection.
            // Closing the exchange before a response closes the connection, which ends the read.
            final ScheduledFuture<?> deadline = watchdog.schedule(exchange::close, BODY_TIMEOUT_MS,
                    TimeUnit.MILLISECONDS);
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readNBytes(MAX_BODY_BYTES + 1);
            } finally {
                deadline.cancel(false);
            }
            if (body.length > MAX_BODY_BYTES) {
                reply(exchange, 413, error("body larger than " + MAX_BODY_BYTES + " bytes"));
                return;
            }
            final List<HostEvent> events;
            try {
                events = parse(new String(body, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                reply(exchange, 400, error(e.getMessage()));
                return;
            }
            final ArrayNode ids = RecordJson.MAPPER.createArrayNode();
            for (final HostEvent event : events) {
                if (!outbox.publish(event)) {
                    reply(exchange, 503, error("spool full; accepted " + ids.size() + " of " + events.size()
                            + " events").set("ids", ids));
                    return;
                }
                ids.add(event.getId());
            }
            outbox.sync();
            final ObjectNode ok = RecordJson.MAPPER.createObjectNode();
            ok.set("ids", ids);
            reply(exchange, 202, ok);
        }
    }

    /** Parses one event or an array of events, filling id, host and time where absent. */
    List<HostEvent> parse(final String json) {
        final JsonNode root;
        try {
            root = RecordJson.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage());
        }
        final List<JsonNode> nodes = new ArrayList<>();
        if (root != null && root.isArray()) {
            root.forEach(nodes::add);
        } else {
            nodes.add(root);
        }
        final Instant now = clock.instant();
        final List<HostEvent> out = new ArrayList<>();
        for (final JsonNode node : nodes) {
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("expected a JSON object (a HostEvent) or an array of them");
            }
            final ObjectNode o = ((ObjectNode) node).deepCopy();
            if (!o.hasNonNull("id")) {
                o.put("id", Ids.timeOrdered(now));
            }
            if (!o.hasNonNull("host")) {
                o.put("host", host);
            }
            if (!o.hasNonNull("time")) {
                o.put("time", now.toString());
            }
            final HostEvent event = RecordJson.read(o, HostEvent.class);
            final String problem = problem(event);
            if (problem != null) {
                throw new IllegalArgumentException((nodes.size() > 1 ? "event " + (out.size() + 1) + " of "
                        + nodes.size() + ": " : "") + problem);
            }
            out.add(event);
        }
        return out;
    }

    /**
     * @return why the analyzer or the decision engine would refuse an event's file activity, or null. They refuse it
     *     long after this answer and out of the sender's sight (dead-letter topic, the engine's log): the sender
     *     learns it here instead
     */
    private static String problem(final HostEvent event) {
        if (event.getFileActivity() != null) {
            final String problem = FileActivities.problem(event.getFileActivity());
            return problem == null ? null : "fileActivity: " + problem;
        }
        return FileActivityMonitor.KIND.equals(event.getKind()) ? "kind file.activity without fileActivity" : null;
    }

    private static ObjectNode error(final String message) {
        return RecordJson.MAPPER.createObjectNode().put("error", message);
    }

    private static void reply(final HttpExchange exchange, final int status, final JsonNode body) throws IOException {
        final byte[] bytes = RecordJson.MAPPER.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(1);
        executor.shutdown();
        watchdog.shutdownNow();
    }
}
