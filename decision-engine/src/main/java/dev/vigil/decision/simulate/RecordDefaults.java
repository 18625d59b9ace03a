package dev.vigil.decision.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.decision.DecisionException;
import dev.vigil.schemas.Anomaly;
import dev.vigil.schemas.DatasetSpec;
import dev.vigil.schemas.Forecast;
import dev.vigil.schemas.HostEvent;
import dev.vigil.schemas.StatsWindow;
import dev.vigil.schemas.json.RecordJson;
import java.time.Instant;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;

/** Fills in the fields of scenario records that a scenario rarely cares about, then reads them. */
final class RecordDefaults {
    private final Supplier<String> ids;

    RecordDefaults(final Supplier<String> ids) {
        this.ids = ids;
    }

    DatasetSpec dataset(final String where, final JsonNode node, final Instant at) {
        final ObjectNode n = copy(where, node);
        n.put("time", n.path("time").asText(at.toString()));
        return read(where, n, DatasetSpec.class);
    }

    Anomaly anomaly(final String where, final JsonNode node, final Instant at, final String host) {
        final ObjectNode n = common(where, node, at, host);
        for (final String field : new String[] {"score", "peakScore", "observed", "baseline"}) {
            if (n.has(field) && !n.get(field).isNumber()) {
                // asDouble would read "high" as 0 and a test of a rule would pass or fail for the wrong reason
                throw new DecisionException(where + ": " + field + ": a number, got " + n.get(field));
            }
        }
        final double score = n.path("score").asDouble(0);
        n.put("kind", n.path("kind").asText("metric"));
        n.put("series", n.path("series").asText("system.cpu.utilization"));
        n.put("episodeId", n.path("episodeId").asText("ep-" + n.get("host").asText() + "-" + n.get("series").asText()));
        n.put("phase", n.path("phase").asText("OPEN"));
        n.put("score", score);
        n.put("peakScore", n.path("peakScore").asDouble(score));
        n.put("observed", n.path("observed").asDouble(1.0));
        n.put("baseline", n.path("baseline").asDouble(0.0));
        n.put("episodeStart", n.path("episodeStart").asText(at.toString()));
        return read(where, n, Anomaly.class);
    }

    HostEvent event(final String where, final JsonNode node, final Instant at, final String host) {
        final ObjectNode n = common(where, node, at, host);
        if (n.has("fileActivity") && n.get("fileActivity").isObject()) {
            final ObjectNode f = (ObjectNode) n.get("fileActivity");
            n.put("kind", n.path("kind").asText("file.activity"));
            f.put("dataset", f.path("dataset").asText(n.path("dataset").asText("")));
            n.put("dataset", f.get("dataset").asText());
            final java.time.Duration interval = f.has("interval")
                    ? dev.vigil.schemas.Durations.parse(f.remove("interval").asText()) : java.time.Duration.ofMinutes(1);
            f.put("intervalStart", f.path("intervalStart").asText(at.minus(interval).toString()));
            f.put("intervalEnd", f.path("intervalEnd").asText(at.toString()));
            if (!f.has("complete")) {
                f.put("complete", true);
            }
        }
        return read(where, n, HostEvent.class);
    }

    Forecast forecast(final String where, final JsonNode node, final Instant at, final String host) {
        final ObjectNode n = common(where, node, at, host);
        n.put("current", n.path("current").asDouble(0.9));
        n.put("capacity", n.path("capacity").asDouble(1.0));
        n.put("ratePerSecond", n.path("ratePerSecond").asDouble(1e-5));
        n.put("horizonSeconds", n.path("horizonSeconds").asDouble(86_400));
        n.put("r2", n.path("r2").asDouble(0.9));
        return read(where, n, Forecast.class);
    }

    StatsWindow stats(final String where, final JsonNode node, final Instant at, final String host) {
        final ObjectNode n = common(where, node, at, host);
        n.put("window", n.path("window").asText("1m"));
        n.put("windowStart", n.path("windowStart").asText(at.minusSeconds(60).toString()));
        for (final String k : new String[] {"count", "mean", "min", "max", "variance", "stddev"}) {
            if (!n.has(k)) {
                n.put(k, 0);
            }
        }
        return read(where, n, StatsWindow.class);
    }

    ObjectNode common(final String where, final JsonNode node, final Instant at, final String host) {
        final ObjectNode n = copy(where, node);
        n.put("id", n.path("id").asText(ids.get()));
        n.put("time", n.path("time").asText(at.toString()));
        if (!n.has("host")) {
            if (host == null) {
                throw new DecisionException(where + ": 'host' is required (or a 'dataset' whose host is known)");
            }
            n.put("host", host);
        }
        return n;
    }

    private static ObjectNode copy(final String where, final JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new DecisionException(where + ": expected a mapping of the record's fields");
        }
        return ((ObjectNode) node).deepCopy();
    }

    static <T extends SpecificRecord> T read(final String where, final ObjectNode node, final Class<T> type) {
        try {
            return RecordJson.read(node, type);
        } catch (IllegalArgumentException | org.apache.avro.AvroRuntimeException e) {
            throw new DecisionException(where + ": " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }
}
