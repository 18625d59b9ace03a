package dev.vigil.analyzer.cli;

import picocli.CommandLine.Option;

/** Where the cluster is, for the analyzer's commands. */
final class ClusterOptions {
    @Option(names = {"--bootstrap-server", "-b"}, paramLabel = "HOST:PORT",
            description = "Kafka broker(s), host:port[,host:port] (default: bootstrap.servers from the config file, "
                    + "else $VIGIL_BOOTSTRAP_SERVER, else 127.0.0.1:9092).")
    String bootstrapServer;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX",
            description = "Prefix of every Vigil topic name (default: topic.prefix from the config file, else "
                    + "$VIGIL_TOPIC_PREFIX, else none).")
    String topicPrefix;

    /**
     * Applies the options over a file's settings: command line, then file, then environment.
     *
     * @param settings settings read from a file, changed in place
     */
    void applyTo(final java.util.Map<String, String> settings) {
        dev.vigil.schemas.config.CommonConfig.applyCluster(settings, bootstrapServer, topicPrefix);
    }
}
