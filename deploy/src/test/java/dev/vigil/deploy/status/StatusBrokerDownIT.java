package dev.vigil.deploy.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.deploy.Vigil;
import dev.vigil.embedded.EmbeddedKafkaCluster;
import dev.vigil.schemas.json.RecordJson;
import dev.vigil.schemas.topic.TopicAdmin;
import dev.vigil.schemas.topic.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil status} on a cluster of three brokers, one of which goes down. */
class StatusBrokerDownIT {

    @Test
    void shouldNameTheBrokerThatIsDown(@TempDir final Path dir) throws Exception {
        try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(dir, 3)) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    cluster.bootstrapServers()))) {
                new TopicAdmin(admin).createOrCheck(Topics.all(""), 0);
            }
            final String[] args = {"status", "--bootstrap-server", cluster.bootstrapServers()};
            final StringWriter before = new StringWriter();
            Vigil.commandLine().setOut(new PrintWriter(before)).execute(args);
            assertTrue(before.toString().contains(", cluster " + cluster.bootstrapServers() + " (3 brokers)\n"),
                    before.toString());

            cluster.stopNode(3);
            final StringWriter out = new StringWriter();
            final StringWriter err = new StringWriter();
            final int code = Vigil.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                    .execute(args);
            assertEquals(1, code, out + "" + err);
            assertTrue(out.toString().startsWith("Vigil NEEDS ATTENTION: broker 3 of 3 down; "), out.toString());
            assertTrue(out.toString().contains(" (3 brokers, broker 3 down)\n"), out.toString());

            final StringWriter json = new StringWriter();
            Vigil.commandLine().setOut(new PrintWriter(json)).execute("status", "--json", "--bootstrap-server",
                    cluster.bootstrapServers());
            final JsonNode brokers = RecordJson.MAPPER.readTree(json.toString()).get("brokers");
            assertEquals(3, brokers.get("total").asInt(), json.toString());
            assertEquals("[3]", brokers.get("down").toString(), json.toString());
        }
    }
}
