package dev.vigil.deploy;

import picocli.CommandLine.Option;

/** Options of every command that talks to a cluster. */
final class KafkaOptions {
    @Option(names = {"--bootstrap-server", "-b"}, defaultValue = "${env:VIGIL_BOOTSTRAP_SERVER:-127.0.0.1:9092}",
            description = "Kafka broker(s), host:port[,host:port] (default: $VIGIL_BOOTSTRAP_SERVER or 127.0.0.1:9092).")
    String bootstrapServer;

    @Option(names = "--topic-prefix", defaultValue = "${env:VIGIL_TOPIC_PREFIX:-}",
            description = "Prefix of every Vigil topic name (default: $VIGIL_TOPIC_PREFIX or none).")
    String topicPrefix;
}
