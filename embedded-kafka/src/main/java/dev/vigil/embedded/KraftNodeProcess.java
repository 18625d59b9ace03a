package dev.vigil.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;

/**
 * One node of an {@link EmbeddedKafkaCluster} in a JVM of its own, so that a test can kill it as a crash would: no
 * controlled shutdown, no leader handed over, sockets gone at once. Started by the cluster on a node formatted before;
 * SIGTERM stops it cleanly, and it stops when its parent's end of its standard input closes (the test JVM died).
 */
public final class KraftNodeProcess {
    private KraftNodeProcess() {
    }

    /**
     * @param args the node's properties file
     * @throws IOException when it cannot be read
     */
    public static void main(final String[] args) throws IOException {
        final Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of(args[0]), StandardCharsets.UTF_8)) {
            props.load(in);
        }
        final KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown();
            server.awaitShutdown();
        }, "kraft-node-shutdown"));
        final Thread orphan = new Thread(() -> {
            try (InputStream parent = System.in) {
                while (parent.read() >= 0) {
                    // nothing is sent: the read returns at the end of the stream
                }
            } catch (IOException e) {
                // the same: the parent is gone
            }
            System.exit(0);
        }, "kraft-node-parent-watch");
        orphan.setDaemon(true);
        orphan.start();
        server.startup();
        server.awaitShutdown();
    }
}
