package dev.vigil.deploy;

import dev.vigil.schemas.config.CommandConfig;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options of every command that talks to a cluster. */
final class KafkaOptions {
    @Option(names = {"--bootstrap-server", "-b"}, paramLabel = "HOST:PORT", defaultValue = "${env:VIGIL_BOOTSTRAP_SERVER:-127.0.0.1:9092}",
            description = "Kafka broker(s), host:port[,host:port] (default: $VIGIL_BOOTSTRAP_SERVER or 127.0.0.1:9092).")
    String bootstrapServer;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX", defaultValue = "${env:VIGIL_TOPIC_PREFIX:-}",
            description = "Prefix of every Vigil topic name (default: $VIGIL_TOPIC_PREFIX or none).")
    String topicPrefix;

    @Option(names = CommandConfig.OPTION, paramLabel = "FILE", defaultValue = "${env:VIGIL_COMMAND_CONFIG}",
            description = "Kafka client settings (security.protocol, ssl.*, sasl.*...) in the clients' properties "
                    + "format, as Kafka's own tools take them (default: $VIGIL_COMMAND_CONFIG or none).")
    Path commandConfig;

    /** @return the client settings: the file's, and bootstrap.servers */
    Map<String, Object> client() {
        return CommandConfig.client(commandConfig, bootstrapServer);
    }
}
