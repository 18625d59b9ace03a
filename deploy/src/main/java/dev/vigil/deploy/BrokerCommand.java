package dev.vigil.deploy;

import dev.vigil.embedded.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vigil broker}: Kafka's own broker, alone, until Ctrl-C. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = {
            "Run a single-node Kafka broker (KRaft, broker and controller in one) on 127.0.0.1 until Ctrl-C.",
            "The data directory is formatted on first use and reused after, so topics survive a restart.",
            "For development and demos; a production deployment uses a real Kafka cluster."})
final class BrokerCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "9092", description = "Client port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data", defaultValue = "${user.home}/.vigil/broker",
            description = "Data directory (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--create-topics", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Create Vigil's topics once the broker runs (default: ${DEFAULT-VALUE}).")
    boolean createTopics;

    @Override
    public Integer call() throws Exception {
        final CountDownLatch stopped = new CountDownLatch(1);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(data, port, Map.of())) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                broker.close();
                stopped.countDown();
            }, "vigil-broker-shutdown"));
            if (createTopics) {
                TopicsCommand.createAll(Map.of("bootstrap.servers", broker.bootstrapServers()), "", 1, false,
                        System.out);
            }
            System.out.println("Kafka broker ready on " + broker.bootstrapServers() + ", data in " + broker.dataDir()
                    + ". Ctrl-C stops it.");
            stopped.await();
        }
        return 0;
    }
}
