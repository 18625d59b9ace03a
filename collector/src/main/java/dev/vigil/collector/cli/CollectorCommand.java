package dev.vigil.collector.cli;

import dev.vigil.collector.app.CollectorConfig;
import dev.vigil.collector.app.CollectorService;
import dev.vigil.schemas.config.ConfigFile;
import dev.vigil.schemas.config.ServiceClusterOptions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vigil collector}: the host agent, until Ctrl-C. */
@Command(name = "collector", mixinStandardHelpOptions = true,
        description = {
            "Run the collector agent on this host until Ctrl-C. It publishes:",
            "  - host metrics (CPU, memory, filesystems, disks, network), every",
            "    metrics.interval.ms (10 s);",
            "  - the log files matched by logs.paths, followed through rotation;",
            "  - file activity in this host's protected datasets (files.datasets",
            "    and the vigil-datasets registry), every files.interval.ms (10 s);",
            "  - events posted to http://127.0.0.1:7171/events (port: events.http.port).",
            "Every record is spooled on disk (state.dir) before it is sent: nothing",
            "accepted is lost while Kafka is away or if the agent is killed.",
            "Settings: key=value lines, see collector/collector-sample.properties;",
            "unknown keys are refused. For a small footprint run it with",
            "VIGIL_JAVA_OPTS=\"$(cat collector/jvm.options)\".",
            "Exit codes: " + dev.vigil.schemas.config.Foreground.STOPPED
                + ", 1 failed, 2 bad usage, 3 configuration refused."},
        subcommands = JournalCommand.class)
public final class CollectorCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "Settings file (key=value). Without it, defaults.")
    Path config;

    @Mixin
    ServiceClusterOptions cluster;

    /**
     * @param file settings file or null
     * @param cluster the command line's overrides of bootstrap.servers and topic.prefix
     * @return the checked configuration
     */
    static CollectorConfig load(final Path file, final ServiceClusterOptions cluster) {
        final Map<String, Object> values = new HashMap<>();
        if (file != null) {
            values.putAll(ConfigFile.read(file, CollectorConfig.CONFIG, CollectorConfig::new));
        }
        cluster.applyTo(values);
        return new CollectorConfig(values);
    }

    @Override
    public Integer call() throws Exception {
        final CollectorConfig cfg = load(config, cluster);
        final CountDownLatch stopped = new CountDownLatch(1);
        final CollectorService service = CollectorService.start(cfg);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            stopped.countDown();
        }, "vigil-collector-shutdown"));
        System.err.println("collector agent running for host " + cfg.hostName() + "; state in " + cfg.stateDir()
                + (service.eventsPort() >= 0 ? "; events on port " + service.eventsPort() : "") + ". Ctrl-C stops it.");
        stopped.await();
        return 0;
    }
}
