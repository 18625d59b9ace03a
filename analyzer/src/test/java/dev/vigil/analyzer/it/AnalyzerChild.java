package dev.vigil.analyzer.it;

import dev.vigil.analyzer.app.AnalyzerConfig;
import dev.vigil.analyzer.app.AnalyzerService;
import dev.vigil.embedded.junit.TestKafka;
import java.nio.file.Path;
import java.util.Map;

/**
 * An analyzer in a JVM of its own, for the crash test: args are bootstrap servers, topic prefix
 * and state directory. Prints RUNNING once started, then runs until killed.
 */
public final class AnalyzerChild {
    private AnalyzerChild() {
    }

    /**
     * @param args bootstrap servers, topic prefix, state directory
     * @throws InterruptedException never in practice: the parent kills this JVM
     */
    public static void main(final String[] args) throws InterruptedException {
        final Map<String, Object> settings = ScaleOutIT.settings(new TestKafka(args[0], args[1]), args[1],
                Path.of(args[2]));
        settings.put(AnalyzerConfig.QUERY_ENDPOINT_CONFIG, "");
        final AnalyzerService service = AnalyzerService.start(new AnalyzerConfig(settings));
        System.out.println("RUNNING");
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(service::close));
        Thread.sleep(Long.MAX_VALUE);
    }
}
