package dev.vigil.analyzer.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.analyzer.AnalyzerException;
import dev.vigil.analyzer.bench.AnalyzerBench;
import dev.vigil.schemas.json.RecordJson;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vigil bench analyzer}: throughput against baselines, and latency at a fixed rate. */
@Command(name = "analyzer", mixinStandardHelpOptions = true,
        description = {
            "Produces N realistic metric records (hosts x 10 series, 10 s apart in event time) to a real broker, then "
                + "measures on them, in this run: a plain consumer, a pass-through Kafka Streams app (exactly-once, "
                + "deserialize and re-serialize only) and the full analyzer topology (exactly-once), and prints each "
                + "throughput and the ratios. Then, with the analyzer warmed up, publishes at a fixed rate with "
                + "occasional spikes and prints p50/p99 latency from publishing a spike to reading its OPEN anomaly "
                + "(read_committed).",
            "",
            "Uses an embedded broker in a temporary directory (removed at the end, like the apps' state) unless "
                + "--bootstrap-server is given; topics get a fresh prefix (bench-XXXXXXXX.). Progress goes to stderr, "
                + "figures to stdout.",
            "Exit codes: 0 measured, 1 failed, 2 bad usage."})
public final class BenchAnalyzerCommand implements Callable<Integer> {
    /** The launcher's embedded broker, found at run time: the analyzer must not depend on it. */
    static final String EMBEDDED_BROKER = "dev.vigil.embedded.EmbeddedKafkaBroker";

    @Option(names = "--records", defaultValue = "500000", description = "Records in the throughput phases "
            + "(default: ${DEFAULT-VALUE}).")
    long records;

    @Option(names = "--hosts", defaultValue = "20", description = "Hosts in the fleet, 10 series each "
            + "(default: ${DEFAULT-VALUE}).")
    int hosts;

    @Option(names = "--rate", defaultValue = "10000", description = "Records per second in the latency phase "
            + "(default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--latency-seconds", defaultValue = "30", description = "Length of the latency phase "
            + "(default: ${DEFAULT-VALUE}).")
    int latencySeconds;

    @Option(names = "--threads", defaultValue = "1", description = "Stream threads of both Streams apps "
            + "(default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--timeout-seconds", defaultValue = "900", description = "Longest wait for one phase "
            + "(default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "An analyzer setting for the analyzer under test "
            + "(repeatable), e.g. --set detector.trees=20 to see what the detector costs.")
    Map<String, String> settings = new java.util.HashMap<>();

    @Option(names = {"--bootstrap-server", "-b"}, paramLabel = "HOST:PORT",
            description = "Use this cluster instead of an embedded broker.")
    String bootstrapServer;

    @Option(names = "--json", description = "Print the figures as one JSON document.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (records < 1 || hosts < 1 || rate < 1 || latencySeconds < 1 || threads < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "every number must be positive");
        }
        final AnalyzerBench.Options options = new AnalyzerBench.Options(records, hosts, rate, latencySeconds, threads,
                Duration.ofSeconds(timeoutSeconds), settings);
        // One directory for the run (embedded broker, both apps' state), removed at the end: a run writes ~0.6 GB.
        final Path work = Files.createTempDirectory("vigil-bench-");
        AutoCloseable broker = null;
        try {
            String bootstrap = bootstrapServer;
            if (bootstrap == null) {
                broker = startEmbeddedBroker(work.resolve("broker"));
                bootstrap = (String) broker.getClass().getMethod("bootstrapServers").invoke(broker);
            }
            print(new AnalyzerBench(bootstrap, options, work, System.err).run(), bootstrap);
            return 0;
        } finally {
            if (broker != null) {
                broker.close();
            }
            try (Stream<Path> paths = Files.walk(work)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static AutoCloseable startEmbeddedBroker(final Path dir) throws Exception {
        final Class<?> type;
        try {
            type = Class.forName(EMBEDDED_BROKER);
        } catch (ClassNotFoundException e) {
            throw new AnalyzerException("no embedded broker on the class path; pass --bootstrap-server", e);
        }
        final Method start = type.getMethod("start", Path.class);
        return (AutoCloseable) start.invoke(null, Files.createDirectories(dir));
    }

    private void print(final AnalyzerBench.Result result, final String bootstrap) {
        final PrintWriter out = spec.commandLine().getOut();
        if (json) {
            final ObjectNode doc = RecordJson.MAPPER.valueToTree(Map.of("recordsPerSecond", result.recordsPerSecond(),
                    "ratios", result.ratios(), "latency", new TreeMap<>(result.latency()),
                    "loadBefore", result.loadBefore(), "loadAfter", result.loadAfter(), "bootstrap", bootstrap,
                    "records", records, "hosts", hosts, "threads", threads, "settings", settings));
            doc.set("jitSeconds", RecordJson.MAPPER.valueToTree(new TreeMap<>(result.jitSeconds())));
            out.println(doc);
        } else {
            out.printf(Locale.ROOT, "records %d, %d series, %d stream thread(s), analyzer settings %s, load %.2f -> "
                    + "%.2f%n", records, hosts * 10, threads, settings, result.loadBefore(), result.loadAfter());
            for (final String name : new String[] {"consumer", "passthrough", "analyzer"}) {
                out.printf(Locale.ROOT, "  %-12s %10.0f records/s%n", name, result.recordsPerSecond().get(name));
            }
            new TreeMap<>(result.ratios()).forEach((k, v) -> out.printf(Locale.ROOT, "  %-22s %6.1f %%%n", k, v * 100));
            final Map<String, Double> jit = result.jitSeconds();
            if (jit.size() == 3) {
                out.printf(Locale.ROOT, "JIT compile time during consumer / passthrough / analyzer: %.1f / %.1f / %.1f s "
                        + "(this JVM, broker included: short runs measure partly cold code)%n", jit.get("consumer"),
                        jit.get("passthrough"), jit.get("analyzer"));
            }
            final Map<String, Object> l = result.latency();
            out.printf(Locale.ROOT, "latency at %s records/s: p50 %s ms, p99 %s ms, max %s ms (%s of %s spikes "
                    + "detected; lag %s records 15 s after the load stopped)%n", l.get("rate"), l.get("p50Millis"),
                    l.get("p99Millis"), l.get("maxMillis"), l.get("spikesDetected"), l.get("spikes"),
                    l.get("lagAfter15s"));
        }
        out.flush();
    }
}
