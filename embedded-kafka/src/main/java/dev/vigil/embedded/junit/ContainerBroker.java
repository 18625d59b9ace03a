package dev.vigil.embedded.junit;

import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/** Testcontainers' Kafka module, for machines where Docker runs; loaded only when asked for. */
final class ContainerBroker implements AutoCloseable {
    /** The official image; its version follows the client's major line. */
    static final String IMAGE = "apache/kafka:4.1.0";
    private final KafkaContainer container;

    private ContainerBroker(final KafkaContainer container) {
        this.container = container;
    }

    static ContainerBroker start() {
        final KafkaContainer container = new KafkaContainer(DockerImageName.parse(IMAGE));
        container.start();
        return new ContainerBroker(container);
    }

    String bootstrapServers() {
        return container.getBootstrapServers();
    }

    @Override
    public void close() {
        container.stop();
    }
}
