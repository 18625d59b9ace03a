package dev.vigil.backup.cli;

import dev.vigil.backup.app.WorkerConfig;
import dev.vigil.backup.app.WorkerService;
import dev.vigil.schemas.config.CommonConfig;
import dev.vigil.schemas.config.Foreground;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
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

    @Option(names = {"--bootstrap-server", "-b"}, paramLabel = "HOST:PORT", description = "Kafka broker(s); overrides bootstrap.servers "
            + "(default: the file's bootstrap.servers, else $VIGIL_BOOTSTRAP_SERVER, else 127.0.0.1:9092), as for "
            + "every service.")
    String bootstrap;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX", description = "Prefix of every Vigil topic; overrides topic.prefix (default: "
            + "the file's topic.prefix, else $VIGIL_TOPIC_PREFIX), as for every service.")
    String topicPrefix;

    @Override
    public Integer call() throws Exception {
        final Map<String, Object> values = new HashMap<>(WorkerConfig.read(config).originals());
        CommonConfig.applyCluster(values, bootstrap, topicPrefix);
        final WorkerConfig cfg = new WorkerConfig(values);
        final WorkerService worker = WorkerService.start(cfg);
        System.err.println("worker for host " + cfg.hostName() + " running, datasets " + cfg.datasetIds()
                + "; Ctrl-C stops it");
        // closed by the shutdown hook on Ctrl-C or SIGTERM: the JVM does not wait for this thread to close it
        return Foreground.run("vigil worker", worker, () -> worker.failure() == null,
                () -> String.valueOf(worker.failure() == null ? null : worker.failure().getMessage()), System.err);
    }

}
