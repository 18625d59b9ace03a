package dev.vigil.schemas.config;

import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where the cluster is, for a command that runs a service from a settings file ({@code --config}): a picocli mixin.
 * The options override the file's {@code bootstrap.servers} and {@code topic.prefix}, which override the environment
 * ({@link CommonConfig#applyCluster}).
 */
public final class ServiceClusterOptions {
    @Option(names = {"--bootstrap-server", "-b"}, paramLabel = "HOST:PORT",
            description = "Kafka broker(s), host:port[,host:port]; overrides bootstrap.servers (default: the file's "
                    + "bootstrap.servers, else $VIGIL_BOOTSTRAP_SERVER, else 127.0.0.1:9092).")
    String bootstrapServer;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX",
            description = "Prefix of every Vigil topic name; overrides topic.prefix (default: the file's topic.prefix, "
                    + "else $VIGIL_TOPIC_PREFIX, else none).")
    String topicPrefix;

    /**
     * Applies the options over a file's settings: command line, then file, then environment.
     *
     * @param settings settings read from a file, changed in place
     */
    public void applyTo(final Map<String, ? super String> settings) {
        CommonConfig.applyCluster(settings, bootstrapServer, topicPrefix);
    }
}
