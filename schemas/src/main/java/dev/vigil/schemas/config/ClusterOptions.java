package dev.vigil.schemas.config;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine.Option;

/**
 * Where the cluster is, for a command that talks to it and returns (approve, topics, publish, watch...): a picocli
 * mixin. Without a settings file, the defaults come from the environment.
 */
public final class ClusterOptions {
    @Option(names = {"--bootstrap-server", "-b"}, paramLabel = "HOST:PORT",
            defaultValue = "${env:VIGIL_BOOTSTRAP_SERVER:-127.0.0.1:9092}",
            description = "Kafka broker(s), host:port[,host:port] (default: $VIGIL_BOOTSTRAP_SERVER or 127.0.0.1:9092).")
    String bootstrapServer;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX", defaultValue = "${env:VIGIL_TOPIC_PREFIX:-}",
            description = "Prefix of every Vigil topic name (default: $VIGIL_TOPIC_PREFIX or none).")
    String topicPrefix;

    @Option(names = CommandConfig.OPTION, paramLabel = "FILE", defaultValue = "${env:VIGIL_COMMAND_CONFIG}",
            description = "Kafka client settings (security.protocol, ssl.*, sasl.*...) in the clients' properties "
                    + "format, as Kafka's own tools take them (default: $VIGIL_COMMAND_CONFIG or none).")
    Path commandConfig;

    /** @return client settings for this cluster: --command-config's, bootstrap.servers and short timeouts */
    public Map<String, Object> client() {
        final Map<String, Object> client = new HashMap<>(CommandConfig.client(commandConfig, bootstrapServer));
        // Fail in seconds, not minutes, when the cluster is not there: an operator is waiting.
        client.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        client.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return client;
    }

    /** @return the broker addresses given, for messages */
    public String bootstrapServer() {
        return bootstrapServer;
    }

    /** @return the topic prefix, never null */
    public String prefix() {
        return topicPrefix == null ? "" : topicPrefix;
    }
}
