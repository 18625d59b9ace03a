package dev.vigil.analyzer.query;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.schemas.StatsWindow;
import dev.vigil.schemas.json.RecordJson;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP endpoint per analyzer instance, since Kafka Streams has no RPC layer of its own:
 *
 * <ul>
 *   <li>{@code GET /v1/stats?host=H&metric=M}: the latest statistics windows of every series of
 *       metric M on host H, as {@code {"host","metric","windows":[StatsWindow...]}}. When another
 *       instance holds the host's partition, the answer is a 307 redirect to it, so a client can
 *       ask any instance. 503 while the partition has no active owner (start-up, rebalance).</li>
 *   <li>{@code GET /v1/health}: {@code {"state": "RUNNING"}} (Kafka Streams' state).</li>
 * </ul>
 *
 * <p>Bound before Kafka Streams starts, so that its real address can be advertised as {@code
 * application.server}.
 */
public final class QueryServer implements AutoCloseable {
    /** Path of the statistics query. */
    public static final String STATS_PATH = "/v1/stats";
    private static final Logger LOG = LoggerFactory.getLogger(QueryServer.class);
    private final HttpServer server;
    private final HostInfo advertised;
    private final AtomicReference<KafkaStreams> streams = new AtomicReference<>();

    private QueryServer(final HttpServer server, final HostInfo advertised) {
        this.server = server;
        this.advertised = advertised;
    }

    /**
     * Binds the endpoint; it answers 503 until {@link #serve} is called.
     *
     * @param endpoint where to listen, port 0 for a free one
     * @return the bound server
     * @throws IOException when the address cannot be bound
     */
    public static QueryServer bind(final Endpoint endpoint) throws IOException {
        final String host = endpoint.host();
        final int port = endpoint.port();
        final HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
        final QueryServer query = new QueryServer(server, new HostInfo(host, server.getAddress().getPort()));
        server.createContext(STATS_PATH, query::stats);
        server.createContext("/v1/health", query::health);
        server.start();
        LOG.info("Analyzer query endpoint on http://{}:{}", host, query.advertised.port());
        return query;
    }

    /** @return host:port as advertised to other instances (application.server) */
    public String advertised() {
        return advertised.host() + ":" + advertised.port();
    }

    /** @param running the Kafka Streams instance to query */
    public void serve(final KafkaStreams running) {
        streams.set(running);
    }

    private void health(final HttpExchange exchange) throws IOException {
        final KafkaStreams s = streams.get();
        final ObjectNode body = RecordJson.MAPPER.createObjectNode();
        body.put("state", s == null ? "STARTING" : s.state().name());
        respond(exchange, s != null && s.state() == KafkaStreams.State.RUNNING ? 200 : 503, body.toString());
    }

    private void stats(final HttpExchange exchange) throws IOException {
        try {
            final Map<String, String> params = params(exchange.getRequestURI().getRawQuery());
            final String host = params.get("host");
            final String metric = params.get("metric");
            if (host == null || metric == null) {
                respond(exchange, 400, error("parameters host and metric are required"));
                return;
            }
            final KafkaStreams s = streams.get();
            if (s == null) {
                respond(exchange, 503, error("the analyzer is starting"));
                return;
            }
            final StatsQuery query = new StatsQuery(s);
            final KeyQueryMetadata where = query.locate(host);
            if (where == null || KeyQueryMetadata.NOT_AVAILABLE.equals(where)) {
                respond(exchange, 503, error("no instance owns host " + host + " right now (rebalancing?)"));
                return;
            }
            if (!advertised.equals(where.activeHost())) {
                if (params.containsKey("forwarded")) {
                    respond(exchange, 503, error("host " + host + " moved while the query was forwarded; retry"));
                    return;
                }
                exchange.getResponseHeaders().add("Location", "http://" + where.activeHost().host() + ":"
                        + where.activeHost().port() + STATS_PATH + "?host=" + encode(host) + "&metric="
                        + encode(metric) + "&forwarded=1");
                respond(exchange, 307, error("held by " + where.activeHost().host() + ":" + where.activeHost().port()));
                return;
            }
            final ObjectNode body = RecordJson.MAPPER.createObjectNode();
            body.put("host", host);
            body.put("metric", metric);
            final ArrayNode windows = body.putArray("windows");
            for (final StatsWindow w : query.local(host, metric, where.partition())) {
                windows.add(RecordJson.toNode(w));
            }
            respond(exchange, 200, body.toString());
        } catch (InvalidStateStoreException e) {
            respond(exchange, 503, error("statistics store not queryable right now: " + e.getMessage()));
        } catch (RuntimeException e) {
            LOG.warn("Query {} failed", exchange.getRequestURI(), e);
            respond(exchange, 500, error(e.toString()));
        }
    }

    private static String error(final String message) {
        final ObjectNode body = RecordJson.MAPPER.createObjectNode();
        body.put("error", message);
        return body.toString();
    }

    private static String encode(final String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    static Map<String, String> params(final String rawQuery) {
        final Map<String, String> params = new HashMap<>();
        if (rawQuery == null) {
            return params;
        }
        for (final String pair : rawQuery.split("&")) {
            final int eq = pair.indexOf('=');
            if (eq > 0) {
                params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return params;
    }

    private static void respond(final HttpExchange exchange, final int status, final String body) throws IOException {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
