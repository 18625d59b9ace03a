package dev.vigil.analyzer.cli;

import dev.vigil.analyzer.app.AnalyzerConfig;
import dev.vigil.analyzer.app.AnalyzerService;
import dev.vigil.schemas.config.ConfigFile;
import dev.vigil.schemas.config.Foreground;
import dev.vigil.schemas.config.ServiceClusterOptions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vigil analyzer}: runs the analyzer until Ctrl-C. */
@Command(name = "analyzer", mixinStandardHelpOptions = true,
        description = {
            "Run the analyzer until Ctrl-C: a Kafka Streams application (exactly-once) that cleans and normalizes "
                + "metrics, logs and file activity, publishes statistics, anomaly episodes and forecasts, and "
                + "dead-letters what it cannot use. Several instances with the same application.id share the work.",
            "",
            "Reads vigil-metrics, vigil-logs, vigil-events; writes vigil-stats, vigil-anomalies, vigil-forecasts, "
                + "vigil-log-templates, vigil-dead-letter (created if missing). Answers 'vigil stats' on "
                + "query.endpoint (default 127.0.0.1:7071).",
            "",
            "Config file: key=value lines (see the analyzer README for every key); kafka.* keys go to Kafka Streams.",
            "Exit codes: " + dev.vigil.schemas.config.Foreground.STOPPED + ", 1 failed, 2 bad usage, 3 configuration refused."})
public final class AnalyzerCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "Analyzer configuration file (default: none, "
            + "every key at its default).")
    Path config;

    @Mixin
    ServiceClusterOptions cluster;

    @Override
    public Integer call() throws InterruptedException {
        final Map<String, String> settings = config == null ? new HashMap<>()
                : new HashMap<>(ConfigFile.read(config, AnalyzerConfig.CONFIG, AnalyzerConfig::new));
        cluster.applyTo(settings);
        final AnalyzerConfig config = new AnalyzerConfig(settings);
        final AnalyzerService service = AnalyzerService.start(config);
        System.err.println("analyzer " + config.applicationId() + " running" + (service.queryEndpoint() == null ? ""
                : ", statistics on http://" + service.queryEndpoint() + "/v1/stats") + "; Ctrl-C stops it");
        return Foreground.run("vigil analyzer", service, () -> service.streams().state().isRunningOrRebalancing(),
                () -> "Kafka Streams state " + service.streams().state(), System.err);
    }
}
