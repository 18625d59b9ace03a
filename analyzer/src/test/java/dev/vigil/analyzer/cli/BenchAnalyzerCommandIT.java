package dev.vigil.analyzer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code vigil bench analyzer} end to end on its own embedded broker, small: it measures, and leaves nothing behind. */
class BenchAnalyzerCommandIT {
    @Test
    void measuresAllThreeAppsAndRemovesItsBrokerAndStateDirectories() throws Exception {
        final Set<Path> before = benchDirs();
        final StringWriter out = new StringWriter();
        final CommandLine cmd = new CommandLine(new BenchAnalyzerCommand()).setOut(new PrintWriter(out, true));
        assertEquals(0, cmd.execute("--records", "4000", "--hosts", "2", "--rate", "200", "--latency-seconds", "2",
                "--json"));

        final JsonNode doc = new ObjectMapper().readTree(out.toString());
        for (final String app : new String[] {"consumer", "passthrough", "analyzer"}) {
            assertTrue(doc.path("recordsPerSecond").path(app).asDouble() > 0, app + ": " + doc);
            // HotSpot reports its compile time: each phase's share is there to read a short run by.
            assertTrue(doc.path("jitSeconds").path(app).isNumber() && doc.path("jitSeconds").path(app).asDouble() >= 0,
                    app + ": " + doc);
        }
        final double ratio = doc.path("ratios").path("analyzer/passthrough").asDouble();
        assertEquals(doc.path("recordsPerSecond").path("analyzer").asDouble()
                / doc.path("recordsPerSecond").path("passthrough").asDouble(), ratio, 1e-9);
        assertEquals(Set.of(), difference(benchDirs(), before), "left behind in " + tmp());
    }

    private static Path tmp() {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    private static Set<Path> benchDirs() throws IOException {
        try (Stream<Path> all = Files.list(tmp())) {
            return all.filter(p -> p.getFileName().toString().startsWith("vigil-bench")).collect(Collectors.toSet());
        }
    }

    private static Set<Path> difference(final Set<Path> a, final Set<Path> b) {
        return a.stream().filter(p -> !b.contains(p)).collect(Collectors.toSet());
    }
}
