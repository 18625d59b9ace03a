package dev.vigil.analyzer.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.analyzer.query.Endpoint;
import dev.vigil.analyzer.query.StatsClient;
import dev.vigil.schemas.StatsWindow;
import dev.vigil.schemas.json.RecordJson;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code vigil stats}: the latest statistics of a metric on a host, from the running analyzer. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = {
            "Show the latest statistics windows (1-minute tumbling and the longer hopping window) of every series of "
                + "a metric on a host: count, mean, min, max, stddev, median, p95. Asks any analyzer instance "
                + "(interactive queries); it redirects to the instance that holds the host.",
            "",
            "Exit codes: 0 statistics shown, 1 none yet for that host and metric, or the analyzer could not "
                + "answer, 2 bad usage."})
public final class StatsCommand implements Callable<Integer> {
    @Option(names = "--host", required = true, description = "Host name, as the collector reports it.")
    String host;

    @Option(names = "--metric", required = true, description = "Canonical metric name, e.g. system.cpu.utilization "
            + "(every attribute combination is shown).")
    String metric;

    @Option(names = "--analyzer", paramLabel = "HOST:PORT", defaultValue = "${env:VIGIL_ANALYZER:-127.0.0.1:7071}",
            description = "Query endpoint of any analyzer instance (default: $VIGIL_ANALYZER or 127.0.0.1:7071).")
    String analyzer;

    @Option(names = "--json", description = "Print one JSON document: {host, metric, windows: [...]}.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try {
            Endpoint.parse(analyzer);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--analyzer: " + e.getMessage());
        }
        final List<StatsWindow> windows = new StatsClient(analyzer).query(host, metric);
        final PrintWriter out = spec.commandLine().getOut();
        final String none = "no statistics yet for " + metric + " on " + host + " (a window is published once it has "
                + "ended and its grace has passed)";
        if (json) {
            final ObjectNode doc = RecordJson.MAPPER.createObjectNode();
            doc.put("host", host);
            doc.put("metric", metric);
            final ArrayNode list = doc.putArray("windows");
            windows.forEach(w -> list.add(RecordJson.toNode(w)));
            if (windows.isEmpty()) {
                // exit 1 says it to a script as every command's --json failure does
                doc.put("error", none);
                doc.put("exitCode", 1);
            }
            out.println(doc);
        } else if (windows.isEmpty()) {
            spec.commandLine().getErr().println("stats: " + none);
        } else {
            out.printf(Locale.ROOT, "%-48s %-7s %-20s %7s %12s %12s %12s %12s %12s %12s %s%n", "SERIES", "WINDOW",
                    "END", "COUNT", "MEAN", "MIN", "MAX", "STDDEV", "MEDIAN", "P95", "UNIT");
            for (final StatsWindow w : windows) {
                out.printf(Locale.ROOT, "%-48s %-7s %-20s %7d %12.6g %12.6g %12.6g %12.6g %12.6g %12.6g %s%n",
                        w.getSeries(), w.getWindow(), w.getTime().toString().replace("T", " ").replace("Z", ""),
                        w.getCount(), w.getMean(), w.getMin(), w.getMax(), w.getStddev(), nan(w.getMedian()),
                        nan(w.getP95()), w.getUnit());
            }
        }
        out.flush();
        return windows.isEmpty() ? 1 : 0;
    }

    private static double nan(final Double value) {
        return value == null ? Double.NaN : value;
    }
}
