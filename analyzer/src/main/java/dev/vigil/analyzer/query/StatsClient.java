package dev.vigil.analyzer.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.analyzer.AnalyzerException;
import dev.vigil.analyzer.RetriableAnalyzerException;
import dev.vigil.schemas.StatsWindow;
import dev.vigil.schemas.json.RecordJson;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Asks any analyzer instance for statistics; a redirect leads to the instance holding the host. The redirect is
 * followed here rather than by the HTTP client, so that an error names the instance that failed: the one asked may
 * be running while the holder it names has just stopped (its partitions move once the group rebalances: at once after a
 * clean stop, after the session timeout after a crash).
 */
public final class StatsClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(TIMEOUT).build();
    private final String endpoint;

    /** @param endpoint host:port of any analyzer instance's query endpoint */
    public StatsClient(final String endpoint) {
        this.endpoint = endpoint;
    }

    /**
     * @param host host name
     * @param metric canonical metric name
     * @return the latest windows of every series of that metric on that host; empty when none yet
     * @throws RetriableAnalyzerException when no instance can answer right now
     * @throws AnalyzerException when the endpoint cannot be reached or refuses the query
     */
    public List<StatsWindow> query(final String host, final String metric) {
        final URI uri = URI.create("http://" + endpoint + QueryServer.STATS_PATH + "?host="
                + URLEncoder.encode(host, StandardCharsets.UTF_8) + "&metric="
                + URLEncoder.encode(metric, StandardCharsets.UTF_8));
        HttpResponse<String> response = send(uri, endpoint, null);
        if (response.statusCode() == 307 && response.headers().firstValue("Location").isPresent()) {
            final URI holder = uri.resolve(response.headers().firstValue("Location").get());
            response = send(holder, holder.getAuthority(), endpoint);
        }
        final JsonNode body;
        try {
            body = RecordJson.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new AnalyzerException("analyzer query endpoint " + endpoint + ": not a JSON answer (HTTP "
                    + response.statusCode() + ")", e);
        }
        if (response.statusCode() == 503) {
            throw new RetriableAnalyzerException("analyzer " + endpoint + ": " + body.path("error").asText(), null);
        }
        if (response.statusCode() != 200) {
            throw new AnalyzerException("analyzer " + endpoint + ": HTTP " + response.statusCode() + ": "
                    + body.path("error").asText());
        }
        final List<StatsWindow> windows = new ArrayList<>();
        for (final JsonNode w : body.path("windows")) {
            windows.add(RecordJson.read(w, StatsWindow.class));
        }
        return windows;
    }

    /**
     * @param uri what to ask
     * @param target host:port asked, for messages
     * @param referrer the endpoint that redirected to {@code target}, or null when it was asked directly
     */
    private HttpResponse<String> send(final URI uri, final String target, final String referrer) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            final String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (referrer != null) {
                // the instance asked is up: the holder it named is not, or not yet reachable
                throw new RetriableAnalyzerException("analyzer " + referrer + " redirected the query to the instance "
                        + "holding the host, " + target + ", which cannot be reached (" + why + "); when that instance "
                        + "has stopped, its partitions move to another one within seconds of a clean stop, or after "
                        + "the consumer session timeout when it died (kafka.session.timeout.ms, 45 s by default): try "
                        + "again then", e);
            }
            if (unresolved(e)) {
                throw new AnalyzerException("analyzer query endpoint " + target + ": unknown host (--analyzer, "
                        + "$VIGIL_ANALYZER)", e);
            }
            throw new AnalyzerException("analyzer query endpoint " + target + ": cannot connect (" + why
                    + "); is an analyzer running there? (--analyzer, $VIGIL_ANALYZER)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AnalyzerException("interrupted while querying " + target, e);
        }
    }

    private static boolean unresolved(final Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof java.net.UnknownHostException || c instanceof java.nio.channels.UnresolvedAddressException) {
                return true;
            }
        }
        return false;
    }
}
