package dev.vigil.backup.cli;

import dev.vigil.backup.app.WorkerConfig;
import dev.vigil.backup.app.WorkerService;
import dev.vigil.schemas.config.Foreground;
import dev.vigil.schemas.config.ServiceClusterOptions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vigil worker}: the backup worker, until Ctrl-C. */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Run the backup worker until Ctrl-C: execute this host's signed backup, restore, verify, migrate, forget "
            + "and prune commands from Kafka, exactly once each, and publish their results.",
            "Reads only the commands partition its host name hashes to. Datasets come from the config file "
                + "(worker.datasets and dataset.<id>.*); see backup-worker/README.md for every key.",
            "Exit codes: " + dev.vigil.schemas.config.Foreground.STOPPED
                + ", 1 failed, 2 bad usage, 3 configuration refused."})
public final class WorkerCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", required = true, description = "Worker config file (key=value lines).")
    Path config;

    @Mixin
    ServiceClusterOptions cluster;

    @Override
    public Integer call() throws Exception {
        final Map<String, Object> values = new HashMap<>(WorkerConfig.read(config).originals());
        cluster.applyTo(values);
        final WorkerConfig cfg = new WorkerConfig(values);
        final WorkerService worker = WorkerService.start(cfg);
        System.err.println("worker for host " + cfg.hostName() + " running, datasets " + cfg.datasetIds()
                + "; Ctrl-C stops it");
        // closed by the shutdown hook on Ctrl-C or SIGTERM: the JVM does not wait for this thread to close it
        return Foreground.run("vigil worker", worker, () -> worker.failure() == null,
                () -> String.valueOf(worker.failure() == null ? null : worker.failure().getMessage()), System.err);
    }

}
