package dev.vigil.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.embedded.EmbeddedKafkaCluster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every command that talks to Kafka takes the clients' security settings from {@code --command-config FILE}: here
 * against a broker whose only other listener is SASL_PLAINTEXT with PLAIN.
 */
class CommandConfigIT {
    @TempDir
    static Path dir;
    private static EmbeddedKafkaCluster cluster;
    private static Path clientFile;

    @BeforeAll
    static void start() throws Exception {
        cluster = EmbeddedKafkaCluster.start(dir.resolve("kafka"), 1);
        clientFile = dir.resolve("client.properties");
        Files.writeString(clientFile, String.join("\n",
                "security.protocol=SASL_PLAINTEXT",
                "sasl.mechanism=PLAIN",
                "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required \\",
                "  username=\"" + EmbeddedKafkaCluster.SASL_USER + "\" password=\""
                        + EmbeddedKafkaCluster.SASL_PASSWORD + "\";", ""));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Runs a command on the SASL listener with the client file; returns what it printed. */
    private static String run(final String... args) {
        return run(0, args);
    }

    private static String run(final int expectedExit, final String... args) {
        final String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--bootstrap-server";
        all[args.length + 1] = cluster.saslBootstrapServers();
        all[args.length + 2] = "--command-config";
        all[args.length + 3] = clientFile.toString();
        final PrintStream original = System.out;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        final StringWriter err = new StringWriter();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            final CommandLine cli = Vigil.commandLine();
            cli.setErr(new PrintWriter(err));
            final int exit = cli.execute(all);
            final String out = captured.toString(StandardCharsets.UTF_8);
            assertEquals(expectedExit, exit, String.join(" ", args) + ":\n" + out + err);
            return out;
        } finally {
            System.setOut(original);
        }
    }

    @Test
    void shouldCreatePublishWatchAndRegisterThroughSasl() {
        assertTrue(run("topics", "create", "--topic-prefix", "sasl.").contains("created    sasl.vigil-logs"));
        run("publish", "log", "--topic-prefix", "sasl.", "--host", "web-1", "--message", "hello over SASL");
        assertTrue(run("watch", "logs", "--topic-prefix", "sasl.", "--from-beginning", "--max", "1", "--json")
                .contains("hello over SASL"));
        run("datasets", "add", "docs", "--topic-prefix", "sasl.", "--host", "web-1", "--path", "/srv/docs",
                "--repository", "/backup/docs");
        assertTrue(run("datasets", "list", "--topic-prefix", "sasl.").contains("docs"));
        // no service runs here, so status says so (exit 1), having read the registry through SASL
        final String status = run(1, "status", "--topic-prefix", "sasl.");
        assertTrue(status.contains("docs") && status.contains("NO MEMBERS"), status);
    }
}
